package cutover.backup;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Bytes passed on in blocks of one size, each cut where the size falls, inside a line or not: a
 * table's rows reach its part as a change layer's spooled rows do ({@link ChangedRowsSpool}). A
 * {@link java.io.BufferedOutputStream} passes on only whole writes (a row each, from a database's
 * copy), so a full backup never met a line begun by an earlier write, and the code compiled for it
 * was sent back to the interpreter when a process's first incremental did. Used by one thread.
 */
final class FixedBlocks extends OutputStream {
    /** A table's bulk text reaches its part in writes of this many bytes. */
    static final int SIZE = 64 << 10;

    private final OutputStream out;
    private final byte[] block;
    private int used;

    FixedBlocks(OutputStream out) {
        this.out = out;
        this.block = new byte[SIZE];
    }

    @Override
    public void write(int b) throws IOException {
        block[used++] = (byte) b;
        if (used == block.length) pass();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, block.length - used);
            System.arraycopy(b, off, block, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == block.length) pass();
        }
    }

    /** Passes on the bytes of a block begun. */
    @Override
    public void flush() throws IOException {
        if (used > 0) pass();
        out.flush();
    }

    /** Passes on the last block, to a part's stream: it writes to the store, which throws no IOException. */
    void finish() {
        try {
            flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void pass() throws IOException {
        out.write(block, 0, used);
        used = 0;
    }
}
