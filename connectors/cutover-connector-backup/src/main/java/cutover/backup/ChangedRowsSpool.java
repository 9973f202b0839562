package cutover.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's changed rows as the source copies them, held in memory while the backup decides whether
 * they become a layer ({@link TableChanges}): copied beside the counting pass instead of after it,
 * they cost no time of their own when the layer is taken. Holds at most {@code limit} bytes: a
 * write past it, or after {@link #abandon()}, fails, which makes the source stop its copy; the
 * layer is then copied from the source after all, as without a spool. Written by one thread, read
 * by another once the copy has returned.
 */
final class ChangedRowsSpool extends OutputStream {
    private static final int BLOCK = 1 << 20;

    private final long limit;
    private final List<byte[]> blocks = new ArrayList<>();
    private int lastLength; // bytes used in the last block
    private long size;
    private volatile boolean abandoned;

    ChangedRowsSpool(long limit) {
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (abandoned) throw new IOException("the changed rows are not needed: the table is read whole or reused");
        if (size + len > limit) throw new IOException("the changed rows take more than " + limit + " bytes: copied again when stored");
        while (len > 0) {
            if (blocks.isEmpty() || lastLength == BLOCK) {
                blocks.add(new byte[BLOCK]);
                lastLength = 0;
            }
            int n = Math.min(len, BLOCK - lastLength);
            System.arraycopy(b, off, blocks.get(blocks.size() - 1), lastLength, n);
            lastLength += n;
            off += n;
            len -= n;
            size += n;
        }
    }

    /** Makes the copy stop at its next write (a scan that finds no more rows still runs to its end). */
    void abandon() {
        abandoned = true;
    }

    long size() {
        return size;
    }

    /** Writes the bytes held, in order, and lets go of them. */
    void moveTo(OutputStream out) throws IOException {
        for (int i = 0; i < blocks.size(); i++) {
            out.write(blocks.get(i), 0, i == blocks.size() - 1 ? lastLength : BLOCK);
            blocks.set(i, null);
        }
        blocks.clear();
        size = 0;
    }

    @Override
    public String toString() {
        return "ChangedRowsSpool[" + size + " of " + limit + " bytes" + (abandoned ? ", abandoned" : "") + "]";
    }
}
