package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Record;

import java.io.IOException;
import java.util.HexFormat;

/**
 * Reads one part of one entity of a snapshot (a version-1 entity is one part) in the order it was
 * backed up. Resumes by ordinal (decoding and dropping the records before it, since a stream has no
 * random access). At the end it proves the part's stream: its SHA-256, length and record count must
 * be the manifest's, or it stops with {@link ErrorCode#BACKUP_CORRUPT} instead of ending as if all
 * was well. Parts that do not add up to their entity are refused before a record is read.
 */
final class SnapshotRecordReader implements RecordReader {
    private final Snapshot snapshot;
    private final EntitySnapshot entity;
    private final int partIndex;
    private final EntityPart part;
    private final int firstChunk;
    private final EntityName name;
    private final BlobReader blobs;
    private final ChunkInput in;
    private final CopyLines lines; // for an entity stored as bulk text, else null
    private final CopyTextFormat.LineDecoder decoder; // of those lines
    private final LineFilter keep; // the lines a later change layer leaves, or null for all
    private long ordinal;          // records given
    private long lineCount;        // lines read, given or not
    private boolean ended;

    /** Which lines of a part stored as bulk text are given: those a later change layer did not replace or delete ({@link LayerMerge}). */
    interface LineFilter {
        boolean keeps(byte[] line, int offset, int length);

        /**
         * Called once the part's last line was looked at and its end proven: a filter that reads
         * other parts beside this one checks the rest of them now, before the part is taken as read.
         */
        default void partEnded() {}

        /** Lets go of what the filter holds open; called when the reader is closed. */
        default void close() {}
    }

    SnapshotRecordReader(Snapshot snapshot, EntitySnapshot entity, int partIndex, BlobReader blobs, Position from) {
        this(snapshot, entity, partIndex, blobs, from, null);
    }

