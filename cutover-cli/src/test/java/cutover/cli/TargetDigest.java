package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.model.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * An order-independent digest of a table's rows: the row count and the sum (mod 2^64) of a SHA-256
 * prefix of each row's canonical encoding. Values are first brought to what the target can hold
 * (timestamps to microseconds, JSON to a canonical text with sorted keys and exact numbers), so a
 * row read back from PostgreSQL digests like the row the plan produced from the source.
 */
final class TargetDigest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

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
        if (v.kind() == Value.Kind.NULL) return v;
        if (type == ColumnType.JSON) return Value.of(canonicalJson(JsonValues.toJson(v)));
        if (v instanceof Value.Timestamp t) return Value.of(t.value().truncatedTo(ChronoUnit.MICROS));
        if (v instanceof Value.Decimal d) return new Value.Decimal(d.value().stripTrailingZeros());
        return v;
    }

    private static String canonicalJson(String text) {
        try {
            StringBuilder s = new StringBuilder();
            write(JSON.readTree(text), s);
            return s.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(JsonNode n, StringBuilder s) {
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            s.append('{');
            sorted.forEach((k, v) -> {
                s.append(JSON.valueToTree(k).toString()).append(':');
                write(v, s);
                s.append(',');
            });
            s.append('}');
        } else if (n.isArray()) {
            s.append('[');
            n.forEach(e -> {
                write(e, s);
                s.append(',');
            });
            s.append(']');
        } else if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            s.append(d.toPlainString());
        } else {
            s.append(n.toString());
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
