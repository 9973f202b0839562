package cutover.verify;

/**
 * The rows of one key range as a pair of numbers: how many, and the sum (mod 2^64) of a 64-bit hash
 * of each row. A sum does not depend on the order rows are read in, so two sides that read the same
 * rows in different orders (or in parallel) agree; any missing, extra or changed row changes it,
 * except with probability about 2^-64.
 */
public record RangeDigest(KeyRange range, long count, long sum) {
    public boolean sameRows(RangeDigest other) { return count == other.count && sum == other.sum; }
}
