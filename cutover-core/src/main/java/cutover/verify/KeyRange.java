package cutover.verify;

import cutover.model.Value;
import cutover.model.ValueOrder;

/**
 * A range of a table's first key column: from {@code lo} (inclusive) to {@code hi} (exclusive);
 * null for an open end. Text bounds order by Unicode code point, as PostgreSQL's {@code "C"}
 * collation orders UTF-8, so both sides of a comparison cut their rows at the same places whatever
 * their own collations are.
 */
public record KeyRange(Value lo, Value hi) {
    public static final KeyRange ALL = new KeyRange(null, null);

    public boolean contains(Value first) {
        return (lo == null || ValueOrder.compare(first, lo) >= 0) && (hi == null || ValueOrder.compare(first, hi) < 0);
    }

    @Override
    public String toString() {
        return "[" + (lo == null ? "-inf" : lo) + ", " + (hi == null ? "+inf" : hi) + ")";
    }
}
