package cutover.postgres;

import cutover.connector.CopyColumn;
import cutover.connector.CopyTextFormat;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.postgresql.geometric.PGpoint;
import org.postgresql.jdbc.TimestampUtils;
import org.postgresql.util.PGbytea;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;

/**
 * PostgreSQL's COPY text format ({@code COPY … TO STDOUT}, the default text format: fields separated
 * by tabs, {@code \N} for NULL, backslash escapes) as a backup stores it, decoded into exactly the
 * values {@link PgValues#read} gives for the same rows over JDBC: the same text forms (the session
 * settings of the connector's connections, which COPY also uses) through the same conversions, the
 * driver's own date and time parsers included; an array's elements as its element type's
 * ({@link PgArrayText}).
 */
public final class PgCopyText implements CopyTextFormat {
    static final String NAME = "postgresql/copy-text/1";

    /** For {@link java.util.ServiceLoader}. */
    public PgCopyText() {}

    @Override
    public String name() { return NAME; }

    /**
     * The plan type whose PostgreSQL column reads this source type's COPY text as the value the
     * record path writes for it: integers → bigint, floats → double precision, numeric → numeric,
     * bool, timestamps → timestamptz (the session is in UTC, as the decoder takes a timestamp),
     * date, bytea, and text for the types decoded as their text; null for JSON, points and arrays,
     * whose records are re-encoded (a COPY of their text would keep what the record path normalizes;
     * an array is JSON to the record path).
     */
    static ColumnType loadsAs(String typname) {
        if (typname.startsWith("_")) return null;
        return switch (typname) {
            case "int2", "int4", "int8", "oid" -> ColumnType.BIGINT;
            case "float4", "float8" -> ColumnType.DOUBLE;
            case "numeric" -> ColumnType.NUMERIC;
            case "bool" -> ColumnType.BOOLEAN;
            case "timestamptz", "timestamp" -> ColumnType.TIMESTAMPTZ;
            case "date" -> ColumnType.DATE;
            case "bytea" -> ColumnType.BYTES;
            case "json", "jsonb", "point" -> null;
            default -> ColumnType.TEXT;
        };
    }

    @Override
    public Optional<ColumnType> columnType(String typname) {
        if (typname.startsWith("_")) return Optional.of(ColumnType.JSON); // an array, read as a list
        return Optional.of(switch (typname) {
            case "json", "jsonb" -> ColumnType.JSON;
            case "point" -> ColumnType.GEOPOINT;
            default -> loadsAs(typname);
        });
    }

