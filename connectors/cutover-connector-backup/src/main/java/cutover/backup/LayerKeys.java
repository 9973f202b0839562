package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.connector.Position;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/** The keys of an entity's stored lines, read to apply its change layers (docs/backup-format.md, "Change layers"). */
final class LayerKeys {
    private LayerKeys() {}

    /**
     * Opens a part of the entity, with a filter of its lines or none, each with a reader of the
     * repository's blobs of its own; if the part cannot be opened, the blob reader and the filter
     * are closed.
     */
    interface Parts {
        SnapshotRecordReader open(int part, Position from, SnapshotRecordReader.LineFilter keep);

        default SnapshotRecordReader open(int part, SnapshotRecordReader.LineFilter keep) {
            return open(part, Position.START, keep);
        }

        default SnapshotRecordReader open(int part) {
            return open(part, Position.START, null);
        }
    }

    static Parts parts(Snapshot snapshot, EntitySnapshot entity, java.util.function.Supplier<BlobReader> blobs) {
        return (part, from, keep) -> {
            BlobReader reader = blobs.get();
            try {
                return new SnapshotRecordReader(snapshot, entity, part, reader, from, keep);
            } catch (RuntimeException e) {
                reader.close();
                if (keep != null) keep.close();
                throw e;
            }
        };
    }

    /** The reader of the keys of the entity's lines: of its rows, or of a layer's keys part (the key columns alone). */
    static CopyTextFormat.KeyReader reader(Snapshot snapshot, EntitySnapshot entity, boolean keysPart) {
        CopyTextFormat format = SnapshotRecordReader.formatOf(snapshot, entity);
        return format.keyReader(keysPart ? SnapshotRecordReader.keyColumnsOf(entity) : entity.copyText().columns(), entity.keyColumns())
                .orElseThrow(() -> new CutoverException(ErrorCode.BACKUP_VERSION, "snapshot " + snapshot.shortId() + ", entity " + entity.name()
                        + " has change layers over a key the format " + format.name() + " of this Cutover does not read"));
    }

    /** The key of a line of {@code part}, or {@code BACKUP_CORRUPT} naming the part and line where it does not read. */
    static String keyOf(CopyTextFormat.KeyReader keys, byte[] b, int offset, int length, SnapshotRecordReader part) {
        try {
            return keys.key(b, offset, length);
        } catch (IllegalArgumentException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, part.where() + ", line " + part.linesRead() + ": a line whose key does not read: "
                    + e.getMessage(), e);
        }
    }

    /** Every key of a part, read to its end (and proven). */
    static Set<String> all(SnapshotRecordReader part, CopyTextFormat.KeyReader keys) {
        Set<String> out = new HashSet<>();
        try (part) {
            part.eachLine((b, offset, length) -> out.add(keyOf(keys, b, offset, length, part)));
        }
        return out;
    }

    /** The buckets a layer says moved, as a set. */
    static BitSet moved(ChangeTrack.ChangeLayer layer) {
        BitSet out = new BitSet();
        for (int b : layer.movedBuckets()) out.set(b);
        return out;
    }
}
