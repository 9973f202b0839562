package cutover.firebase;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * A reader of the protobuf wire format over a slice of a byte array, with proto2 groups, enough
 * for the App Engine {@code EntityProto} of managed exports. No generated classes: the schema is
 * a handful of field numbers, documented where they are used. Malformed input throws
 * {@link Malformed}.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, BYTES = 2, START_GROUP = 3, END_GROUP = 4, FIXED32 = 5;

    static final class Malformed extends RuntimeException {
        Malformed(String message) { super(message); }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    ProtoReader(byte[] buf) { this(buf, 0, buf.length); }

    ProtoReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    boolean atEnd() { return pos >= end; }

    /** The next tag: field number {@code << 3 | wire type}. */
    int tag() {
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) throw new Malformed("bad tag " + t);
        return (int) t;
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw new Malformed("varint runs past the end");
            byte b = buf[pos++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) return v;
        }
        throw new Malformed("varint longer than 10 bytes");
    }

    long fixed64() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (buf[pos + i] & 0xff);
        pos += 8;
        return v;
    }

    /** A length-delimited field as a reader over its bytes (no copy). */
    ProtoReader message() {
        int length = length();
        ProtoReader sub = new ProtoReader(buf, pos, pos + length);
        pos += length;
        return sub;
    }

    byte[] bytes() {
        int length = length();
        byte[] out = new byte[length];
        System.arraycopy(buf, pos, out, 0, length);
        pos += length;
        return out;
    }

    /** A length-delimited field as UTF-8 text; invalid UTF-8 is malformed rather than silently replaced. */
    String string() {
        int length = length();
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, pos, length)).toString();
            pos += length;
            return s;
        } catch (CharacterCodingException e) {
            throw new Malformed("a string is not valid UTF-8");
        }
    }

    /** All remaining bytes of this reader (a length-delimited field read with {@link #message()}). */
    byte[] bytes0() {
        byte[] out = new byte[end - pos];
        System.arraycopy(buf, pos, out, 0, out.length);
        pos = end;
        return out;
    }

    /** All remaining bytes as UTF-8 text; invalid UTF-8 is malformed. */
    String utf8() {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, pos, end - pos)).toString();
            pos = end;
            return s;
        } catch (CharacterCodingException e) {
            throw new Malformed("a string is not valid UTF-8");
        }
    }

    /** The body of a group whose start tag was just read, as a reader; moves past its end tag. */
    ProtoReader group(int field) {
        int start = pos;
        while (true) {
            if (pos >= end) throw new Malformed("group " + field + " has no end");
            int tagStart = pos;
            int tag = tag();
            if ((tag & 7) == END_GROUP) {
                if (tag >>> 3 != field) throw new Malformed("group " + field + " ends with the end of group " + (tag >>> 3));
                return new ProtoReader(buf, start, tagStart);
            }
            skip(tag);
        }
    }

    /** Skips the value of a field whose tag was just read. */
    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> varint();
            case FIXED64 -> { need(8); pos += 8; }
            case BYTES -> {
                int length = length(); // read before adding: "pos += length()" would add to the old pos
                pos += length;
            }
            case START_GROUP -> group(tag >>> 3);
            case FIXED32 -> { need(4); pos += 4; }
            default -> throw new Malformed("wire type " + (tag & 7) + " of field " + (tag >>> 3));
        }
    }

    private int length() {
        long length = varint();
        if (length < 0 || length > end - pos) throw new Malformed("a length of " + length + " runs past the end");
        return (int) length;
    }

    private void need(int n) {
        if (end - pos < n) throw new Malformed("a fixed-width value runs past the end");
    }
}
