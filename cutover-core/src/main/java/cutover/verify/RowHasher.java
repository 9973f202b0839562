package cutover.verify;

import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.ValueCodec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * 64-bit hashes of keys and rows over their canonical encoding (docs/value-encoding.md), the first
 * eight bytes of a SHA-256. A row's hash covers each compared column's name and value in order, and
 * tells a missing field from a NULL one. One hasher per thread: it reuses its buffer and digest.
 */
final class RowHasher {
    private static final int ABSENT = 0xFF; // not a ValueCodec tag, so "no such field" never encodes like a value

    private final Buffer buffer = new Buffer();
    private final MessageDigest sha256;

    RowHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    long key(Key key) {
        buffer.reset();
        try {
            ValueCodec.encodeKey(key, buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hash();
    }

    long row(List<String> columns, Record row) {
        Value[] values = new Value[columns.size()];
        for (int i = 0; i < values.length; i++) values[i] = row.get(columns.get(i));
        return row(columns, values);
    }

    /** The hash of a row holding these values, in column order (null: no such field). */
    long row(List<String> columns, Value[] values) {
        buffer.reset();
        try {
            for (int i = 0; i < values.length; i++) {
                buffer.write(columns.get(i).getBytes(StandardCharsets.UTF_8));
                buffer.write(0);
                if (values[i] == null) buffer.write(ABSENT);
                else ValueCodec.encode(values[i], buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hash();
    }

    private long hash() {
        sha256.update(buffer.bytes(), 0, buffer.size());
        byte[] d = sha256.digest();
        long h = 0;
        for (int i = 0; i < 8; i++) h = (h << 8) | (d[i] & 0xFF);
        return h;
    }

    /**
     * Exposes the array so hashing needs no copy of it; writes without the lock {@link
     * ByteArrayOutputStream} takes for each byte (a hasher is one thread's: the lock and its capacity
     * check per byte were a sixth of a key comparison's time).
     */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() { super(512); }

        byte[] bytes() { return buf; }

        @Override
        public void write(int b) {
            if (count == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }
}
