package cutover.verify;

/**
 * What verify found for one table, at its three levels: the counts, the whole-table digests, and
 * how many rows differ. {@code method} says how the digests were made ({@code pushdown}: inside
 * both databases; {@code streamed}: by Cutover while reading); {@code sampled} is the fraction of
 * the key space compared (1 for all of it), and a sampled verdict's counts cover only that part.
 */
public record TableVerdict(String table, String method, double sampled,
                           long sourceCount, long targetCount, String sourceDigest, String targetDigest,
                           long missing, long extra, long changed) {

    public boolean equal() { return missing == 0 && extra == 0 && changed == 0 && sourceCount == targetCount; }

    public long differences() { return missing + extra + changed; }

    /** The digest's text form: the count and the 64-bit sum, so that equal tables print equal digests. */
    public static String digestText(long count, long sum) {
        return count + ":" + String.format("%016x", sum);
    }
}
