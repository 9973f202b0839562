package cutover.firebase;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a document's text back from the file by byte offsets, for the dead-letter file. Opened
 * only when a record is unreadable, and bounded so that one huge document cannot fill memory.
 */
final class RawText implements AutoCloseable {
    static final int MAX_BYTES = 64 * 1024;

    private final Path file;
    private FileChannel channel;

    RawText(Path file) { this.file = file; }

    String read(long start, long end) {
        if (start < 0 || end <= start) return "";
        int length = (int) Math.min(end - start, MAX_BYTES);
        try {
            if (channel == null) channel = FileChannel.open(file, StandardOpenOption.READ);
            ByteBuffer buf = ByteBuffer.allocate(length);
            long at = start;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, at);
                if (n < 0) break;
                at += n;
            }
            buf.flip();
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(buf).toString();
            return end - start > MAX_BYTES ? text + "…(truncated at " + MAX_BYTES + " bytes)" : text;
        } catch (IOException e) {
            return "(raw text unavailable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel: nothing to lose
        }
    }
}