    @Override
    public LineDecoder decoder(EntityName entity, List<CopyColumn> columns, List<String> keyColumns) {
        String[] names = columns.stream().map(CopyColumn::name).toArray(String[]::new);
        String[] types = columns.stream().map(CopyColumn::type).toArray(String[]::new);
        int[] keyAt = keyColumns.stream().mapToInt(k -> columns.stream().map(CopyColumn::name).toList().indexOf(k)).toArray();
        for (int i = 0; i < keyAt.length; i++) {
            if (keyAt[i] < 0) throw new IllegalArgumentException("key column " + keyColumns.get(i) + " of " + entity + " is not among its columns");
        }
        TimestampUtils timestamps = timestamps();
        long[] lineNumber = {0}; // the key of a table without one: nothing else tells its rows apart
        return (line, offset, length) -> {
            String[] fields = split(line, offset, length, names.length);
            Map<String, Value> values = new LinkedHashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) values.put(names[i], fields[i] == null ? Value.NULL : value(types[i], fields[i], timestamps));
            lineNumber[0]++;
            if (keyAt.length == 0) return new Record(entity, Key.of(Value.of(lineNumber[0])), values);
            List<Value> key = new ArrayList<>(keyAt.length);
            for (int k : keyAt) key.add(values.get(names[k]));
            return new Record(entity, new Key(key), values);
        };
    }

    /** The positions among {@code columns} of the key columns, in key order; null when there are none or one is missing. */
    private static int[] keyFields(List<CopyColumn> columns, List<String> keyColumns) {
        List<String> names = columns.stream().map(CopyColumn::name).toList();
        int[] keyAt = keyColumns.stream().mapToInt(names::indexOf).toArray();
        return keyAt.length == 0 || java.util.Arrays.stream(keyAt).anyMatch(i -> i < 0) ? null : keyAt;
    }

    /** The key fields of a line, located and decoded as {@link #decoder} decodes them; the other fields are not looked at. */
    @Override
    public java.util.Optional<KeyDecoder> keyDecoder(List<CopyColumn> columns, List<String> keyColumns) {
        int[] keyAt = keyFields(columns, keyColumns);
        if (keyAt == null) return java.util.Optional.empty();
        String[] keyTypes = java.util.Arrays.stream(keyAt).mapToObj(i -> columns.get(i).type()).toArray(String[]::new);
        FieldBounds fields = new FieldBounds(java.util.Arrays.stream(keyAt).max().orElseThrow());
        TimestampUtils timestamps = timestamps();
        return java.util.Optional.of((line, offset, length) -> {
            fields.locate(line, offset, length);
            List<Value> key = new ArrayList<>(keyAt.length);
            for (int i = 0; i < keyAt.length; i++) {
                String text = field(line, fields.starts[keyAt[i]], fields.ends[keyAt[i]]);
                key.add(text == null ? Value.NULL : value(keyTypes[i], text, timestamps));
            }
            return new Key(key);
        });
    }

    /** Keys of the types {@link KeyBucket} buckets; the bucket as the source counts it. */
    @Override
    public java.util.Optional<KeyReader> keyReader(List<CopyColumn> columns, List<String> keyColumns) {
        int[] keyAt = keyFields(columns, keyColumns);
        if (keyAt == null) return java.util.Optional.empty();
        List<String> keyTypes = java.util.Arrays.stream(keyAt).mapToObj(i -> columns.get(i).type()).toList();
        if (!KeyBucket.buckets(keyTypes)) return java.util.Optional.empty();
        boolean byValue = KeyBucket.byValue(keyTypes);
        int last = java.util.Arrays.stream(keyAt).max().orElseThrow();
        return java.util.Optional.of(new KeyReader() {
            private final FieldBounds fields = new FieldBounds(last);
            private final int[] starts = fields.starts;
            private final int[] ends = fields.ends;
            private final java.security.MessageDigest md5 = KeyBucket.md5();

            @Override
            public String key(byte[] line, int offset, int length) {
                fields.locate(line, offset, length);
                if (keyAt.length == 1) return new String(line, starts[keyAt[0]], ends[keyAt[0]] - starts[keyAt[0]], StandardCharsets.ISO_8859_1);
                StringBuilder key = new StringBuilder();
                for (int i = 0; i < keyAt.length; i++) {
                    if (i > 0) key.append('\t');
                    key.append(new String(line, starts[keyAt[i]], ends[keyAt[i]] - starts[keyAt[i]], StandardCharsets.ISO_8859_1));
                }
                return key.toString();
            }

            @Override
            public int keyHash(byte[] line, int offset, int length) {
                fields.locate(line, offset, length);
                int h = 0; // String.hashCode of the key as key() makes it: one char per byte
                for (int i = 0; i < keyAt.length; i++) {
                    if (i > 0) h = 31 * h + '\t';
                    for (int j = starts[keyAt[i]]; j < ends[keyAt[i]]; j++) h = 31 * h + (line[j] & 0xFF);
                }
                return h;
            }

            @Override
            public int bucket(byte[] line, int offset, int length, cutover.connector.ChangeTracking.Bucketing buckets) {
                fields.locate(line, offset, length);
                String[] texts = new String[keyAt.length];
                for (int i = 0; i < keyAt.length; i++) {
                    texts[i] = field(line, starts[keyAt[i]], ends[keyAt[i]]);
                    if (texts[i] == null) throw new IllegalArgumentException("a key field is NULL");
                }
                return KeyBucket.of(texts, byValue, buckets, md5);
            }

            @Override
            public java.util.Comparator<String> order() {
                return KeyTextOrder.of(keyTypes);
            }
        });
    }

    @Override
    public KindTally tally(List<CopyColumn> columns) {
        return new Tally(columns);
    }

    /** The value of a field's text (unescaped) for a column of this type, as {@link PgValues#read} gives it. */
    static Value value(String type, String text, TimestampUtils timestamps) {
        try {
            return switch (type) {
                case "int2", "int4", "int8", "oid" -> Value.of(Long.parseLong(text));
                case "float4", "float8" -> Value.of(Double.parseDouble(text));
                case "numeric" -> text.equals("NaN") || text.endsWith("Infinity") ? Value.of(Double.parseDouble(text)) : Value.of(new BigDecimal(text));
                case "bool" -> switch (text) {
                    case "t" -> Value.of(true);
                    case "f" -> Value.of(false);
                    default -> throw new IllegalArgumentException("not a boolean: " + text);
                };
                case "timestamptz" -> Value.of(timestamps.toOffsetDateTime(text).toInstant());
                case "timestamp" -> Value.of(timestamps.toLocalDateTime(text).toInstant(ZoneOffset.UTC));
                case "date" -> Value.of(timestamps.toLocalDate(text.getBytes(StandardCharsets.US_ASCII)));
                case "bytea" -> Value.of(PGbytea.toBytes(text.getBytes(StandardCharsets.US_ASCII)));
                case "json", "jsonb" -> PgValues.parseJson(text);
                case "point" -> {
                    PGpoint p = new PGpoint(text);
                    yield new Value.GeoPoint(p.y, p.x);
                }
                default -> type.startsWith("_") ? PgArrayText.parse(text, type.substring(1), element -> value(type.substring(1), element, timestamps))
                        : Value.of(text);
            };
        } catch (SQLException e) {
            throw new IllegalArgumentException("not a " + type + ": " + text + " (" + e.getMessage() + ")", e);
        }
    }

    /** The driver's parser of date and time text forms, as its result sets use (one per thread: it keeps state). */
    static TimestampUtils timestamps() {
        return new TimestampUtils(false, () -> TimeZone.getTimeZone("UTC"));
    }

    /**
     * The line's fields, unescaped, null for {@code \N}; exactly {@code count} of them, or an
     * {@link IllegalArgumentException} saying how many there were.
     */
    static String[] split(byte[] line, int offset, int length, int count) {
        String[] out = new String[count];
        int field = 0, start = offset, end = offset + length;
        for (int i = offset; i <= end; i++) {
            if (i < end && line[i] != '\t') continue;
            if (field == count) throw new IllegalArgumentException("a line of more than " + count + " fields");
            out[field++] = field(line, start, i);
            start = i + 1;
        }
        if (field != count) throw new IllegalArgumentException("a line of " + field + " fields, expected " + count);
        return out;
    }

    /**
     * A field as {@code COPY … TO} writes it in text format (PostgreSQL's {@code CopyAttributeOutText}):
     * {@code \N} for null; a backslash, backspace, form feed, newline, carriage return, tab and
     * vertical tab as backslash escapes; every other character as it is.
     */
    static void appendField(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        int first = 0;
        while (first < value.length() && value.charAt(first) >= 0x20 && value.charAt(first) != '\\') first++;
        if (first == value.length()) { // nothing to escape: most values
            out.append(value);
            return;
        }
        out.append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0B -> out.append("\\v");
                default -> out.append(c);
            }
        }
    }

    static String field(byte[] b, int from, int to) {
        if (to - from == 2 && b[from] == '\\' && b[from + 1] == 'N') return null;
        int backslash = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') {
                backslash = i;
                break;
            }
        }
        if (backslash < 0) return new String(b, from, to - from, StandardCharsets.UTF_8);
        byte[] out = new byte[to - from];
        int n = backslash - from;
        System.arraycopy(b, from, out, 0, n);
        for (int i = backslash; i < to; i++) {
            byte c = b[i];
            if (c != '\\') {
                out[n++] = c;
                continue;
            }
            if (++i == to) throw new IllegalArgumentException("a field that ends in a lone backslash");
            c = b[i];
            switch (c) {
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'v' -> out[n++] = 0x0B;
                case 'x' -> { // \xH or \xHH
                    int v = 0, digits = 0;
                    while (digits < 2 && i + 1 < to && Character.digit(b[i + 1], 16) >= 0) {
                        v = v * 16 + Character.digit(b[++i], 16);
                        digits++;
                    }
                    if (digits == 0) out[n++] = 'x';
                    else out[n++] = (byte) v;
                }
                default -> {
                    if (c >= '0' && c <= '7') { // \O, \OO or \OOO
                        int v = c - '0', digits = 1;
                        while (digits < 3 && i + 1 < to && b[i + 1] >= '0' && b[i + 1] <= '7') {
                            v = v * 8 + (b[++i] - '0');
                            digits++;
                        }
                        out[n++] = (byte) v;
                    } else {
                        out[n++] = c; // \\ and any other escaped character stand for themselves
                    }
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Kinds per column: NULL for {@code \N}; else the type's one kind, except numeric (NaN and the
     * infinities are FLOAT64, as the decoder gives them) and JSON, whose values are decoded to tell.
     */
    private static final class Tally implements KindTally {
        private final List<CopyColumn> columns;
        private final Value.Kind[] fixed;
        private final boolean[] numeric;
        private final long[][] counts;

        Tally(List<CopyColumn> columns) {
            this.columns = List.copyOf(columns);
            this.fixed = new Value.Kind[columns.size()];
            this.counts = new long[columns.size()][Value.Kind.values().length];
            this.numeric = new boolean[columns.size()];
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = fixedKind(columns.get(i).type());
                numeric[i] = columns.get(i).type().equals("numeric");
            }
        }

        private static Value.Kind fixedKind(String type) {
            return switch (type) {
                case "int2", "int4", "int8", "oid" -> Value.Kind.INT64;
                case "float4", "float8" -> Value.Kind.FLOAT64;
                case "bool" -> Value.Kind.BOOL;
                case "timestamptz", "timestamp" -> Value.Kind.TIMESTAMP;
                case "date" -> Value.Kind.DATE;
                case "bytea" -> Value.Kind.BYTES;
                case "point" -> Value.Kind.GEOPOINT;
                case "numeric", "json", "jsonb" -> null; // told by the value
                default -> type.startsWith("_") ? Value.Kind.ARRAY : Value.Kind.TEXT;
            };
        }

        @Override
        public void line(byte[] line, int offset, int length) {
            int last = fixed.length - 1, column = 0, start = offset, end = offset + length;
            for (int i = offset; column < last && i < end; i++) {
                if (line[i] != '\t') continue;
                counts[column][kind(column, line, start, i).ordinal()]++;
                column++;
                start = i + 1;
            }
            // the last field runs to the line's end: not scanned for tabs (it is often the longest)
            if (column == last) counts[column][kind(column, line, start, end).ordinal()]++;
        }

        private Value.Kind kind(int column, byte[] b, int from, int to) {
            if (to - from == 2 && b[from] == '\\' && b[from + 1] == 'N') return Value.Kind.NULL;
            if (fixed[column] != null) return fixed[column];
            if (numeric[column]) {
                boolean special = to > from && (b[from] == 'N' || b[from] == 'I' || (b[from] == '-' && to - from > 1 && b[from + 1] == 'I'));
                return special ? Value.Kind.FLOAT64 : Value.Kind.DECIMAL; // NaN, Infinity, -Infinity: floats, as decoded
            }
            return PgValues.parseJson(field(b, from, to)).kind();
        }

        @Override
        public Map<String, EnumMap<Value.Kind, Long>> counts() {
            Map<String, EnumMap<Value.Kind, Long>> out = new LinkedHashMap<>();
            for (int c = 0; c < fixed.length; c++) {
                EnumMap<Value.Kind, Long> byKind = new EnumMap<>(Value.Kind.class);
                for (Value.Kind k : Value.Kind.values()) if (counts[c][k.ordinal()] > 0) byKind.put(k, counts[c][k.ordinal()]);
                out.put(columns.get(c).name(), byKind);
            }
            return out;
        }
    }
}
