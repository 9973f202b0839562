package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the list files manifests name ({@link ChunkList}) and puts their ids back before each
 * entity's own: what a snapshot read from its manifest holds in memory. Keeps the last few lists
 * read, since snapshots one after another name the same one (a schedule's snapshots layer on one
 * base); a list file never changes once written, its name being the hash of its bytes.
 */
final class ChunkLists {
    /** Lists kept: a listing of many snapshots meets a handful of bases, one after another. */
    private static final int KEPT = 4;

    private final RepoFiles files;
    private final FileEnvelope envelope;
    private final Map<String, List<String>> kept = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
            return size() > KEPT;
        }
    };

    ChunkLists(RepoFiles files, FileEnvelope envelope) {
        this.files = files;
        this.envelope = envelope;
    }

    /**
     * The manifest's entities with their listed chunks read back; an entity without a list as it is.
     * {@code proven}, for a check: the lists it read from disk already; a list not among them is read
     * and proven again (then added), not taken from those kept. Null: any kept list will do.
     */
    List<EntitySnapshot> resolve(BlobId snapshot, List<EntitySnapshot> entities, java.util.Set<String> proven) {
        if (entities.stream().noneMatch(e -> e.chunkList() != null)) return entities;
        return entities.stream().map(e -> e.chunkList() == null ? e : e.withListedChunks(read(snapshot, e, proven))).toList();
    }

    /** Remembers a list just written, so that the next snapshot read that names it is not read back from disk. */
    synchronized void wrote(ChunkList list, List<String> chunks) {
        kept.put(list.id(), List.copyOf(chunks));
    }

    /** The list files in the repository that none of {@code snapshots} names: garbage to check, what prune deletes. */
    static List<BlobId> unnamed(RepoFiles files, List<Snapshot> snapshots) {
        java.util.Set<String> named = new java.util.HashSet<>();
        snapshots.forEach(s -> named.addAll(s.chunkListIds()));
        return files.listIds(RepoFiles.LISTS).stream().filter(l -> !named.contains(l.hex())).toList();
    }

    /** Whether the list's file is in the repository: a backup names a list again only then. */
    boolean stored(ChunkList list) {
        return java.nio.file.Files.isRegularFile(files.chunkList(BlobId.parse(list.id())));
    }

    private List<String> read(BlobId snapshot, EntitySnapshot e, java.util.Set<String> proven) {
        ChunkList list = e.chunkList();
        java.nio.file.Path path;
        try {
            path = files.chunkList(BlobId.parse(list.id()));
        } catch (IllegalArgumentException bad) {
            throw damaged(snapshot, e, "its chunk list '" + list.id() + "' is not a file id");
        }
        List<String> chunks = null;
        if (proven == null || proven.contains(list.id())) {
            synchronized (this) {
                chunks = kept.get(list.id());
            }
        }
        if (chunks == null) {
            if (!java.nio.file.Files.isRegularFile(path)) throw damaged(snapshot, e, "its chunk list " + files.relative(path) + " is missing");
            try {
                chunks = envelope.readNamed(path, ChunkList.KIND, ChunkList.File.class).chunks();
            } catch (CutoverException unreadable) {
                throw damaged(snapshot, e, unreadable.getMessage());
            }
            synchronized (this) {
                kept.put(list.id(), chunks);
            }
            if (proven != null) proven.add(list.id());
        }
        if (chunks.size() != list.chunks()) {
            throw damaged(snapshot, e, "its chunk list " + files.relative(path) + " holds "
                    + chunks.size() + " chunk ids; the manifest says " + list.chunks());
        }
        return chunks;
    }

    private CutoverException damaged(BlobId snapshot, EntitySnapshot e, String why) {
        return new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshots/" + snapshot.hex() + " in the repository at " + files.root()
                + ": entity " + e.name() + ": " + why);
    }
}
