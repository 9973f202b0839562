package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.Waiting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Every blob the index files know, by id. A blob listed twice (after a prune that stopped before it
 * removed the old index) keeps the location from the index file whose name sorts first: both copies
 * are whole, and the next prune removes the other.
 */
final class Index {
    private final Map<BlobId, BlobLocation> blobs = new HashMap<>();
    private final Map<BlobId, List<BlobId>> packs = new LinkedHashMap<>(); // pack → blobs in stored order
    private final List<BlobId> files = new ArrayList<>();
    /** Index files left out by {@link #loadReadable} because they do not open, with why. */
    private final Map<BlobId, String> unreadable = new LinkedHashMap<>();

    static Index load(RepoFiles repoFiles, FileEnvelope envelope) {
        return load(repoFiles, envelope, null);
    }

    /**
     * The same, each index file's content taken from {@code read} when it holds it, and kept there
     * once read (null: none kept): an index file never changes once written (a prune writes new ones
     * and removes the old), so a process that backs up again and again reads each one once.
     */
    static Index load(RepoFiles repoFiles, FileEnvelope envelope, Map<BlobId, IndexFile> read) {
        return load(repoFiles, envelope, read, false);
    }

    /**
     * The index as a reader needs it: an index file that does not open (damaged) is left out and
     * remembered, so a snapshot whose chunks other index files list still restores, and a chunk
     * found in none names the files left out. Never for writing or pruning, which must see every
     * index file or stop.
     */
    static Index loadReadable(RepoFiles repoFiles, FileEnvelope envelope) {
        return load(repoFiles, envelope, null, true);
    }

    private static Index load(RepoFiles repoFiles, FileEnvelope envelope, Map<BlobId, IndexFile> read, boolean leaveOutDamaged) {
        Index index = new Index();
        List<BlobId> listed = repoFiles.listIds(RepoFiles.INDEX);
        for (BlobId file : listed) {
            IndexFile content = read == null ? null : read.get(file);
            if (content == null) {
                try {
                    content = envelope.readNamed(repoFiles.index(file), "index", IndexFile.class);
                } catch (CutoverException e) {
                    if (!leaveOutDamaged || e.code() != ErrorCode.BACKUP_CORRUPT) throw e;
                    index.unreadable.put(file, e.getMessage());
                    continue;
                }
                if (read != null) read.put(file, content);
            }
            index.add(file, content, repoFiles);
        }
        if (read != null) read.keySet().retainAll(new java.util.HashSet<>(listed)); // those pruned since
        return index;
    }

    /** The index files {@link #loadReadable} left out, with why (none for a full load, which stops at the first). */
    Map<BlobId, String> unreadable() { return Collections.unmodifiableMap(unreadable); }

    /**
     * The index, read on a thread of its own while a backup starts (connects, decides which tables
     * changed: seconds for a large table, which a large index takes a good part of); the first chunk
     * stored waits for it, and a failure to read it is thrown there.
     */
    static Supplier<Index> loadBeside(RepoFiles repoFiles, FileEnvelope envelope, Map<BlobId, IndexFile> read) {
        return beside(() -> load(repoFiles, envelope, read));
    }

    /** {@link #loadReadable} on a thread of its own, as {@link #loadBeside}. */
    static Supplier<Index> loadReadableBeside(RepoFiles repoFiles, FileEnvelope envelope) {
        return beside(() -> loadReadable(repoFiles, envelope));
    }

    private static Supplier<Index> beside(java.util.concurrent.Callable<Index> load) {
        FutureTask<Index> loading = new FutureTask<>(load);
        Thread thread = new Thread(loading, "cutover-index-load");
        thread.setDaemon(true);
        thread.start();
        return () -> Waiting.on(loading, "reading the repository's index");
    }

    void add(BlobId file, IndexFile content, RepoFiles repoFiles) {
        if (content.version() > IndexFile.VERSION) {
            throw new CutoverException(ErrorCode.BACKUP_VERSION, "index/" + file.hex() + " has format version " + content.version()
                    + "; this Cutover reads up to " + IndexFile.VERSION + ". Use a newer Cutover.");
        }
        files.add(file);
        for (IndexFile.Pack pack : content.packs()) {
            BlobId packId = BlobId.parse(pack.id());
            List<BlobId> inPack = packs.computeIfAbsent(packId, k -> new ArrayList<>());
            for (IndexFile.Blob b : pack.blobs()) {
                BlobId id = BlobId.parse(b.id());
                BlobLocation known = blobs.putIfAbsent(id, new BlobLocation(packId, b.offset(), b.length(), b.rawLength()));
                if (known == null || !known.pack().equals(packId)) inPack.add(id); // a pack listed by two index files counts once
            }
        }
    }

    BlobLocation get(BlobId id) { return blobs.get(id); }

    boolean contains(BlobId id) { return blobs.containsKey(id); }

    /** The index files this index was read from. */
    List<BlobId> files() { return Collections.unmodifiableList(files); }

    /** Each pack any index file lists, with the blobs it lists for it. */
    Map<BlobId, List<BlobId>> packs() { return Collections.unmodifiableMap(packs); }

    Set<BlobId> blobIds() { return Collections.unmodifiableSet(blobs.keySet()); }

    /** The index file that lists these packs. */
    static IndexFile fileOf(List<PackWriter.Written> written) {
        List<IndexFile.Pack> packs = new ArrayList<>();
        for (PackWriter.Written w : written) {
            List<IndexFile.Blob> blobs = new ArrayList<>();
            for (PackWriter.Entry e : w.entries()) blobs.add(new IndexFile.Blob(e.id().hex(), e.offset(), e.length(), e.rawLength()));
            packs.add(new IndexFile.Pack(w.id().hex(), blobs));
        }
        return new IndexFile(IndexFile.VERSION, packs);
    }
}
