package cutover.backup;

import cutover.model.EntityName;
import cutover.model.Record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes the records of a source, of any entities in any interleaving (one export file holds every
 * collection), and turns them into one snapshot. Records of an entity are kept in the order given.
 * Holds the repository's lock from creation to {@link #close()}. Nothing is listed until
 * {@link #commit()} writes the manifest, after the packs and the index are on disk: a writer closed
 * or killed before that leaves only unreferenced packs, which prune removes. Not thread-safe.
 *
 * <pre>{@code
 * try (SnapshotWriter w = repo.backup().source("postgresql://app@db/app").tag("nightly").open()) {
 *     w.declare(EntityName.of("public.users"), List.of("id"));
 *     records.forEach(w::write);
 *     Snapshot s = w.commit();
 * }
 * }</pre>
 */
public final class SnapshotWriter implements AutoCloseable {
    private final Repository.Internals repo;
    private final RepoLock lock;
    private final String source;
    private final List<String> tags;
    private final ChunkStore store;
    private final Chunker chunker;
    private final Index index;
    private final Map<EntityName, EntityStream> entities = new LinkedHashMap<>();
    private final List<FileEntry> files = new ArrayList<>();
    private Snapshot committed;
    private boolean closed;

    SnapshotWriter(Repository.Internals repo, RepoLock lock, String source, List<String> tags) {
        this.repo = repo;
        this.lock = lock;
        this.source = source;
        this.tags = List.copyOf(tags);
        this.index = repo.loadIndex();
        this.chunker = new Chunker(repo.config().chunker());
        this.store = new ChunkStore(repo.files(), repo.keys(), index, repo.options().packSize());
    }

    /** Makes the entity part of the snapshot even if it has no records, with the key columns a restore needs. */
    public void declare(EntityName entity, List<String> keyColumns) {
        stream(entity, keyColumns);
    }

    public void write(Record record) {
        stream(record.entity(), List.of()).write(record);
    }

    /** A record the source could not decode: counted and sampled in the manifest, since it cannot be kept. */
    public void unreadable(EntityName entity, String key, String reason) {
        stream(entity, List.of()).unreadable(key, reason);
    }

    /** Backs up the regular files under {@code folder} beside the records (docs/backup-format.md, "Files"); once per snapshot. */
    public List<FileEntry> addFolder(java.nio.file.Path folder) {
        if (closed || committed != null) throw new IllegalStateException("this writer was committed or closed already");
        if (!files.isEmpty()) throw new IllegalStateException("a snapshot holds one folder");
        files.addAll(new FolderBackup(chunker, store).write(folder));
        return List.copyOf(files);
    }

    /** Writes the last pack, the index of the new packs, then the manifest; returns the snapshot. */
    public Snapshot commit() {
        if (closed || committed != null) throw new IllegalStateException("this writer was committed or closed already");
        List<EntitySnapshot> done = new ArrayList<>();
        for (EntityStream s : entities.values()) done.add(s.finish());
        done.sort(Comparator.comparing(EntitySnapshot::entityName));
        List<PackWriter.Written> packs = store.finish();
        if (!packs.isEmpty()) {
            IndexFile file = Index.fileOf(packs);
            BlobId fileId = repo.envelope().writeNamed(RepoFiles.INDEX, "index", file);
            index.add(fileId, file, repo.files());
        }
        long total = 0, stored = 0;
        Set<BlobId> counted = new HashSet<>();
        for (EntitySnapshot e : done) total += e.bytes();
        List<String> allChunks = new ArrayList<>();
        done.forEach(e -> allChunks.addAll(e.chunks()));
        files.forEach(f -> allChunks.addAll(f.chunks()));
        for (String c : allChunks) {
            BlobId id = BlobId.parse(c);
            if (counted.add(id)) stored += index.get(id).length();
        }
        ManifestFile manifest = new ManifestFile(ManifestFile.VERSION, Instant.now().toString(), RepoLock.host(), source, tags, done,
                total, stored, store.addedBytes(), store.addedChunks(), files.isEmpty() ? null : List.copyOf(files));
        BlobId id = repo.envelope().writeNamed(RepoFiles.SNAPSHOTS, "snapshot", manifest);
        committed = Snapshot.of(id, manifest);
        return committed;
    }

    /** Releases the lock; without a commit, abandons the snapshot (its finished packs stay as garbage for prune). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try (RepoLock l = lock) {
            store.close();
        }
    }

    private EntityStream stream(EntityName entity, List<String> keyColumns) {
        if (closed || committed != null) throw new IllegalStateException("this writer was committed or closed already");
        EntityStream s = entities.get(entity);
        if (s == null) {
            s = new EntityStream(entity, keyColumns, chunker, store);
            entities.put(entity, s);
        } else if (!keyColumns.isEmpty()) {
            s.keyColumns(keyColumns);
        }
        return s;
    }
}
