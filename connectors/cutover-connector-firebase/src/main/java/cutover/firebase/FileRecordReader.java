package cutover.firebase;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.nio.file.Path;

/**
 * Reads one export file as a split. A file has no better resume token than a count, so resuming
 * skips {@code from.ordinal()} items; the order is the file's, so the tail is the same.
 */
final class FileRecordReader implements RecordReader {
    private final ExportStream stream;
    private long ordinal;

    FileRecordReader(Path file, ExportStream stream, Position from) {
        this.stream = stream;
        try {
            while (ordinal < from.ordinal()) {
                if (stream.next() == null) {
                    throw new CutoverException(ErrorCode.SOURCE_CHANGED, file + " holds " + ordinal + " documents but the checkpoint is at "
                            + from.ordinal() + ": the file changed since the run started; start the run again from the beginning");
                }
                ordinal++;
            }
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    @Override
    public Item next() {
        ExportStream.Parsed parsed = stream.next();
        if (parsed == null) return null;
        ordinal++;
        return parsed.item();
    }

    @Override
    public Position position() { return new Position(ordinal, ""); }

    @Override
    public void close() { stream.close(); }
}
