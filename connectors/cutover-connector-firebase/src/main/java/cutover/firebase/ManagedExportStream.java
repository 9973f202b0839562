package cutover.firebase;

import cutover.connector.RecordReader;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;

import java.nio.file.Path;
import java.util.Base64;

/**
 * The documents of one {@code output-N} file of a managed export, in file order (not key order).
 * A record whose key cannot be read makes the file corrupt; a record whose values cannot be decoded
 * is set aside with its bytes (base64, bounded) for the dead-letter file.
 */
final class ManagedExportStream implements ExportStream {
    private final Path file;
    private final LevelDbLog log;
    private long index;

    ManagedExportStream(Path file) {
        this.file = file;
        this.log = new LevelDbLog(file);
    }

    @Override
    public Parsed next() {
        byte[] record = log.next();
        if (record == null) return null;
        long at = index++;
        String path;
        try {
            path = EntityProtoDecoder.documentPath(record);
        } catch (ProtoReader.Malformed e) {
            throw corrupt(at, "its key cannot be decoded: " + e.getMessage());
        }
        if (path == null || !ValueDecoder.isDocumentPath(path)) throw corrupt(at, "its key is not a document path: " + path);
        EntityName entity = EntityName.ofDocumentPath(path);
        Key key = Key.ofDocumentPath(path);
        try {
            return new Parsed(new RecordReader.Ok(new Record(entity, key, EntityProtoDecoder.fields(new ProtoReader(record)))), entity, record.length);
        } catch (ProtoReader.Malformed e) {
            RecordError error = RecordError.of(ErrorCode.RECORD_UNKNOWN_MARKER, null,
                    "record " + at + " of " + file.getFileName() + " (" + path + ") cannot be decoded: " + e.getMessage());
            return new Parsed(new RecordReader.Unreadable(entity, key.toString(), raw(record), error), entity, record.length);
        }
    }

    private static String raw(byte[] record) {
        int n = Math.min(record.length, RawText.MAX_BYTES);
        byte[] head = java.util.Arrays.copyOf(record, n);
        return "base64:" + Base64.getEncoder().encodeToString(head) + (n < record.length ? "…(truncated)" : "");
    }

    private CutoverException corrupt(long at, String what) {
        return new CutoverException(ErrorCode.SOURCE_CORRUPT, "record " + at + " of " + file + ": " + what);
    }

    @Override
    public void close() { log.close(); }
}
