package cutover.verify;

import cutover.model.Value;
import cutover.model.ValueOrder;

/**
 * A range of a table's first key column: from {@code lo} (inclusive) to {@code hi} (exclusive);
 * null for an open end. Text bounds order by Unicode code point, as PostgreSQL's {@code "C"}
 * collation orders UTF-8, so both sides of a comparison cut their rows at the same places whatever
 * their own collations are.
 *
 * <p>A range whose rows all share one value of the first key column (a composite key such as
 * {@code (tenant, id)} with one tenant) cannot be cut by bounds; it is cut instead into
 * {@code buckets} parts by a hash of the whole key that both sides compute alike (their
 * {@link Digests#dialect()}s are equal), and {@code bucket} names one of them. {@code buckets} is
 * 1 for a range that is not cut so.
 */
public record KeyRange(Value lo, Value hi, int bucket, int buckets) {
    public static final KeyRange ALL = new KeyRange(null, null);

    public KeyRange {
        if (buckets < 1 || bucket < 0 || bucket >= buckets) throw new IllegalArgumentException("bucket " + bucket + " of " + buckets);
    }

    public KeyRange(Value lo, Value hi) { this(lo, hi, 0, 1); }

    /** True when the range holds only the rows of one hash bucket of its key range. */
    public boolean hashed() { return buckets > 1; }

    /** Bucket {@code bucket} of {@code buckets} of this key range. */
    public KeyRange bucket(int bucket, int buckets) { return new KeyRange(lo, hi, bucket, buckets); }

    /** Whether a first key column value lies between the bounds (the bucket, if any, is the side's to check). */
    public boolean contains(Value first) {
        return (lo == null || ValueOrder.compare(first, lo) >= 0) && (hi == null || ValueOrder.compare(first, hi) < 0);
    }

    @Override
    public String toString() {
        return "[" + (lo == null ? "-inf" : lo) + ", " + (hi == null ? "+inf" : hi) + ")" + (hashed() ? " bucket " + bucket + " of " + buckets : "");
    }
}
