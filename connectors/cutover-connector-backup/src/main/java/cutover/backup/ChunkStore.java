package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Stores the chunks of one backup: a chunk the index (or this backup) has already is only named,
 * a new one is compressed, sealed with its id as associated data, and appended to the current pack,
 * which is finished once it reaches the target size. This is where an incremental backup saves.
 *
 * <p>Thread-safe. The caller gets the chunk's id at once; compression and encryption run on a pool
 * of {@code threads}, so the threads reading the source never wait on them, with at most a few
 * chunks per thread in flight to bound memory. A chunk is {@link #stage staged} in a direct buffer
 * of the store's (so that it is hashed and sealed in native code without further copies: see
 * {@link ChunkSealer}), which comes back to the store once it is named or sealed. The first failure of a pool thread (a full disk) is
 * thrown by the next {@link #store} or by {@link #finish()}. Blobs land in packs in the order they
 * are sealed, which the format leaves free (the index says where each one is).
 */
final class ChunkStore implements AutoCloseable {
    private static final int IN_FLIGHT_PER_THREAD = 8;
    /** The size of a staging buffer: the largest chunk of the coarse chunker's defaults, so one buffer fits any chunk in practice. */
    private static final int SPARE_BYTES = 256 * 1024;

    private final RepoFiles files;
    private final Keys keys;
    private final Supplier<Index> index; // may still be loading: the first chunk waits for it
    private final long packSize;
    private final int zstdLevel;
    private final ExecutorService workers;
    private final int inFlightMax;
    private final Semaphore inFlight;
    private final Set<BlobId> stored = ConcurrentHashMap.newKeySet();
    /** Staging buffers and sealers, kept from one backup of this process to the next. */
    private final SealingKit kit;
    /** One sealer per thread that names chunks (the readers) or seals them (the pool), all handed back or closed with the store. */
    private final List<ChunkSealer> sealers = new ArrayList<>();
    /** Every chunk was sealed and the pool stopped ({@link #finish}): no thread uses the sealers any more. */
    private volatile boolean finished;
    private final ThreadLocal<ChunkSealer> sealer = ThreadLocal.withInitial(this::newSealer);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Object packLock = new Object();
    private final List<PackWriter.Written> written = new ArrayList<>();
    private PackWriter pack;
    private long addedBytes;
    private int addedChunks;

    ChunkStore(RepoFiles files, Keys keys, SealingKit kit, Supplier<Index> index, long packSize, int zstdLevel, int threads) {
        this.files = files;
        this.keys = keys;
        this.kit = kit;
        this.index = index;
        this.packSize = packSize;
        this.zstdLevel = zstdLevel;
        this.inFlightMax = threads * IN_FLIGHT_PER_THREAD;
        this.inFlight = new Semaphore(inFlightMax);
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cutover-backup-seal");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The chunk {@code buffer[offset, offset + length)} copied into a direct buffer of the store's,
     * to be read (without moving its position) and then given to {@link #store(ByteBuffer)}.
     */
    ByteBuffer stage(byte[] buffer, int offset, int length) {
        return kit.buffer(Math.max(length, SPARE_BYTES)).put(buffer, offset, length).flip();
    }

    /** The id of a {@link #stage staged} chunk; a new chunk is stored by the pool. The buffer is the store's again afterwards. */
    BlobId store(ByteBuffer chunk) {
        boolean handedOn = false;
        try {
            throwFailure();
            BlobId id = sealer.get().idOf(chunk);
            if (index.get().contains(id) || !stored.add(id)) return id;
            inFlight.acquireUninterruptibly();
            try {
                workers.execute(() -> {
                    try {
                        if (failure.get() == null) append(id, sealer.get().seal(chunk, id.bytes()), chunk.remaining());
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        kit.giveBack(chunk);
                        inFlight.release();
                    }
                });
                handedOn = true;
            } catch (RuntimeException e) {
                inFlight.release();
                throw e;
            }
            return id;
        } finally {
            if (!handedOn) kit.giveBack(chunk);
        }
    }

    /** Waits for the pool, finishes the last pack; returns every pack this backup wrote, for its index file. */
    List<PackWriter.Written> finish() {
        drain();
        throwFailure();
        synchronized (packLock) {
            finishPack();
            finished = true; // called once every chunk was stored: the readers are done with their sealers
            return List.copyOf(written);
        }
    }

    long addedBytes() {
        synchronized (packLock) {
            return addedBytes;
        }
    }

    int addedChunks() {
        synchronized (packLock) {
            return addedChunks;
        }
    }

    private void append(BlobId id, ChunkSealer.Sealed sealed, int rawLength) {
        synchronized (packLock) {
            if (pack == null) pack = new PackWriter(files, keys);
            pack.add(id, sealed.bytes(), sealed.length(), rawLength);
            addedBytes += sealed.length();
            addedChunks++;
            if (pack.size() >= packSize) finishPack();
        }
    }

    private void finishPack() {
        if (pack == null) return;
        try (PackWriter p = pack) {
            pack = null;
            if (!p.isEmpty()) written.add(p.finish());
        }
    }

    private void drain() {
        inFlight.acquireUninterruptibly(inFlightMax);
        inFlight.release(inFlightMax);
    }

    private void throwFailure() {
        RuntimeException e = failure.get();
        if (e == null) return;
        if (e instanceof CutoverException ce) throw ce;
        throw new CutoverException(ErrorCode.INTERNAL, "storing a chunk failed: " + e, e);
    }

    /** Stops the pool and abandons an unfinished pack (its temporary file is removed). */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(1, TimeUnit.MINUTES)) workers.shutdownNow();
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        synchronized (packLock) {
            if (pack != null) pack.close();
            pack = null;
        }
        synchronized (sealers) {
            // kept for the next backup once no thread can use them; after a failure a reader may still be naming a
            // chunk, and fails with its sealer closed
            sealers.forEach(finished && workers.isTerminated() ? kit::giveBack : ChunkSealer::close);
            sealers.clear();
        }
    }

    private ChunkSealer newSealer() {
        ChunkSealer s = kit.sealer(zstdLevel);
        synchronized (sealers) {
            sealers.add(s);
        }
        return s;
    }
}
