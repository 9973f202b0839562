package cutover.model;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The canonical binary encoding of values and records, specified in {@code docs/value-encoding.md}.
 * Equal values encode to equal bytes and different values to different bytes, so a digest of the
 * encoding identifies a value; digests, verify and backups all rest on that.
 */
public final class ValueCodec {
    /** Format version, written at the start of every stream that stores encoded values. */
    public static final int VERSION = 1;

    static final int NULL = 0x00, FALSE = 0x01, TRUE = 0x02, INT64 = 0x03, FLOAT64 = 0x04, DECIMAL = 0x05,
            TIMESTAMP = 0x06, DATE = 0x07, TEXT = 0x08, BYTES = 0x09, REFERENCE = 0x0A, GEOPOINT = 0x0B,
            ARRAY = 0x0C, MAP = 0x0D, JSON_NULL = 0x0E;

    private ValueCodec() {}

    public static byte[] encode(Value value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        try {
            encode(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void encode(Value value, OutputStream out) throws IOException {
        switch (value.kind()) {
            case NULL -> out.write(NULL);
            case JSON_NULL -> out.write(JSON_NULL);
            case BOOL -> out.write(((Value.Bool) value).value() ? TRUE : FALSE);
            case INT64 -> { out.write(INT64); writeLong(out, ((Value.Int64) value).value()); }
            // doubleToLongBits folds every NaN into one pattern, matching Value's equality.
            case FLOAT64 -> { out.write(FLOAT64); writeLong(out, Double.doubleToLongBits(((Value.Float64) value).value())); }
            case DECIMAL -> {
                BigDecimal d = ((Value.Decimal) value).value();
                out.write(DECIMAL);
                writeInt(out, d.scale());
                writeBlob(out, d.unscaledValue().toByteArray());
            }
            case TIMESTAMP -> {
                Instant t = ((Value.Timestamp) value).value();
                out.write(TIMESTAMP);
                writeLong(out, t.getEpochSecond());
                writeInt(out, t.getNano());
            }
            case DATE -> { out.write(DATE); writeLong(out, ((Value.Date) value).value().toEpochDay()); }
            case TEXT -> { out.write(TEXT); writeBlob(out, utf8(((Value.Text) value).value())); }
            case BYTES -> { out.write(BYTES); writeBlob(out, ((Value.Bytes) value).unsafeArray()); }
            case REFERENCE -> { out.write(REFERENCE); writeBlob(out, utf8(((Value.Reference) value).path())); }
            case GEOPOINT -> {
                Value.GeoPoint g = (Value.GeoPoint) value;
                out.write(GEOPOINT);
                writeLong(out, Double.doubleToLongBits(g.latitude()));
                writeLong(out, Double.doubleToLongBits(g.longitude()));
            }
            case ARRAY -> {
                List<Value> values = ((Value.Array) value).values();
                out.write(ARRAY);
                writeVarint(out, values.size());
                for (Value v : values) encode(v, out);
            }
            case MAP -> {
                Map<String, Value> fields = ((Value.MapValue) value).fields();
                out.write(MAP);
                encodeFields(fields, out);
            }
        }
    }

    /** Fields as a count, then name and value pairs sorted by name in code point order. */
    public static void encodeFields(Map<String, Value> fields, OutputStream out) throws IOException {
        writeVarint(out, fields.size());
        for (String name : ValueOrder.sortedKeys(fields)) {
            writeBlob(out, utf8(name));
            encode(fields.get(name), out);
        }
    }

    /** A record as its entity name, its key parts, then its fields (sorted); the version is not part of it. */
    public static void encodeRecord(Record record, OutputStream out) throws IOException {
        writeBlob(out, utf8(record.entity().value()));
        encodeKey(record.key(), out);
        encodeFields(record.fields(), out);
    }

    public static byte[] encodeRecord(Record record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try {
            encodeRecord(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void encodeKey(Key key, OutputStream out) throws IOException {
        writeVarint(out, key.parts().size());
        for (Value part : key.parts()) encode(part, out);
    }

    public static Value decode(byte[] bytes) {
        try {
            InputStream in = new java.io.ByteArrayInputStream(bytes);
            Value v = decode(in);
            if (in.read() != -1) throw new IllegalArgumentException("trailing bytes after an encoded value");
            return v;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid encoded value: " + e.getMessage(), e);
        }
    }

    public static Value decode(InputStream in) throws IOException {
        int tag = readByte(in);
        return switch (tag) {
            case NULL -> Value.NULL;
            case JSON_NULL -> Value.JSON_NULL;
            case FALSE -> Value.of(false);
            case TRUE -> Value.of(true);
            case INT64 -> Value.of(readLong(in));
            case FLOAT64 -> Value.of(Double.longBitsToDouble(readLong(in)));
            case DECIMAL -> {
                int scale = readInt(in);
                yield Value.of(new BigDecimal(new BigInteger(readBlob(in)), scale));
            }
            case TIMESTAMP -> {
                long seconds = readLong(in);
                int nanos = readInt(in);
                yield Value.of(Instant.ofEpochSecond(seconds, nanos));
            }
            case DATE -> Value.of(LocalDate.ofEpochDay(readLong(in)));
            case TEXT -> Value.of(fromUtf8(readBlob(in)));
            case BYTES -> Value.of(readBlob(in));
            case REFERENCE -> new Value.Reference(fromUtf8(readBlob(in)));
            case GEOPOINT -> new Value.GeoPoint(Double.longBitsToDouble(readLong(in)), Double.longBitsToDouble(readLong(in)));
            case ARRAY -> {
                int n = readVarint(in);
                List<Value> values = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) values.add(decode(in));
                yield new Value.Array(values);
            }
            case MAP -> new Value.MapValue(decodeFields(in));
            default -> throw new IOException("unknown value tag 0x" + Integer.toHexString(tag));
        };
    }

    public static Map<String, Value> decodeFields(InputStream in) throws IOException {
        int n = readVarint(in);
        // straight into Fields, which Record and MapValue keep as they are: a LinkedHashMap here was
        // hashed per field and then copied into Fields, per record of a restore (JFR, issue 5)
        Fields.Builder fields = Fields.builder(Math.min(n, 64)); // n is untrusted until the fields are read
        for (int i = 0; i < n; i++) {
            String name = fromUtf8(readBlob(in));
            fields.put(name, decode(in));
        }
        return fields.build();
    }

    public static Record decodeRecord(InputStream in) throws IOException {
        EntityName entity = new EntityName(fromUtf8(readBlob(in)));
        Key key = decodeKey(in);
        return new Record(entity, key, decodeFields(in));
    }

    /** A key {@link #encodeKey} wrote. */
    public static Key decodeKey(InputStream in) throws IOException {
        int n = readVarint(in);
        List<Value> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) parts.add(decode(in));
        return new Key(parts);
    }

    /**
     * UTF-8, except that an unpaired surrogate is written as its own three-byte sequence (as WTF-8
     * does) instead of being replaced by '?', so that two different Java strings never encode alike.
     */
    static byte[] utf8(String s) {
        // Text without surrogates encodes the same either way, and the JDK's encoder is far faster;
        // only a lone surrogate needs the hand-written path (which keeps it, where the JDK writes '?').
        if (!hasSurrogate(s)) return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | (cp >> 6));
                out.write(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                out.write(0xE0 | (cp >> 12));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            } else {
                out.write(0xF0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3F));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            }
        }
        return out.toByteArray();
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) return true;
        }
        return false;
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) return false;
        }
        return true;
    }

    static String fromUtf8(byte[] b) throws IOException {
        // most text is ASCII: the same characters, without the code point loop (a restore's hot path)
        if (isAscii(b)) return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
        StringBuilder s = new StringBuilder(b.length);
        for (int i = 0; i < b.length; ) {
            int c = b[i] & 0xFF;
            int cp, n;
            if (c < 0x80) { cp = c; n = 1; }
            else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; n = 2; }
            else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; n = 3; }
            else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; n = 4; }
            else throw new IOException("invalid UTF-8 lead byte at " + i);
            if (i + n > b.length) throw new IOException("truncated UTF-8 sequence at " + i);
            for (int k = 1; k < n; k++) cp = (cp << 6) | (b[i + k] & 0x3F);
            s.appendCodePoint(cp);
            i += n;
        }
        return s.toString();
    }

    static void writeBlob(OutputStream out, byte[] bytes) throws IOException {
        writeVarint(out, bytes.length);
        out.write(bytes);
    }

    static byte[] readBlob(InputStream in) throws IOException {
        int n = readVarint(in);
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new EOFException("expected " + n + " bytes, found " + b.length);
        return b;
    }

    /** Unsigned LEB128. */
    static void writeVarint(OutputStream out, int v) throws IOException {
        if (v < 0) throw new IllegalArgumentException("negative length " + v);
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    static int readVarint(InputStream in) throws IOException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte(in);
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) throw new IOException("varint out of range");
                return v;
            }
        }
        throw new IOException("varint too long");
    }

    static void writeLong(OutputStream out, long v) throws IOException {
        for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (v >>> shift));
    }

    static void writeInt(OutputStream out, int v) throws IOException {
        for (int shift = 24; shift >= 0; shift -= 8) out.write(v >>> shift);
    }

    static long readLong(InputStream in) throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | readByte(in);
        return v;
    }

    static int readInt(InputStream in) throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) v = (v << 8) | readByte(in);
        return v;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("unexpected end of encoded value");
        return b;
    }
}
