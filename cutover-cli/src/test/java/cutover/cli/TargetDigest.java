package cutover.cli;

import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.model.ValueCodec;
import cutover.plan.Plan;
import cutover.verify.ComparableValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An order-independent digest of a table's rows: the row count and the sum (mod 2^64) of a SHA-256
 * prefix of each row's canonical encoding. Values are first brought to what the target can hold
 * (timestamps to microseconds, JSON to a canonical text with sorted keys and exact numbers, decimals without trailing zeros), so a
 * row read back from PostgreSQL digests like the row the plan produced from the source.
 */
final class TargetDigest {
    /** Timestamps to microseconds and JSON as canonical text, as verify compares them by default. */
    private static final ComparableValues VALUES = new ComparableValues(Plan.VerifyRules.DEFAULTS);

    private long count;
    private long sum;

    void add(Table table, Record row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (Column c : table.columns()) {
                out.write(c.name().getBytes(StandardCharsets.UTF_8));
                out.write(0);
                Value v = row.get(c.name());
                ValueCodec.encode(normalize(c.type(), v == null ? Value.NULL : v), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        count++;
        sum += ByteBuffer.wrap(sha256(out.toByteArray())).getLong();
    }

    long count() { return count; }

    long sum() { return sum; }

    @Override
    public String toString() { return count + " rows, sum " + Long.toHexString(sum); }

    @Override
    public boolean equals(Object o) { return o instanceof TargetDigest d && d.count == count && d.sum == sum; }

    @Override
    public int hashCode() { return Long.hashCode(count * 31 + sum); }

    static Value normalize(ColumnType type, Value v) {
        if (v instanceof Value.Decimal d) return new Value.Decimal(d.value().stripTrailingZeros());
        return VALUES.normalize(type, v);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
