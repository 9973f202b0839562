package cutover.backup;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Record;

import java.io.IOException;
import java.util.HexFormat;

/**
 * Reads one entity of a snapshot in the order it was backed up. Resumes by ordinal (decoding and
 * dropping the records before it, since a stream has no random access). At the end it proves the
 * whole stream: its SHA-256 and record count must be the manifest's, or it stops with
 * {@link ErrorCode#BACKUP_CORRUPT} instead of ending as if all was well.
 */
final class SnapshotRecordReader implements RecordReader {
    private final Snapshot snapshot;
    private final EntitySnapshot entity;
    private final EntityName name;
    private final BlobReader blobs;
    private final ChunkInput in;
    private long ordinal;
    private boolean ended;

    SnapshotRecordReader(Snapshot snapshot, EntitySnapshot entity, BlobReader blobs, Position from) {
        this.snapshot = snapshot;
        this.entity = entity;
        this.name = entity.entityName();
        this.blobs = blobs;
        this.in = new ChunkInput(entity.chunks().stream().map(BlobId::parse).toList(), blobs);
        guard(() -> {
            RecordStream.readHeader(in);
            return null;
        });
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
        boolean more = guard(() -> !in.atEnd());
        if (!more) {
            ended = true;
            proveEnd();
            return null;
        }
        Record record = guard(() -> RecordStream.read(name, in));
        ordinal++;
        return new Ok(record);
    }

    private void proveEnd() {
        String digest = HexFormat.of().formatHex(in.digest());
        if (ordinal != entity.records() || in.bytesRead() != entity.bytes() || !digest.equals(entity.digest())) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + " read back " + ordinal + " records, " + in.bytesRead()
                    + " bytes, SHA-256 " + digest + "; the manifest says " + entity.records() + " records, " + entity.bytes()
                    + " bytes, SHA-256 " + entity.digest());
        }
    }

    @Override
    public Position position() { return new Position(ordinal, ""); }

    @Override
    public void close() { blobs.close(); }

    private String where() {
        return "snapshot " + snapshot.shortId() + ", entity " + entity.name();
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    /** Adds the snapshot, entity and chunk to any failure, so a broken byte is named where it is. */
    private <T> T guard(Step<T> step) {
        try {
            return step.run();
        } catch (CutoverException e) {
            if (e.code() != ErrorCode.BACKUP_CORRUPT && e.code() != ErrorCode.BACKUP_IO) throw e;
            throw new CutoverException(e.code(), where() + ", chunk " + (in.chunkNumber() + 1) + " of " + entity.chunks().size()
                    + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            BlobId chunk = in.currentChunk();
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where() + ", record " + (ordinal + 1) + (chunk == null ? "" : " (chunk " + chunk.hex() + ")")
                    + " does not decode: " + e.getMessage(), e);
        }
    }

}
