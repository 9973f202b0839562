package cutover.verify;

/**
 * What verify found for one table, at its three levels: the counts, the whole-table digests, and
 * how many rows differ. {@code method} says how the digests were made ({@code pushdown}: inside
 * both databases; {@code streamed}: by Cutover while reading); {@code sampled} is the fraction of
 * the key space compared (1 for all of it), and a sampled verdict's counts cover only that part.
 * A table one side lacks ({@link TablesOnOneSide}) has method {@link #NOT_IN_TARGET} or {@link
 * #NOT_IN_SOURCE}: it is never equal, empty or not.
 */
public record TableVerdict(String table, String method, double sampled,
                           long sourceCount, long targetCount, String sourceDigest, String targetDigest,
                           long missing, long extra, long changed) {

    public static final String NOT_IN_TARGET = "not in the target", NOT_IN_SOURCE = "not in the source";

    public boolean equal() { return !absentOnOneSide() && missing == 0 && extra == 0 && changed == 0 && sourceCount == targetCount; }

    public boolean absentOnOneSide() { return method.equals(NOT_IN_TARGET) || method.equals(NOT_IN_SOURCE); }

    public long differences() { return missing + extra + changed; }

    /** The digest's text form: the count and the 64-bit sum, so that equal tables print equal digests. */
    public static String digestText(long count, long sum) {
        return count + ":" + String.format("%016x", sum);
    }
}
