package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.model.Record;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/** The rows of a part stored as bulk text, one line each, decoded into records (or handed on as lines) as they are read. */
final class CopyLines {
    /** Takes one line, without its newline; the bytes are the reader's, valid during the call only. */
    interface LineVisitor {
        void line(byte[] b, int offset, int length);
    }

    private final ChunkInput in;
    private final CopyTextFormat.LineDecoder decoder;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];

    CopyLines(ChunkInput in, CopyTextFormat.LineDecoder decoder) {
        this.in = in;
        this.decoder = decoder;
    }

    /** Whether a line is left: bytes in hand or in the chunks still to read. */
    boolean hasMore() {
        return position < limit || !in.atEnd();
    }

    /** The next line's record; call only while {@link #hasMore()}. */
    Record next() throws IOException {
        Record[] out = new Record[1];
        nextLine((b, offset, length) -> out[0] = decoder.decode(b, offset, length));
        return out[0];
    }

    /** Hands the next line to {@code visitor}; call only while {@link #hasMore()}. */
    void nextLine(LineVisitor visitor) throws IOException {
        int length = 0;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    throw new EOFException("the rows end inside a line (" + length + " bytes after the last newline)");
                }
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') end++;
            if (end < limit && length == 0) { // the whole line is in the buffer: taken in place
                int start = position;
                position = end + 1;
                visitor.line(buffer, start, end - start);
                return;
            }
            if (length + end - position > line.length) line = Arrays.copyOf(line, Math.max(2 * line.length, length + end - position));
            System.arraycopy(buffer, position, line, length, end - position);
            length += end - position;
            position = end;
            if (end < limit) {
                position++;
                visitor.line(line, 0, length);
                return;
            }
        }
    }
}
