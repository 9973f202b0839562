package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

/**
 * Chunk size bounds in bytes: no chunk is shorter than {@code min} (but the last of a stream) or
 * longer than {@code max}, and cut points are found so that chunks average about {@code avg}.
 */
public record ChunkerParams(int min, int avg, int max) {
    /**
     * Small chunks, because a database's rows are small and change one by one: a 1% update touches
     * few 8 KiB chunks but almost every 1 MiB one. Per-chunk overhead (28 bytes of envelope plus an
     * index entry) stays small beside 8 KiB.
     */
    public static final ChunkerParams DEFAULT = new ChunkerParams(2 * 1024, 8 * 1024, 64 * 1024);

    /**
     * The same sizes times four (at most 16 MiB), for the parts of a table whose changes are stored
     * as change layers (docs/backup-format.md "Change layers"), not found by deduplication: 32 KiB
     * chunks of COPY text compress 7% better than 8 KiB ones with zstd -3 (bench/RESULTS.md) and
     * need a quarter of the index and manifest entries.
     */
    public ChunkerParams coarse() {
        int cap = 16 * 1024 * 1024;
        return new ChunkerParams(Math.min(min * 4, cap / 4), Math.min(avg * 4, cap / 2), Math.min(max * 4, cap));
    }

    public ChunkerParams {
        if (min < 64 || Integer.bitCount(avg) != 1 || avg <= min || max <= avg || max > 16 * 1024 * 1024) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "chunk sizes must satisfy 64 <= min < avg < max <= 16 MiB with avg a power"
                    + " of two; found min " + min + ", avg " + avg + ", max " + max);
        }
    }
}
