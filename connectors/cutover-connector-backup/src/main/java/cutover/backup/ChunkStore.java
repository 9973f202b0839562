package cutover.backup;

import com.github.luben.zstd.Zstd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stores the chunks of one backup: a chunk the index (or this backup) has already is only named,
 * a new one is compressed, sealed with its id as associated data, and appended to the current pack,
 * which is finished once it reaches the target size. This is where an incremental backup saves.
 */
final class ChunkStore implements AutoCloseable {
    static final int ZSTD_LEVEL = 3;

    private final RepoFiles files;
    private final Keys keys;
    private final Index index;
    private final long packSize;
    private final Set<BlobId> stored = new HashSet<>();
    private final List<PackWriter.Written> written = new ArrayList<>();
    private PackWriter pack;
    private long addedBytes;
    private int addedChunks;

    ChunkStore(RepoFiles files, Keys keys, Index index, long packSize) {
        this.files = files;
        this.keys = keys;
        this.index = index;
        this.packSize = packSize;
    }

    BlobId store(byte[] chunk) {
        BlobId id = keys.idOf(chunk, 0, chunk.length);
        if (index.contains(id) || !stored.add(id)) return id;
        byte[] sealed = keys.seal(Zstd.compress(chunk, ZSTD_LEVEL), id.bytes());
        if (pack == null) pack = new PackWriter(files, keys);
        pack.add(id, sealed, chunk.length);
        addedBytes += sealed.length;
        addedChunks++;
        if (pack.size() >= packSize) finishPack();
        return id;
    }

    /** Finishes the last pack; returns every pack this backup wrote, for its index file. */
    List<PackWriter.Written> finish() {
        finishPack();
        return List.copyOf(written);
    }

    long addedBytes() { return addedBytes; }

    int addedChunks() { return addedChunks; }

    private void finishPack() {
        if (pack == null) return;
        try (PackWriter p = pack) {
            pack = null;
            if (!p.isEmpty()) written.add(p.finish());
        }
    }

    @Override
    public void close() {
        if (pack != null) pack.close();
        pack = null;
    }
}
