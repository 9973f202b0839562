package cutover.backup;

import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.ValueCodec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An entity's records as one canonical byte stream (docs/backup-format.md, "Record streams"): a
 * version byte, then each record as its key (varint count, then each part's value encoding) and
 * its fields (a map payload), both as docs/value-encoding.md defines them. The entity name is not
 * repeated: a stream holds one entity.
 */
final class RecordStream {
    static final int VERSION = ValueCodec.VERSION;

    private RecordStream() {}

    static void writeHeader(OutputStream out) throws IOException {
        out.write(VERSION);
    }

    static void write(Record record, OutputStream out) throws IOException {
        ValueCodec.encodeKey(record.key(), out);
        ValueCodec.encodeFields(record.fields(), out);
    }

    static void readHeader(InputStream in) throws IOException {
        int version = in.read();
        if (version != VERSION) throw new IOException("record stream version " + version + ", expected " + VERSION);
    }

    static Record read(EntityName entity, InputStream in) throws IOException {
        int n = readVarint(in);
        if (n == 0) throw new IOException("a key with no parts");
        List<Value> parts = new ArrayList<>(Math.min(n, 16));
        for (int i = 0; i < n; i++) parts.add(ValueCodec.decode(in));
        return new Record(entity, new Key(parts), ValueCodec.decodeFields(in));
    }

    /** Unsigned LEB128, as in docs/value-encoding.md. */
    private static int readVarint(InputStream in) throws IOException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.read();
            if (b < 0) throw new EOFException("record stream ends inside a record");
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) throw new IOException("varint out of range");
                return v;
            }
        }
        throw new IOException("varint too long");
    }
}
