package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * One part of an entity whose rows come in a database's bulk text format (docs/backup-format.md,
 * "COPY text parts"): the bytes are stored as they come, hashed and cut into chunks like a record
 * stream, while each line is counted as a row and tallied for the manifest's value kinds. Used by
 * one thread.
 */
final class CopyPartStream extends OutputStream {
    private static final int PROGRESS_EVERY = 10_000;

    private final PartChunks chunks;
    private final CopyTextFormat.KindTally tally;
    private final LongConsumer progress;
    private byte[] partial = new byte[256]; // the line begun in an earlier write
    private int partialLength;
    private long rows;

    CopyPartStream(Chunker chunker, ChunkStore store, CopyTextFormat.KindTally tally, LongConsumer progress) {
        this.chunks = new PartChunks(chunker, store);
        this.tally = tally;
        this.progress = progress;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    // The bytes are scanned for newlines by a method of its own, and each line is handled by another:
    // a backup's first table reads one row per write, a change layer blocks that cut lines anywhere,
    // and a branch one of them never took sends the compiled method back to the interpreter when the
    // other takes it; a small method is compiled again in a moment, a byte loop inlined in it was not.
    @Override
    public void write(byte[] b, int off, int len) {
        chunks.write(b, off, len);
        int start = off, end = off + len;
        for (int newline = newline(b, start, end); newline >= 0; newline = newline(b, start, end)) {
            line(b, start, newline - start);
            start = newline + 1;
        }
        keep(b, start, end - start); // nothing when the write ended with a line; no branch, which a full backup's blocks all but never took
    }

    private static int newline(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') return i;
        }
        return -1;
    }

    /** A line ended at {@code b[off + len]}, its start in {@link #partial} if an earlier write began it. */
    private void line(byte[] b, int off, int len) {
        if (partialLength > 0) {
            keep(b, off, len);
            tally.line(partial, 0, partialLength);
            partialLength = 0;
        } else {
            tally.line(b, off, len);
        }
        if (++rows % PROGRESS_EVERY == 0) progress.accept(rows);
    }

    private void keep(byte[] b, int off, int len) {
        if (partialLength + len > partial.length) partial = Arrays.copyOf(partial, Math.max(2 * partial.length, partialLength + len));
        System.arraycopy(b, off, partial, partialLength, len);
        partialLength += len;
    }

    /**
     * Refuses a copy whose source said it wrote {@code said} rows where {@code lines} lines came: the
     * part would not hold what the source holds.
     */
    static void requireLines(String what, long said, long lines) {
        if (said != lines) {
            throw new CutoverException(ErrorCode.SOURCE_CHANGED, "the copy of " + what + " said " + said
                    + " rows but gave " + lines + " lines");
        }
    }

    /** Cuts the last chunks; the rows must have ended with their line. */
    PartStream.Result finish() {
        if (partialLength > 0) throw new IllegalStateException("the rows ended inside a line (" + partialLength + " bytes after the last newline)");
        PartStream.Result done = chunks.finish(rows, tally.counts());
        progress.accept(rows);
        return done;
    }
}
