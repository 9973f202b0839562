package cutover.postgres;

import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Value;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Encodes rows in COPY's text format (tab between columns, newline after a row, {@code \N} for
 * null, backslash escapes), UTF-8, the client encoding pgjdbc always uses. How each type is written:
 * <ul>
 *   <li>timestamptz: {@code 2024-01-31 12:00:00.123456+00}, truncated (not rounded) to microseconds,
 *       PostgreSQL's precision; years before 1 AD as {@code … BC}.</li>
 *   <li>bytea: hex, {@code \x0a0b}.</li>
 *   <li>jsonb: {@link JsonValues#toJson}; a null value is SQL NULL, not JSON {@code null}.</li>
 *   <li>point: {@code (x,y)} with x = longitude and y = latitude, as PostGIS and GeoJSON order them.</li>
 *   <li>double precision: Java's shortest round-trip form, {@code NaN} and {@code ±Infinity} as PostgreSQL spells them.</li>
 * </ul>
 */
final class CopyText {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    private final StringBuilder field = new StringBuilder();

    void value(Value value, ColumnType type, boolean first) {
        if (!first) out.write('\t');
        if (value == null || value.kind() == Value.Kind.NULL) {
            out.write('\\');
            out.write('N');
            return;
        }
        field.setLength(0);
        render(value, type, field);
        escape(field);
    }

    void endRow() { out.write('\n'); }

    byte[] bytes() { return out.toByteArray(); }

    int size() { return out.size(); }

    void reset() { out.reset(); }

    static void render(Value value, ColumnType type, StringBuilder sb) {
        if (type == ColumnType.JSON) {
            sb.append(JsonValues.toJson(value));
            return;
        }
        switch (value.kind()) {
            case TEXT -> sb.append(((Value.Text) value).value());
            case INT64 -> sb.append(((Value.Int64) value).value());
            case FLOAT64 -> sb.append(Double.toString(((Value.Float64) value).value())); // NaN, Infinity, -Infinity as PostgreSQL reads them
            case DECIMAL -> sb.append(((Value.Decimal) value).value().toPlainString());
            case BOOL -> sb.append(((Value.Bool) value).value() ? 't' : 'f');
            case TIMESTAMP -> timestamp(((Value.Timestamp) value).value(), sb);
            case DATE -> date(((Value.Date) value).value(), sb);
            case BYTES -> hex(((Value.Bytes) value).toByteArray(), sb);
            case GEOPOINT -> {
                Value.GeoPoint g = (Value.GeoPoint) value;
                sb.append('(').append(g.longitude()).append(',').append(g.latitude()).append(')');
            }
            default -> throw new IllegalArgumentException(value.kind() + " cannot be written to a " + type + " column");
        }
    }

    static void timestamp(Instant instant, StringBuilder sb) {
        LocalDateTime t = LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        int year = t.getYear();
        pad(year > 0 ? year : 1 - year, 4, sb);
        sb.append('-');
        pad(t.getMonthValue(), 2, sb);
        sb.append('-');
        pad(t.getDayOfMonth(), 2, sb);
        sb.append(' ');
        pad(t.getHour(), 2, sb);
        sb.append(':');
        pad(t.getMinute(), 2, sb);
        sb.append(':');
        pad(t.getSecond(), 2, sb);
        sb.append('.');
        pad(t.getNano() / 1000, 6, sb);
        sb.append("+00");
        if (year <= 0) sb.append(" BC");
    }

    static void date(LocalDate d, StringBuilder sb) {
        int year = d.getYear();
        pad(year > 0 ? year : 1 - year, 4, sb);
        sb.append('-');
        pad(d.getMonthValue(), 2, sb);
        sb.append('-');
        pad(d.getDayOfMonth(), 2, sb);
        if (year <= 0) sb.append(" BC");
    }

    private static void pad(long n, int width, StringBuilder sb) {
        String s = Long.toString(n);
        for (int i = s.length(); i < width; i++) sb.append('0');
        sb.append(s);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void hex(byte[] bytes, StringBuilder sb) {
        sb.append("\\x");
        for (byte b : bytes) sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }

    /** Writes the field with COPY text escapes: backslash, and the row and column delimiters. */
    private void escape(CharSequence s) {
        StringBuilder escaped = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    // UTF-8 encoding would silently turn an unpaired surrogate into '?': refuse instead
                    if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))) {
                        throw new IllegalArgumentException("text with an unpaired UTF-16 surrogate at index " + i);
                    }
                    escaped.append(c);
                    if (Character.isHighSurrogate(c)) escaped.append(s.charAt(++i));
                }
            }
        }
        byte[] bytes = escaped.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
    }
}
