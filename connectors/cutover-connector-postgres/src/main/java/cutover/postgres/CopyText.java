package cutover.postgres;

import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Value;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

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
    /** Where full chunks go: the COPY stream of the connection. */
    interface Chunks {
        void write(byte[] bytes, int length) throws java.io.IOException;
    }

    private static final int CHUNK = 1 << 16;

    private final Chunks chunks;
    private byte[] buf = new byte[CHUNK + 1024];
    private int len;
    private final StringBuilder field = new StringBuilder();

    /**
     * Rows go to {@code chunks} in pieces of about 64 KiB as they are encoded, so a batch is never held
     * whole as bytes (large arrays are what makes a small heap collect often).
     */
    CopyText(Chunks chunks) {
        this.chunks = chunks;
    }

    /** Keeps everything in memory, for tests: read it with {@link #bytes()}. */
    CopyText() {
        this(null);
    }

    void value(Value value, ColumnType type, boolean first) throws java.io.IOException {
        if (!first) put((byte) '\t');
        if (value == null || value.kind() == Value.Kind.NULL) {
            put((byte) '\\');
            put((byte) 'N');
            return;
        }
        if (value instanceof Value.Text t && type != ColumnType.JSON) {
            escape(t.value());
            return;
        }
        field.setLength(0);
        render(value, type, field);
        escape(field);
    }

    /** A value as its source wrote it in COPY text ({@code line}'s bytes from {@code from} to {@code to}, escapes and all). */
    void asWritten(byte[] line, int from, int to, boolean first) throws java.io.IOException {
        if (!first) put((byte) '\t');
        for (int i = from; i < to; i++) put(line[i]);
    }

    /** A value of a native array column ({@link ArrayColumn}): its array literal, or {@code \N}. */
    void array(Value value, ArrayColumn column, boolean first) throws java.io.IOException {
        if (value == null || value.kind() == Value.Kind.NULL) {
            value(value, ColumnType.JSON, first);
            return;
        }
        if (!first) put((byte) '\t');
        field.setLength(0);
        column.render(value, field);
        escape(field);
    }

    void endRow() throws java.io.IOException {
        put((byte) '\n');
        if (chunks != null && len >= CHUNK) flush();
    }

    /** Sends what is left; the COPY can then end. */
    void flush() throws java.io.IOException {
        if (chunks != null && len > 0) {
            chunks.write(buf, len);
            len = 0;
        }
    }

    byte[] bytes() { return java.util.Arrays.copyOf(buf, len); }

    private void put(byte b) {
        if (len == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        buf[len++] = b;
    }

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
        String infinity = PgInfinity.of(instant);
        if (infinity != null) {
            sb.append(infinity);
            return;
        }
        // from epoch seconds directly: no time-zone rules to look up for every value
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano() / 1000 * 1000, ZoneOffset.UTC);
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
        String infinity = PgInfinity.of(d);
        if (infinity != null) {
            sb.append(infinity);
            return;
        }
        int year = d.getYear();
        pad(year > 0 ? year : 1 - year, 4, sb);
        sb.append('-');
        pad(d.getMonthValue(), 2, sb);
        sb.append('-');
        pad(d.getDayOfMonth(), 2, sb);
        if (year <= 0) sb.append(" BC");
    }

    private static void pad(long n, int width, StringBuilder sb) {
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) digits++;
        for (int i = digits; i < width; i++) sb.append('0');
        sb.append(n); // StringBuilder appends a long without making a String
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void hex(byte[] bytes, StringBuilder sb) {
        sb.append("\\x");
        for (byte b : bytes) sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }

    /**
     * Writes the field as UTF-8 with COPY text escapes (backslash, and the row and column delimiters),
     * straight into the buffer: no copy of the field is made.
     */
    private void escape(CharSequence s) {
        int n = s.length();
        // room for the worst case (every char three bytes, or four for a pair), so the loop needs no bounds check per byte
        if (len + 3 * n + 1 > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + 3 * n + 1));
        byte[] b = buf;
        int at = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> { b[at++] = '\\'; b[at++] = '\\'; }
                    case '\n' -> { b[at++] = '\\'; b[at++] = 'n'; }
                    case '\r' -> { b[at++] = '\\'; b[at++] = 'r'; }
                    case '\t' -> { b[at++] = '\\'; b[at++] = 't'; }
                    default -> b[at++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xc0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                // UTF-8 encoding would silently turn an unpaired surrogate into '?': refuse instead
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new IllegalArgumentException("text with an unpaired UTF-16 surrogate at index " + i);
                }
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[at++] = (byte) (0xf0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[at++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                b[at++] = (byte) (0xe0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        len = at;
    }
}
