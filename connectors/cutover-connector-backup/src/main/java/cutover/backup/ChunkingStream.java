package cutover.backup;

import java.io.OutputStream;

/**
 * Cuts the bytes written to it into chunks with a {@link Chunker} and hands each chunk on. It holds
 * at most {@code max} bytes: a cut is decided only with {@code max} bytes in hand or at the end, so
 * the chunks do not depend on how the stream was split into writes. The buffer is twice that, and
 * the bytes in hand are moved to its front only when its end is reached, not after every chunk.
 */
final class ChunkingStream extends OutputStream {
    /** Takes each chunk as a slice of the stream's buffer, valid only during the call: a consumer that keeps it copies it. */
    interface ChunkConsumer {
        void accept(byte[] buffer, int offset, int length);
    }

    private final Chunker chunker;
    private final ChunkConsumer consumer;
    private final byte[] buffer;
    private final int max;
    private int start;
    private int length;
    private boolean finished;

    ChunkingStream(Chunker chunker, ChunkConsumer consumer) {
        this.chunker = chunker;
        this.consumer = consumer;
        this.max = chunker.params().max();
        this.buffer = new byte[2 * max];
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (finished) throw new IllegalStateException("the stream was finished");
        while (len > 0) {
            if (start + length == buffer.length) compact();
            int n = Math.min(len, Math.min(max - length, buffer.length - start - length));
            System.arraycopy(b, off, buffer, start + length, n);
            length += n;
            off += n;
            len -= n;
            if (length == max) emitOne();
        }
    }

    /** Cuts what is left into its last chunks. Writing afterwards is an error. */
    void finish() {
        if (finished) return;
        finished = true;
        while (length > 0) emitLast();
    }

    @Override
    public void close() { finish(); }

    /** Cuts a chunk off the {@code max} bytes in hand. */
    private void emitOne() {
        int n = chunker.cut(buffer, start, length);
        consumer.accept(buffer, start, n); // no copy: most chunks of an incremental backup are only named
        start += n;
        length -= n;
        if (length == 0) start = 0;
    }

    /**
     * Cuts a chunk off the stream's rest, by the chunker's copy of its cut for rests ({@link
     * Chunker#cutLast}); a rest no longer than the minimum is the last chunk as it is.
     */
    private void emitLast() {
        int n = length <= chunker.params().min() ? length : chunker.cutLast(buffer, start, length);
        consumer.accept(buffer, start, n);
        start += n;
        length -= n;
    }

    private void compact() {
        System.arraycopy(buffer, start, buffer, 0, length);
        start = 0;
    }
}
