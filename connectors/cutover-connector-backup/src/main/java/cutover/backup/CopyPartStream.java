package cutover.backup;

import cutover.connector.CopyTextFormat;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One part of an entity whose rows come in a database's bulk text format (docs/backup-format.md,
 * "COPY text parts"): the bytes are stored as they come, hashed and cut into chunks like a record
 * stream, while each line is counted as a row and tallied for the manifest's value kinds. Used by
 * one thread.
 */
final class CopyPartStream extends OutputStream {
    private static final int PROGRESS_EVERY = 10_000;

    private final ChunkingStream chunks;
    private final List<String> chunkIds = new ArrayList<>();
    private final MessageDigest digest;
    private final CopyTextFormat.KindTally tally;
    private final LongConsumer progress;
    private byte[] partial = new byte[256]; // the line begun in an earlier write
    private int partialLength;
    private long rows;
    private long bytes;

    CopyPartStream(Chunker chunker, ChunkStore store, CopyTextFormat.KindTally tally, LongConsumer progress) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // the chunks are the stream, in order: hashed as they are cut, a few KiB at a time, not a row at a time
        this.chunks = new ChunkingStream(chunker, chunk -> {
            digest.update(chunk);
            chunkIds.add(store.store(chunk).hex());
        });
        this.tally = tally;
        this.progress = progress;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        chunks.write(b, off, len);
        bytes += len;
        int start = off, end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] != '\n') continue;
            if (partialLength > 0) {
                keep(b, start, i - start);
                tally.line(partial, 0, partialLength);
                partialLength = 0;
            } else {
                tally.line(b, start, i - start);
            }
            if (++rows % PROGRESS_EVERY == 0) progress.accept(rows);
            start = i + 1;
        }
        if (start < end) keep(b, start, end - start);
    }

    private void keep(byte[] b, int off, int len) {
        if (partialLength + len > partial.length) partial = Arrays.copyOf(partial, Math.max(2 * partial.length, partialLength + len));
        System.arraycopy(b, off, partial, partialLength, len);
        partialLength += len;
    }

    /** Cuts the last chunks; the rows must have ended with their line. */
    PartStream.Result finish() {
        if (partialLength > 0) throw new IllegalStateException("the rows ended inside a line (" + partialLength + " bytes after the last newline)");
        chunks.finish();
        progress.accept(rows);
        EntityPart part = new EntityPart(rows, bytes, HexFormat.of().formatHex(digest.digest()), chunkIds.size());
        return new PartStream.Result(part, List.copyOf(chunkIds), tally.counts());
    }
}
