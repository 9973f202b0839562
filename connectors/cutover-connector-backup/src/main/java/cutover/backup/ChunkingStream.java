package cutover.backup;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Cuts the bytes written to it into chunks with a {@link Chunker} and hands each chunk on. It holds
 * at most {@code max} bytes: a cut is decided only with {@code max} bytes in hand or at the end, so
 * the chunks do not depend on how the stream was split into writes.
 */
final class ChunkingStream extends OutputStream {
    interface ChunkConsumer {
        void accept(byte[] chunk);
    }

    private final Chunker chunker;
    private final ChunkConsumer consumer;
    private final byte[] buffer;
    private int length;
    private boolean finished;

    ChunkingStream(Chunker chunker, ChunkConsumer consumer) {
        this.chunker = chunker;
        this.consumer = consumer;
        this.buffer = new byte[chunker.params().max()];
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (finished) throw new IllegalStateException("the stream was finished");
        while (len > 0) {
            int n = Math.min(len, buffer.length - length);
            System.arraycopy(b, off, buffer, length, n);
            length += n;
            off += n;
            len -= n;
            if (length == buffer.length) emitOne();
        }
    }

    /** Cuts what is left into its last chunks. Writing afterwards is an error. */
    void finish() {
        if (finished) return;
        finished = true;
        while (length > 0) emitOne();
    }

    @Override
    public void close() { finish(); }

    private void emitOne() {
        int n = chunker.cut(buffer, 0, length);
        consumer.accept(Arrays.copyOf(buffer, n));
        System.arraycopy(buffer, n, buffer, 0, length - n);
        length -= n;
    }
}