    SnapshotRecordReader(Snapshot snapshot, EntitySnapshot entity, int partIndex, BlobReader blobs, Position from, LineFilter keep) {
        this.snapshot = snapshot;
        this.entity = entity;
        this.partIndex = partIndex;
        this.name = entity.entityName();
        this.blobs = blobs;
        String problem = entity.partsProblem();
        if (problem != null) throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + snapshot.shortId() + ", entity " + entity.name()
                + ": the manifest does not add up: " + problem);
        this.part = entity.streamParts().get(partIndex);
        this.firstChunk = entity.firstChunkOf(partIndex);
        this.in = new ChunkInput(entity.chunks().subList(firstChunk, firstChunk + part.chunks()).stream().map(BlobId::parse).toList(), blobs);
        this.keep = keep;
        this.decoder = entity.copyText() == null ? null : decoderOf(snapshot, entity, entity.isKeysPart(partIndex));
        this.lines = decoder == null ? null : new CopyLines(in, decoder);
        if (lines == null) {
            guard(() -> {
                RecordStream.readHeader(in);
                return null;
            });
        }
        while (ordinal < from.ordinal() && next() != null) {
            // skipping what the resumed reader had consumed
        }
        if (ordinal < from.ordinal()) {
            throw new CutoverException(ErrorCode.SOURCE_CHANGED, where() + " has " + ordinal + " records, fewer than the "
                    + from.ordinal() + " a checkpoint says were read");
        }
    }

    @Override
    public Item next() {
        while (!ended) {
            boolean more = guard(() -> lines == null ? !in.atEnd() : lines.hasMore());
            if (!more) {
                ended = true;
                proveEnd();
                if (keep != null) keep.partEnded();
                return null;
            }
            Record record = guard(() -> lines == null ? RecordStream.read(name, in) : nextKeptLine());
            if (record == null) continue; // a line a later layer replaced or deleted
            ordinal++;
            return new Ok(record);
        }
        return null;
    }

    private Record nextKeptLine() throws IOException {
        Record[] out = new Record[1];
        lines.nextLine((b, offset, length) -> {
            lineCount++;
            if (keep == null || keep.keeps(b, offset, length)) out[0] = decoder.decode(b, offset, length);
        });
        return out[0];
    }

    /** Hands every line of a part stored as bulk text to {@code visitor}, unfiltered, then proves the end. */
    void eachLine(CopyLines.LineVisitor visitor) {
        while (nextLine(visitor)) {
            // each line handed over
        }
    }

    /**
     * Hands the next line of a part stored as bulk text to {@code visitor}, unfiltered; at the end
     * proves it and returns false. The visitor's own failure (a sink that stopped taking lines) is
     * thrown as it is: it is not a corrupt backup.
     */
    boolean nextLine(CopyLines.LineVisitor visitor) {
        if (lines == null) throw new IllegalStateException("entity " + entity.name() + " holds records, not bulk text");
        if (ended) return false;
        if (!guard(lines::hasMore)) {
            ended = true;
            proveEnd();
            return false;
        }
        RuntimeException[] failed = {null};
        guard(() -> {
            lines.nextLine((b, offset, length) -> {
                lineCount++;
                try {
                    visitor.line(b, offset, length);
                } catch (RuntimeException e) {
                    failed[0] = e;
                }
            });
            return null;
        });
        if (failed[0] != null) throw failed[0];
        return true;
    }

    /**
     * The part's bytes, unread so far, written to {@code out} as they are (a part stored as bulk text);
     * then the end is proven as {@link #next()} proves it. Returns the lines written.
     */
    long copyTo(java.io.OutputStream out) {
        if (lines == null) throw new IllegalStateException("entity " + entity.name() + " holds records, not bulk text");
        if (keep != null) return copyKeptTo(out);
        byte[] buffer = new byte[64 * 1024];
        long newlines = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer, 0, buffer.length); // each chunk proven as it is read
            } catch (CutoverException e) {
                throw located(e);
            }
            if (n < 0) break;
            for (int i = 0; i < n; i++) if (buffer[i] == '\n') newlines++;
            try {
                out.write(buffer, 0, n);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("writing the rows of " + where() + ": " + e.getMessage(), e);
            }
        }
        ordinal = newlines;
        lineCount = newlines;
        ended = true;
        proveEnd();
        return newlines;
    }

    /**
     * The lines no later change layer replaced or deleted: each line is looked at, but the lines
     * kept are written a run at a time, as they lie in the buffer.
     */
    private long copyKeptTo(java.io.OutputStream out) {
        byte[] buffer = new byte[256 * 1024];
        int carried = 0; // the start of a line whose end is in the next read, moved to the buffer's start
        while (true) {
            int n;
            try {
                n = in.read(buffer, carried, buffer.length - carried); // each chunk proven as it is read
            } catch (CutoverException e) {
                throw located(e);
            }
            if (n < 0) break;
            int end = carried + n, lineStart = 0, runStart = 0;
            for (int i = newline(buffer, carried, end); i >= 0; i = newline(buffer, i + 1, end)) {
                lineCount++;
                if (!keeps(buffer, lineStart, i - lineStart)) {
                    write(out, buffer, runStart, lineStart - runStart);
                    runStart = i + 1;
                } else {
                    ordinal++;
                }
                lineStart = i + 1;
            }
            write(out, buffer, runStart, lineStart - runStart);
            carried = end - lineStart;
            System.arraycopy(buffer, lineStart, buffer, 0, carried);
            if (carried == buffer.length) buffer = java.util.Arrays.copyOf(buffer, 2 * buffer.length); // a line longer than the buffer
        }
        if (carried > 0) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + ": the rows end inside a line (" + carried + " bytes after the last newline)");
        }
        ended = true;
        proveEnd();
        keep.partEnded();
        return ordinal;
    }

    /**
     * The first newline in {@code b[from, to)}, or -1. A method of its own, compiled as such: the
     * loop that calls it runs once per part, and only on-stack replacement would compile it there,
     * into slower code (the scan took 1.3 ns a byte in a restore's profile).
     */
    private static int newline(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') return i;
        }
        return -1;
    }

    private boolean keeps(byte[] b, int offset, int length) {
        try {
            return keep.keeps(b, offset, length);
        } catch (CutoverException e) {
            throw e; // already says where
        } catch (RuntimeException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + ", line " + lineCount + " does not decode: " + e.getMessage(), e);
        }
    }

    private void write(java.io.OutputStream out, byte[] b, int offset, int length) {
        if (length == 0) return;
        try {
            out.write(b, offset, length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing the rows of " + where() + ": " + e.getMessage(), e);
        }
    }

    private void proveEnd() {
        String digest = HexFormat.of().formatHex(in.digest());
        long seen = lines == null ? ordinal : lineCount;
        if (seen != part.records() || in.bytesRead() != part.bytes() || !digest.equals(part.digest())) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + " read back " + seen + " records, " + in.bytesRead()
                    + " bytes, SHA-256 " + digest + "; the manifest says " + part.records() + " records, " + part.bytes()
                    + " bytes, SHA-256 " + part.digest());
        }
    }

    /**
     * The decoder of the entity's bulk text, from whichever connector on the class path reads its
     * format. A whole row's record carries its line ({@link cutover.model.RowText}): a target of the
     * source's kind writes the values as the source wrote them.
     */
    private static CopyTextFormat.LineDecoder decoderOf(Snapshot snapshot, EntitySnapshot entity, boolean keysOnly) {
        cutover.connector.CopyShape copy = entity.copyText();
        CopyTextFormat format = formatOf(snapshot, entity);
        CopyTextFormat.LineDecoder decoder = format.decoder(entity.entityName(), keysOnly ? keyColumnsOf(entity) : copy.columns(), entity.keyColumns());
        if (keysOnly) return decoder;
        java.util.List<String> columns = copy.columnNames();
        return (line, offset, length) -> decoder.decode(line, offset, length)
                .withAsWritten(new cutover.model.RowText(copy.format(), columns, java.util.Arrays.copyOfRange(line, offset, offset + length)));
    }

    /** The format of the entity's bulk text, from whichever connector on the class path reads it. */
    static CopyTextFormat formatOf(Snapshot snapshot, EntitySnapshot entity) {
        cutover.connector.CopyShape copy = entity.copyText();
        return CopyTextFormat.named(copy.format()).orElseThrow(() -> new CutoverException(ErrorCode.BACKUP_VERSION,
                "snapshot " + snapshot.shortId() + ", entity " + entity.name() + " holds rows in the format " + copy.format()
                        + ", which no connector of this Cutover reads"));
    }

    /** The columns of a change layer's keys part: the key columns, in key order. */
    static java.util.List<cutover.connector.CopyColumn> keyColumnsOf(EntitySnapshot entity) {
        java.util.List<cutover.connector.CopyColumn> columns = entity.copyText().columns();
        return entity.keyColumns().stream().map(k -> columns.stream().filter(c -> c.name().equals(k)).findFirst()
                .orElseThrow(() -> new CutoverException(ErrorCode.BACKUP_CORRUPT, "entity " + entity.name() + ": key column " + k
                        + " is not among its columns"))).toList();
    }

    @Override
    public Position position() { return new Position(ordinal, ""); }

    @Override
    public void close() {
        try {
            if (keep != null) keep.close();
        } finally {
            blobs.close();
        }
    }

    /** Lines read so far, given or not. */
    long linesRead() { return lineCount; }

    /** The snapshot, entity and part, for messages. */
    String where() {
        return where(snapshot, entity, partIndex);
    }

    static String where(Snapshot snapshot, EntitySnapshot entity, int partIndex) {
        int parts = entity.streamParts().size();
        return "snapshot " + snapshot.shortId() + ", entity " + entity.name() + (parts == 1 ? "" : ", part " + (partIndex + 1) + " of " + parts);
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    /** Adds the snapshot, entity and chunk to any failure, so a broken byte is named where it is. */
    /** A repository failure with the snapshot, entity, part and chunk it happened in; any other failure as it is. */
    private CutoverException located(CutoverException e) {
        if (e.code() != ErrorCode.BACKUP_CORRUPT && e.code() != ErrorCode.BACKUP_IO) return e;
        return new CutoverException(e.code(), where() + ", chunk " + (firstChunk + in.chunkNumber() + 1) + " of " + entity.chunks().size()
                + ": " + e.getMessage(), e);
    }

    private <T> T guard(Step<T> step) {
        try {
            return step.run();
        } catch (CutoverException e) {
            throw located(e);
        } catch (IOException | RuntimeException e) {
            BlobId chunk = in.currentChunk();
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + ", record " + (ordinal + 1) + (chunk == null ? "" : " (chunk " + chunk.hex() + ")")
                    + " does not decode: " + e.getMessage(), e);
        }
    }

}
