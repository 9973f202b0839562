package cutover.backup;

import cutover.model.EntityName;
import cutover.model.Record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the records of a source, of any entities in any interleaving (one export file holds every
 * collection), and turns them into one snapshot. Records of an entity are kept in the order given.
 * Holds the repository's lock from creation to {@link #close()}. Nothing is listed until
 * {@link #commit()} writes the manifest, after the packs and the index are on disk: a writer closed
 * or killed before that leaves only unreferenced packs, which prune removes.
 *
 * <p>{@link #write(Record)} and friends are for one thread. A backup of a whole source instead takes
 * one {@link SplitWriter} per split ({@link #split()}), each used by its own thread: each gives
 * every entity it yields a part of its own, and parts are listed in the order the split writers
 * were taken.
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
    private final Chunker coarseChunker; // for tables whose changes are layers, not deduplicated chunks
    private final java.util.function.Supplier<Index> index; // read meanwhile: the source is opened and decided on first
    private final Map<EntityName, EntityParts> entities = new LinkedHashMap<>();
    private final Map<EntityName, EntitySnapshot> reused = new LinkedHashMap<>();
    private final Map<EntityName, SourceDigest> sourceDigests = new LinkedHashMap<>();
    private final Map<EntityName, ChangeTrack> changes = new LinkedHashMap<>();
    private final Map<EntityName, cutover.model.NativeDefinition> definitions = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile cutover.model.NativeDefinition schemaObjects;
    private final Map<EntityName, List<String>> nullableColumns = new java.util.concurrent.ConcurrentHashMap<>();
    private int splits;
    private SplitWriter sequential;
    private final List<FileEntry> files = new ArrayList<>();
    private Snapshot committed;
    private boolean closed;
    private Instant time; // the snapshot's time, when not its commit's
    /** The entities of the snapshot this one builds on, whose chunk lists an entity with the same base parts names again. */
    private Map<String, EntitySnapshot> listedBefore = Map.of();

    /** The snapshots taken at the same moment as this one, or null. */
    private SnapshotSet set;

    /** Names the set this snapshot is taken with (its manifest's {@code set}). */
    void takenWith(SnapshotSet set) {
        this.set = set;
    }

    SnapshotWriter(Repository.Internals repo, RepoLock lock, String source, List<String> tags) {
        this.repo = repo;
        this.lock = lock;
        this.source = source;
        this.tags = List.copyOf(tags);
        this.index = repo.loadIndexBeside();
        this.chunker = new Chunker(repo.config().chunker());
        this.coarseChunker = new Chunker(repo.config().chunker().coarse());
        this.store = new ChunkStore(repo.files(), repo.keys(), repo.sealingKit(), index, repo.options().packSize(), repo.options().zstdLevel(),
                repo.options().sealThreads());
    }

    /**
     * The snapshot this one builds on (the latest of its source): an entity whose base parts are the
     * same as there names the same list file ({@link ChunkList}) instead of writing its ids again.
     */
    void buildsOn(Snapshot earlier) {
        Map<String, EntitySnapshot> listed = new java.util.HashMap<>();
        if (earlier != null) earlier.entities().forEach(e -> { if (e.chunkList() != null) listed.put(e.name(), e); });
        listedBefore = listed;
    }

    /** Makes the entity part of the snapshot even if it has no records, with the key columns a restore needs. */
    public void declare(EntityName entity, List<String> keyColumns) {
        entity(entity, keyColumns);
    }

    /** Stores the entity's parts as rows in a bulk text format ({@link SplitWriter#copyPart}) instead of record streams. */
    void copyText(EntityName entity, cutover.connector.CopyShape format) {
        entity(entity, List.of()).copyText(format);
    }

    /** What the source holds beside its tables (a schema's views and sequences), kept in the manifest. */
    void schemaObjects(cutover.model.NativeDefinition objects) {
        schemaObjects = objects;
    }

    /** The entity's table as its database defines it, kept in the manifest whether its rows are read or reused. */
    void definition(EntityName entity, cutover.model.NativeDefinition d) {
        definitions.put(entity, d);
    }

    /** The columns of the entity the source's schema lets hold NULL, kept in the manifest whether its rows are read or reused. */
    void nullableColumns(EntityName entity, List<String> columns) {
        nullableColumns.put(entity, columns);
    }

    /** Writes a record as the next of its entity (all records written here form one part per entity). */
    public void write(Record record) {
        sequential().write(record);
    }

    /**
     * Puts an entity of an earlier snapshot into this one as it is, its chunks already stored: for a
     * table whose source digest has not changed since ({@link SourceDigest}). Nothing of it is written.
     */
    synchronized void reuse(EntitySnapshot earlier) {
        requireOpen();
        if (entities.containsKey(earlier.entityName())) throw new IllegalStateException("entity " + earlier.name() + " is being written");
        reused.put(earlier.entityName(), earlier);
    }

    /** Records that the entity written is the source table with this digest (read while it stayed so). */
    synchronized void sourceDigest(EntityName entity, SourceDigest digest) {
        sourceDigests.put(entity, digest);
    }

    /** Records how the source tells the entity's changes from the moment it was read ({@link ChangeTrack}, no layers yet). */
    synchronized void changes(EntityName entity, ChangeTrack track) {
        changes.put(entity, track);
    }

    /** Cuts the entity's parts in coarse chunks: its changes will be layers, and larger chunks store it smaller. */
    synchronized void coarse(EntityName entity) {
        entity(entity, List.of()).coarse();
    }

    /**
     * Puts into this snapshot an entity the caller built from an earlier one and parts of its own
     * ({@link #loosePart}): an earlier entity with a change layer added. Nothing more of it is written.
     */
    synchronized void layered(EntitySnapshot entity) {
        reuse(entity);
    }

    /** A loose part's progress, told to no one; made with the class, not where a first incremental first writes a layer. */
    private static final java.util.function.LongConsumer NO_PROGRESS = rows -> { };

    /** A part of rows in a bulk text format that belongs to no split: a change layer's rows or keys. */
    CopyPartStream loosePart(cutover.connector.CopyTextFormat.KindTally tally) {
        requireOpen();
        return new CopyPartStream(coarseChunker, store, tally, NO_PROGRESS);
    }

    /** Where this snapshot's chunks go: for a part a caller builds itself. */
    ChunkStore store() {
        requireOpen();
        return store;
    }

    /** Puts an earlier snapshot's files into this one as they are, their chunks already stored (a compaction's snapshot). */
    void reuseFiles(List<FileEntry> earlier) {
        requireOpen();
        if (!files.isEmpty()) throw new IllegalStateException("a snapshot holds one folder");
        files.addAll(earlier);
    }

    /** The snapshot's time, instead of the commit's: for a snapshot written again from another ({@link Repository#compact}). */
    void time(Instant at) {
        requireOpen();
        this.time = at;
    }

    /** The repository's index as this writer read it: for reading blobs stored before it opened. */
    Index index() {
        requireOpen();
        return index.get();
    }

    /** A record the source could not decode: counted and sampled in the manifest, since it cannot be kept. */
    public void unreadable(EntityName entity, String key, String reason) {
        entity(entity, List.of()).unreadable(key, reason);
    }

    /** A writer for the records of the next split, for a thread of its own; finish it before {@link #commit()}. */
    synchronized SplitWriter split() {
        requireOpen();
        return new SplitWriter(splits++, chunker, coarseChunker, store, this::entity);
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
        if (sequential != null) sequential.finish();
        List<EntitySnapshot> done = new ArrayList<>();
        for (EntityParts e : entities.values()) {
            EntitySnapshot written = e.finish(chunker, store);
            SourceDigest digest = sourceDigests.get(written.entityName());
            ChangeTrack track = changes.get(written.entityName());
            if (digest != null) written = written.withSourceDigest(digest);
            // the keys counted at the moment must be the rows read at it, or the track would mislead the next backup
            if (track != null && track.storedRecords() == written.records()) written = written.withChanges(track);
            done.add(written);
        }
        done.addAll(reused.values());
        done.replaceAll(e -> definitions.containsKey(e.entityName()) ? e.withDefinition(definitions.get(e.entityName())) : e);
        done.replaceAll(e -> nullableColumns.containsKey(e.entityName()) ? e.withNullableColumns(nullableColumns.get(e.entityName())) : e);
        done.sort(Comparator.comparing(EntitySnapshot::entityName));
        Map<ChunkList, FileEnvelope.Named> lists = new LinkedHashMap<>(); // the new list files, by what entities name
        done.replaceAll(e -> listed(e, lists));
        List<PackWriter.Written> packs = store.finish();
        lock.requireHeld("commit the snapshot"); // its index and manifest would refer to packs a prune may be removing
        IndexFile indexFile = packs.isEmpty() ? null : Index.fileOf(packs);
        FileEnvelope.Named indexNamed = indexFile == null ? null : repo.envelope().sealNamed(RepoFiles.INDEX, "index", indexFile);
        if (indexFile != null) index.get().add(indexNamed.id(), indexFile, repo.files()); // this backup's view: the sizes below
        long total = 0;
        for (EntitySnapshot e : done) total += e.bytes();
        List<String> allChunks = new ArrayList<>();
        done.forEach(e -> allChunks.addAll(e.chunks()));
        files.forEach(f -> allChunks.addAll(f.chunks()));
        long stored = repo.chunkLengths().storedBytes(allChunks, index.get());
        // each version only where it is needed, so that a reader of an earlier one still reads the rest
        int version = schemaObjects != null ? 8 : done.stream().anyMatch(e -> e.copyText() != null && e.keyColumns().isEmpty()) ? 7
                : done.stream().anyMatch(e -> e.chunkList() != null) ? 6
                : done.stream().anyMatch(e -> e.definition() != null) ? 5 : done.stream().anyMatch(e -> e.changes() != null) ? 4
                : done.stream().anyMatch(e -> e.copyText() != null) ? 3 : 2;
        ManifestFile manifest = new ManifestFile(version, (time != null ? time : Instant.now()).toString(), RepoLock.host(), source, tags, done,
                total, stored, store.addedBytes(), store.addedChunks(), files.isEmpty() ? null : List.copyOf(files), schemaObjects, set);
        FileEnvelope.Named manifestNamed = repo.envelope().sealNamed(RepoFiles.SNAPSHOTS, "snapshot", manifest.asWritten());
        // the new list files and the index before the manifest that names them and its packs' chunks, their bytes forced to disk together
        List<FileEnvelope.Named> inOrder = new ArrayList<>(lists.values());
        if (indexNamed != null) inOrder.add(indexNamed);
        inOrder.add(manifestNamed);
        repo.files().writeInOrder(inOrder);
        for (EntitySnapshot e : done) {
            if (lists.containsKey(e.chunkList())) repo.chunkLists().wrote(e.chunkList(), e.chunks().subList(0, e.chunkList().chunks()));
        }
        if (indexFile != null) repo.indexFiles().put(indexNamed.id(), indexFile); // the next backup of this process need not read it back (110 ms at 10M rows)
        BlobId id = manifestNamed.id();
        committed = Snapshot.of(id, manifest);
        repo.wrote(committed);
        return committed;
    }

    /**
     * The entity with its base parts' chunk ids in a list file when they are many: the one the
     * snapshot it builds on names for the same ids, else a new one (added to {@code toWrite}).
     */
    private EntitySnapshot listed(EntitySnapshot e, Map<ChunkList, FileEnvelope.Named> toWrite) {
        int base = e.baseChunks();
        if (base < repo.options().listedChunks()) return e.withChunkList(null);
        if (e.chunkList() != null && e.chunkList().chunks() == base && repo.chunkLists().stored(e.chunkList())) return e; // reused as it was
        EntitySnapshot before = listedBefore.get(e.name());
        if (before != null && before.chunkList().chunks() == base && repo.chunkLists().stored(before.chunkList())
                && before.chunks().subList(0, base).equals(e.chunks().subList(0, base))) {
            return e.withChunkList(before.chunkList());
        }
        FileEnvelope.Named file = repo.envelope().sealNamed(RepoFiles.LISTS, ChunkList.KIND, new ChunkList.File(e.chunks().subList(0, base)));
        ChunkList list = new ChunkList(file.id().hex(), base);
        toWrite.put(list, file);
        return e.withChunkList(list);
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

    private synchronized SplitWriter sequential() {
        if (sequential == null) sequential = split();
        return sequential;
    }

    private synchronized EntityParts entity(EntityName entity, List<String> keyColumns) {
        requireOpen();
        if (reused.containsKey(entity)) throw new IllegalStateException("entity " + entity + " is reused from an earlier snapshot, not written");
        EntityParts e = entities.computeIfAbsent(entity, n -> new EntityParts(n, keyColumns));
        e.keyColumns(keyColumns);
        return e;
    }

    private void requireOpen() {
        if (closed || committed != null) throw new IllegalStateException("this writer was committed or closed already");
    }
}
