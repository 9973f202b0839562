package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A layered entity written again as a base with no layers, from the repository alone
 * (docs/backup-format.md, "Compaction"): each base part merged with the layers' rows in key order
 * ({@link CompactingMerge}) into a new part, cut into chunks and stored as a backup's part is. The
 * new entity holds the same rows and keeps the track's moment, counts and digests, so the next
 * backup adds its layer to it as it would have to the layered one, where a 33rd layer (or layers
 * over half the base) would have made it read the table whole.
 *
 * <p>Every part read is proven at its end as a restore proves it, and the rows written must be the
 * entity's count of rows: the merge is refused, and nothing of it listed, where they are not.
 */
final class LayerCompaction {
    private static final int BUFFER = 256 * 1024;

    private LayerCompaction() {}

    /** Whether the entity has layers to compact, in a format that tells its keys' order (a collation's order only its database knows). */
    static boolean possible(Snapshot snapshot, EntitySnapshot entity) {
        if (!entity.layered()) return false;
        try {
            return LayerKeys.reader(snapshot, entity, false).order() != null;
        } catch (CutoverException e) {
            return false; // a format or key this Cutover does not read: left as it is
        }
    }

    /**
     * The entity as one base, its parts written through {@code newPart} (a part stream for a tally of
     * the given columns' value kinds).
     */
    static EntitySnapshot compact(Snapshot snapshot, EntitySnapshot entity, LayerKeys.Parts parts,
                                  Function<CopyTextFormat.KindTally, CopyPartStream> newPart) {
        CopyTextFormat format = SnapshotRecordReader.formatOf(snapshot, entity);
        CopyTextFormat.KeyReader rowKeys = LayerKeys.reader(snapshot, entity, false);
        if (rowKeys.order() == null) throw new IllegalArgumentException(entity.name() + ": its keys' order is its database's");
        ChangeTrack track = entity.changes();
        int baseParts = track.firstLayerPart(entity.streamParts().size());
        List<CompactingMerge.Layer> layers = new ArrayList<>();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            int number = 0;
            for (ChangeTrack.ChangeLayer l : track.layers()) {
                number++;
                LineCursor rows = new LineCursor(LineCursor.of(opened(parts.open(l.rowsPart()), opened)), rowKeys, rowKeys.order(), number);
                opened.add(rows);
                KeyCursor listed = null;
                if (l.keysPart() >= 0) {
                    SnapshotRecordReader keysPart = opened(parts.open(l.keysPart()), opened);
                    listed = new KeyCursor(KeyCursor.of(keysPart, LayerKeys.reader(snapshot, entity, true)), rowKeys.order());
                }
                layers.add(new CompactingMerge.Layer(rows, LayerKeys.moved(l), listed));
            }
            List<CopyPartStream> streams = new ArrayList<>();
            List<BufferedOutputStream> outs = new ArrayList<>();
            for (int i = 0; i < baseParts; i++) {
                CopyPartStream stream = newPart.apply(format.tally(entity.copyText().columns()));
                streams.add(stream);
                outs.add(new BufferedOutputStream(stream, BUFFER));
            }
            CompactingMerge merge = new CompactingMerge(layers, rowKeys.order(), rowKeys, track.bucketing(), outs);
            for (int i = 0; i < baseParts; i++) {
                try (SnapshotRecordReader base = parts.open(i)) {
                    merge.basePart(i, base.where());
                    base.eachLine((b, offset, length) -> merge.baseLine(b, offset, length, base.linesRead()));
                }
            }
            merge.finish();
            if (merge.written() != entity.records()) {
                throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + snapshot.shortId() + ", entity " + entity.name() + ": its base and "
                        + track.layers().size() + " change layers merge into " + merge.written() + " rows, where the manifest says it holds "
                        + entity.records() + "; not compacted");
            }
            List<PartStream.Result> written = new ArrayList<>();
            for (int i = 0; i < baseParts; i++) {
                flush(outs.get(i));
                written.add(streams.get(i).finish());
            }
            return entityOf(entity, written);
        } finally {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception e) {
                    // a reader's file closed: nothing to lose
                }
            }
        }
    }

    private static SnapshotRecordReader opened(SnapshotRecordReader part, List<AutoCloseable> opened) {
        opened.add(part);
        return part;
    }

    private static void flush(BufferedOutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a part stream writes to the store, which throws no IOException
        }
    }

    /** The entity with the merged parts as its base and no layers; its track at the same moment. */
    private static EntitySnapshot entityOf(EntitySnapshot entity, List<PartStream.Result> written) {
        EntityParts.Assembled a = EntityParts.assemble(written);
        ChangeTrack then = entity.changes();
        ChangeTrack track = then.at(then.mark(), then.counts(), then.digests(), List.of(), a.records());
        return new EntitySnapshot(entity.name(), entity.keyColumns(), a.records(), a.bytes(), EntitySnapshot.digestOfParts(a.parts()), a.fields(),
                a.chunks(), entity.unreadable(), entity.unreadableSamples(), a.parts(), a.kindCounts(), entity.sourceDigest(), entity.copyText(), track, entity.definition());
    }
}
