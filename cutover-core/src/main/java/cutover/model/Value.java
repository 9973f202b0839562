package cutover.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One value of a field, covering what Firestore and SQL databases store. Immutable.
 *
 * <p>Equality is exact: {@code Float64} compares bit patterns the way {@link Double#compare} does
 * (NaN equals NaN, -0.0 differs from +0.0), {@code Decimal} keeps its scale (1.0 differs from 1.00),
 * maps ignore key order. {@link ValueCodec} gives every value one canonical byte encoding that
 * agrees with this equality; digests and backups are built on it.
 */
public sealed interface Value extends Comparable<Value> {

    /**
     * The kinds, in the cross-kind sort order (Firestore's order, extended with decimal and date;
     * a JSON document's null, which only a JSON column holds, last).
     */
    enum Kind { NULL, BOOL, INT64, FLOAT64, DECIMAL, TIMESTAMP, DATE, TEXT, BYTES, REFERENCE, GEOPOINT, ARRAY, MAP, JSON_NULL }

    Kind kind();

    @Override
    default int compareTo(Value other) {
        return ValueOrder.compare(this, other);
    }

    Null NULL = new Null();

    /**
     * A JSON column's value that is the JSON document {@code null}, not SQL NULL (PostgreSQL's
     * {@code 'null'::jsonb}, which {@code IS NOT NULL}): a column holds either, and a migration or a
     * restore must give back the one it read. Within a JSON document (an array or a map it holds),
     * a null is {@link #NULL}: there JSON has only the one.
     */
    JsonNull JSON_NULL = new JsonNull();

    static Value ofNull() { return NULL; }
    static Bool of(boolean b) { return b ? Bool.TRUE : Bool.FALSE; }
    static Int64 of(long v) { return new Int64(v); }
    static Float64 of(double v) { return new Float64(v); }
    static Decimal of(BigDecimal v) { return new Decimal(v); }
    static Text of(String v) { return new Text(v); }
    static Bytes of(byte[] v) { return new Bytes(v); }
    static Timestamp of(Instant v) { return new Timestamp(v); }
    static Date of(LocalDate v) { return new Date(v); }

    record Null() implements Value {
        public Kind kind() { return Kind.NULL; }
        @Override public String toString() { return "null"; }
    }

    record JsonNull() implements Value {
        public Kind kind() { return Kind.JSON_NULL; }
        @Override public String toString() { return "json:null"; }
    }

    record Bool(boolean value) implements Value {
        static final Bool TRUE = new Bool(true);
        static final Bool FALSE = new Bool(false);
        public Kind kind() { return Kind.BOOL; }
        @Override public String toString() { return Boolean.toString(value); }
    }

    record Int64(long value) implements Value {
        public Kind kind() { return Kind.INT64; }
        @Override public String toString() { return Long.toString(value); }
    }

    /** Any double, NaN and the infinities included. */
    record Float64(double value) implements Value {
        public Kind kind() { return Kind.FLOAT64; }
        @Override public String toString() { return Double.toString(value); }
    }

    /** An exact decimal (SQL numeric); its scale is part of the value. */
    record Decimal(BigDecimal value) implements Value {
        public Decimal { Objects.requireNonNull(value, "value"); }
        public Kind kind() { return Kind.DECIMAL; }
        @Override public String toString() { return value.toPlainString(); }
    }

    record Text(String value) implements Value {
        public Text { Objects.requireNonNull(value, "value"); }
        public Kind kind() { return Kind.TEXT; }
        @Override public String toString() { return '"' + value + '"'; }
    }

    /** Raw bytes; the array is copied in and out so the value stays immutable. */
    final class Bytes implements Value {
        private final byte[] bytes;
        public Bytes(byte[] bytes) { this.bytes = bytes.clone(); }
        public byte[] toByteArray() { return bytes.clone(); }
        public int length() { return bytes.length; }
        /** Read access without a copy, for encoders; callers must not modify the array. */
        byte[] unsafeArray() { return bytes; }
        public Kind kind() { return Kind.BYTES; }
        @Override public boolean equals(Object o) { return o instanceof Bytes b && Arrays.equals(bytes, b.bytes); }
        @Override public int hashCode() { return Arrays.hashCode(bytes); }
        @Override public String toString() { return "b64:" + Base64.getEncoder().encodeToString(bytes); }
    }

    /** A point in time with nanosecond precision, always UTC. */
    record Timestamp(Instant value) implements Value {
        public Timestamp { Objects.requireNonNull(value, "value"); }
        public Kind kind() { return Kind.TIMESTAMP; }
        @Override public String toString() { return value.toString(); }
    }

    /** A calendar date without time zone (SQL date). */
    record Date(LocalDate value) implements Value {
        public Date { Objects.requireNonNull(value, "value"); }
        public Kind kind() { return Kind.DATE; }
        @Override public String toString() { return value.toString(); }
    }

    record GeoPoint(double latitude, double longitude) implements Value {
        public Kind kind() { return Kind.GEOPOINT; }
        @Override public String toString() { return "geo(" + latitude + "," + longitude + ")"; }
    }

    /**
     * A reference to a document, by its path relative to the database root
     * ({@code users/alice}, {@code posts/p1/comments/c1}).
     */
    record Reference(String path) implements Value {
        public Reference { Objects.requireNonNull(path, "path"); }
        public Kind kind() { return Kind.REFERENCE; }
        /** The entity the referenced document belongs to: {@code posts/p1/comments/c1} is in {@code posts/*&#47;comments}. */
        public EntityName entity() { return EntityName.ofDocumentPath(path); }
        /** The key of the referenced document within its entity. */
        public Key key() { return Key.ofDocumentPath(path); }
        @Override public String toString() { return "ref:" + path; }
    }

    record Array(List<Value> values) implements Value {
        public Array { values = List.copyOf(values); }
        public Kind kind() { return Kind.ARRAY; }
        @Override public String toString() { return values.toString(); }
    }

    /** A map of field names to values; equality ignores order, the encoding sorts keys. */
    record MapValue(Map<String, Value> fields) implements Value {
        public MapValue { fields = Fields.copyOf(fields); }
        public Kind kind() { return Kind.MAP; }
        @Override public String toString() { return fields.toString(); }
    }
}
