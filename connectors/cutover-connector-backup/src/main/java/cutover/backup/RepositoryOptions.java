package cutover.backup;

import cutover.connector.Parallelism;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.time.Duration;

/**
 * How a repository is made and used. {@code scryptN/R/P} and {@code chunker} are fixed when the
 * repository is created (they are stored in its config); {@code packSize}, {@code staleLockAge},
 * {@code zstdLevel} and {@code sealThreads} apply to each run (a reader needs none of them).
 *
 * @param scryptN      scrypt's cost (a power of two); the default 2^15 takes about 0.1 s and 32 MiB
 * @param packSize     a pack is finished once its blobs reach this many bytes
 * @param staleLockAge a lock not refreshed for this long is reported stale (holders refresh theirs every sixth of it, at most every 5 minutes)
 * @param zstdLevel    the zstd level new chunks are compressed at (bench/RESULTS.md, issue 5, chose the default)
 * @param sealThreads  threads that compress and encrypt new chunks while the source is being read
 * @param headsCache   the folder of the local cache of snapshot heads ({@link HeadsCache}), or null for none
 * @param listedChunks an entity whose base parts have at least this many chunks keeps their ids in a list file of
 *                     their own, named by the manifest ({@link ChunkList}); fewer stay in the manifest
 * @param retryLock    how long to keep trying, when another process holds a lock ours conflicts with, before giving up
 * @param lockWaitNotice told once a holder's lock is to be waited for: who holds it, and for how long at most
 */
public record RepositoryOptions(int scryptN, int scryptR, int scryptP, ChunkerParams chunker, long packSize, Duration staleLockAge,
                                WriteGuard writeGuard, int zstdLevel, int sealThreads, java.nio.file.Path headsCache, int listedChunks,
                                Duration retryLock, java.util.function.Consumer<String> lockWaitNotice) {
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    /** ~2 MB of rows and more (chunks of ~8 KB stored): below that, a list file would cost more than the ids it moves out of each manifest. */
    public static final int DEFAULT_LISTED_CHUNKS = 256;
    public static final RepositoryOptions DEFAULTS = new RepositoryOptions(1 << 15, 8, 1, ChunkerParams.DEFAULT, 16L << 20, Duration.ofMinutes(30),
            WriteGuard.NONE, DEFAULT_ZSTD_LEVEL, Parallelism.DEFAULT, null, DEFAULT_LISTED_CHUNKS, Duration.ZERO, notice -> {});

    /**
     * The defaults, with the heads cache in the user's cache folder: what commands use. The system
     * property {@code cutover.cacheDir} stands for {@code CUTOVER_CACHE_DIR} where it is set ({@code off}
     * for none), for runs inside another program (the launcher's class-data training).
     * {@code CUTOVER_LISTED_CHUNKS} sets {@link #listedChunks} (the tests of whole commands list the
     * chunks of their small tables with it).
     */
    public static RepositoryOptions forCommands() {
        String property = System.getProperty("cutover.cacheDir");
        java.util.Map<String, String> env = property == null ? System.getenv() : java.util.Map.of("CUTOVER_CACHE_DIR", property);
        return DEFAULTS.withHeadsCache(HeadsCache.userFolder(env, System.getProperty("user.home")))
                .withListedChunks(listedChunks(System.getenv(LISTED_CHUNKS_VARIABLE)));
    }

    static final String LISTED_CHUNKS_VARIABLE = "CUTOVER_LISTED_CHUNKS";

    /** {@code CUTOVER_LISTED_CHUNKS} as set, or the default where it is not. */
    static int listedChunks(String set) {
        if (set == null || set.isBlank()) return DEFAULT_LISTED_CHUNKS;
        try {
            int n = Integer.parseInt(set.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new CutoverException(ErrorCode.SETTING_INVALID, LISTED_CHUNKS_VARIABLE + " must be a whole number of chunks, at least 1; found '" + set + "'");
    }

    public RepositoryOptions {
        if (scryptN < 2 || Integer.bitCount(scryptN) != 1 || scryptR < 1 || scryptP < 1) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "scrypt needs N a power of two above 1 and r, p at least 1; found N "
                    + scryptN + ", r " + scryptR + ", p " + scryptP);
        }
        if (packSize < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "pack size must be positive, found " + packSize);
        if (zstdLevel < 1 || zstdLevel > 19) throw new CutoverException(ErrorCode.SETTING_INVALID, "the zstd level (--compression-level) must be 1 to 19, found " + zstdLevel);
        if (listedChunks < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "listed chunks must be at least 1, found " + listedChunks);
        if (retryLock == null || retryLock.isNegative()) throw new CutoverException(ErrorCode.SETTING_INVALID, "the time to retry a lock must not be negative, found " + retryLock);
        if (sealThreads < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "seal threads must be at least 1, found " + sealThreads);
    }

    public RepositoryOptions withScrypt(int n, int r, int p) { return new RepositoryOptions(n, r, p, chunker, packSize, staleLockAge, writeGuard, zstdLevel, sealThreads, headsCache, listedChunks, retryLock, lockWaitNotice); }
    public RepositoryOptions withChunker(ChunkerParams c) { return new RepositoryOptions(scryptN, scryptR, scryptP, c, packSize, staleLockAge, writeGuard, zstdLevel, sealThreads, headsCache, listedChunks, retryLock, lockWaitNotice); }
    public RepositoryOptions withPackSize(long bytes) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, bytes, staleLockAge, writeGuard, zstdLevel, sealThreads, headsCache, listedChunks, retryLock, lockWaitNotice); }
    /** For tests of a full disk: see {@link WriteGuard}. */
    public RepositoryOptions withWriteGuard(WriteGuard g) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, g, zstdLevel, sealThreads, headsCache, listedChunks, retryLock, lockWaitNotice); }
    public RepositoryOptions withStaleLockAge(Duration age) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, age, writeGuard, zstdLevel, sealThreads, headsCache, listedChunks, retryLock, lockWaitNotice); }
    public RepositoryOptions withZstdLevel(int level) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, writeGuard, level, sealThreads, headsCache, listedChunks, retryLock, lockWaitNotice); }
    /** Keeps snapshot heads in {@code folder} (null: no cache); see {@link HeadsCache}. */
    public RepositoryOptions withHeadsCache(java.nio.file.Path folder) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, writeGuard, zstdLevel, sealThreads, folder, listedChunks, retryLock, lockWaitNotice); }
    public RepositoryOptions withSealThreads(int n) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, writeGuard, zstdLevel, n, headsCache, listedChunks, retryLock, lockWaitNotice); }
    /** Keeps the ids of an entity's base chunks in a list file from {@code n} of them on ({@link ChunkList}). */
    public RepositoryOptions withRetryLock(Duration d) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, writeGuard, zstdLevel, sealThreads, headsCache, listedChunks, d, lockWaitNotice); }
    /** Told, once a lock held by another process is to be waited for ({@link #retryLock}), who holds it and for how long it waits. */
    public RepositoryOptions withLockWaitNotice(java.util.function.Consumer<String> notice) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, writeGuard, zstdLevel, sealThreads, headsCache, listedChunks, retryLock, notice); }
    public RepositoryOptions withListedChunks(int n) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, writeGuard, zstdLevel, sealThreads, headsCache, n, retryLock, lockWaitNotice); }
}
