package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.time.Duration;

/**
 * How a repository is made and used. {@code scryptN/R/P} and {@code chunker} are fixed when the
 * repository is created (they are stored in its config); {@code packSize} and {@code staleLockAge}
 * apply to each run.
 *
 * @param scryptN      scrypt's cost (a power of two); the default 2^15 takes about 0.1 s and 32 MiB
 * @param packSize     a pack is finished once its blobs reach this many bytes
 * @param staleLockAge a lock older than this is reported stale (locks are not refreshed while held)
 */
public record RepositoryOptions(int scryptN, int scryptR, int scryptP, ChunkerParams chunker, long packSize, Duration staleLockAge,
                                WriteGuard writeGuard) {
    public static final RepositoryOptions DEFAULTS = new RepositoryOptions(1 << 15, 8, 1, ChunkerParams.DEFAULT, 16L << 20, Duration.ofHours(24),
            WriteGuard.NONE);

    public RepositoryOptions {
        if (scryptN < 2 || Integer.bitCount(scryptN) != 1 || scryptR < 1 || scryptP < 1) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "scrypt needs N a power of two above 1 and r, p at least 1; found N "
                    + scryptN + ", r " + scryptR + ", p " + scryptP);
        }
        if (packSize < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "pack size must be positive, found " + packSize);
    }

    public RepositoryOptions withScrypt(int n, int r, int p) { return new RepositoryOptions(n, r, p, chunker, packSize, staleLockAge, writeGuard); }
    public RepositoryOptions withChunker(ChunkerParams c) { return new RepositoryOptions(scryptN, scryptR, scryptP, c, packSize, staleLockAge, writeGuard); }
    public RepositoryOptions withPackSize(long bytes) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, bytes, staleLockAge, writeGuard); }
    /** For tests of a full disk: see {@link WriteGuard}. */
    public RepositoryOptions withWriteGuard(WriteGuard g) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, staleLockAge, g); }
    public RepositoryOptions withStaleLockAge(Duration age) { return new RepositoryOptions(scryptN, scryptR, scryptP, chunker, packSize, age, writeGuard); }
}
