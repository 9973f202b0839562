package cutover.backup;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * What the backups of one process into one repository pass on to each other: the {@link
 * ChunkSealer}s (a cipher, a MAC and a zstd context each, whose tables zstd allocates and clears on
 * first use) and the direct buffers chunks are staged in. A backup's {@link ChunkStore} made them
 * anew, and a process that stays up ({@code backup --every}) paid for it on every run: 16 staging
 * buffers of 256 KiB zeroed in freshly mapped memory and new zstd tables, 10-20 ms of a 1%
 * incremental's 100-150 (bench/RESULTS.md, twelfth session). Thread-safe; bounded, so an idle
 * process holds a few MiB.
 */
final class SealingKit {
    /** Staging buffers kept between backups: two threads' chunks in flight and then some. */
    static final int SPARE_BUFFERS = 24;
    static final int IDLE_SEALERS = 8;

    private final Keys keys;
    private final BlockingQueue<ByteBuffer> buffers = new ArrayBlockingQueue<>(SPARE_BUFFERS);
    private final BlockingQueue<ChunkSealer> sealers = new ArrayBlockingQueue<>(IDLE_SEALERS);

    SealingKit(Keys keys) {
        this.keys = keys;
    }

    /** A direct buffer of at least {@code capacity} bytes, cleared: a kept one if it is large enough, else a new one of {@code capacity}. */
    ByteBuffer buffer(int capacity) {
        ByteBuffer b = buffers.poll();
        if (b == null || b.capacity() < capacity) b = ByteBuffer.allocateDirect(capacity);
        return b.clear();
    }

    /** Keeps {@code b} for a later {@link #buffer} once its user is done with it; past the bound, it is left to the collector. */
    void giveBack(ByteBuffer b) {
        buffers.offer(b);
    }

    /** An idle sealer of this repository's keys at {@code zstdLevel}, or a new one. The caller alone uses it until it gives it back. */
    ChunkSealer sealer(int zstdLevel) {
        ChunkSealer s = sealers.poll();
        while (s != null && s.zstdLevel() != zstdLevel) { // a repository opened with another level: not ours to keep
            s.close();
            s = sealers.poll();
        }
        return s != null ? s : new ChunkSealer(keys, zstdLevel);
    }

    /**
     * Keeps a sealer no thread uses any more for a later backup (past the bound it is closed). Only
     * a store whose every chunk was sealed gives its sealers back: one a failed backup's thread may
     * still be using is closed instead.
     */
    void giveBack(ChunkSealer s) {
        if (!sealers.offer(s)) s.close();
    }

    /** The sealers kept for the next backup. */
    int idleSealers() {
        return sealers.size();
    }
}
