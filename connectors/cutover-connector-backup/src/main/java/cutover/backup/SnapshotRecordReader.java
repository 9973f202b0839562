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
    private long ordinal;
    private boolean ended;

    SnapshotRecordReader(Snapshot snapshot, EntitySnapshot entity, int partIndex, BlobReader blobs, Position from) {
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
        this.lines = entity.copyText() == null ? null : new CopyLines(in, decoderOf(snapshot, entity));
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
        if (ended) return null;
        boolean more = guard(() -> lines == null ? !in.atEnd() : lines.hasMore());
        if (!more) {
            ended = true;
            proveEnd();
            return null;
        }
        Record record = guard(() -> lines == null ? RecordStream.read(name, in) : lines.next());
        ordinal++;
        return new Ok(record);
    }

    /**
     * The part's bytes, unread so far, written to {@code out} as they are (a part stored as bulk text);
     * then the end is proven as {@link #next()} proves it. Returns the lines written.
     */
    long copyTo(java.io.OutputStream out) {
        if (lines == null) throw new IllegalStateException("entity " + entity.name() + " holds records, not bulk text");
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
        ended = true;
        proveEnd();
        return newlines;
    }

    private void proveEnd() {
        String digest = HexFormat.of().formatHex(in.digest());
        if (ordinal != part.records() || in.bytesRead() != part.bytes() || !digest.equals(part.digest())) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + " read back " + ordinal + " records, " + in.bytesRead()
                    + " bytes, SHA-256 " + digest + "; the manifest says " + part.records() + " records, " + part.bytes()
                    + " bytes, SHA-256 " + part.digest());
        }
    }

    /** The decoder of the entity's bulk text, from whichever connector on the class path reads its format. */
    private static CopyTextFormat.LineDecoder decoderOf(Snapshot snapshot, EntitySnapshot entity) {
        cutover.connector.CopyShape copy = entity.copyText();
        CopyTextFormat format = CopyTextFormat.named(copy.format()).orElseThrow(() -> new CutoverException(ErrorCode.BACKUP_VERSION,
                "snapshot " + snapshot.shortId() + ", entity " + entity.name() + " holds rows in the format " + copy.format()
                        + ", which no connector of this Cutover reads"));
        return format.decoder(entity.entityName(), copy.columns(), entity.keyColumns());
    }

    @Override
    public Position position() { return new Position(ordinal, ""); }

    @Override
    public void close() { blobs.close(); }

    private String where() {
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
