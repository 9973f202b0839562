package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a backup does with a table whose changes its source tracks ({@link ChangeTracking},
 * docs/backup-format.md "Change layers"): reuse the earlier snapshot's entity when nothing changed,
 * add a layer of the changed rows (and, where keys were deleted, of the keys left) when few did, or
 * read the table whole. The keys are counted at the backup's moment in every case, for the next one.
 *
 * <p>A layer is added only while the layers stay small: a restore keeps their keys in memory, and
 * applies them to every base row. Past that, the table is read whole and its layers start over.
 */
final class TableChanges {
    /** A layer holds at most 1/LAYER_SHARE of the table's rows (changed plus listed): past it, reading the table whole costs little more. */
    static final int LAYER_SHARE = 5;
    /** All layers together hold at most 1/LAYERS_SHARE of the base's lines. */
    static final int LAYERS_SHARE = 2;
    /** All layers together hold at most this many keys: what a restore keeps in memory for the table. */
    static final long LAYER_KEYS = 2_000_000;
    static final int MAX_LAYERS = 32;

    /** What to do with the table; {@code now} are its keys at this backup's moment. */
    sealed interface Decision permits Unchanged, AddLayer, ReadWhole {}

    /** Nothing changed: the earlier entity, at this moment. */
    record Unchanged(EntitySnapshot entity) implements Decision {}

    /** Few rows changed: a layer on the earlier entity. */
    record AddLayer(EntitySnapshot prior, ChangeTracking.KeyBuckets now, int[] moved) implements Decision {}

    /**
     * Read the table whole; {@code track} counts its keys at the backup's moment, for the entity read
     * (at once, or, when no earlier snapshot needs comparing, beside the reads).
     */
    record ReadWhole(java.util.function.Supplier<ChangeTrack> track) implements Decision {}

    private final ChangeTracking source;
    private final String mark;

    TableChanges(ChangeTracking source, String mark) {
        this.source = source;
        this.mark = mark;
    }

    /** The decision for the table, or empty when its changes cannot be told (a key the source does not bucket). */
    Optional<Decision> decide(EntityName entity, List<String> keyColumns, CopyShape shape, Snapshot earlier) {
        EntitySnapshot prior = earlier == null ? null : earlier.entity(entity)
                .filter(e -> e.changes() != null && e.changes().method().equals(source.changeMethod()))
                .filter(e -> shape.equals(e.copyText()) && e.keyColumns().equals(keyColumns)) // a new column or key: read whole
                .filter(e -> source.tracksSince(e.changes().mark()))
                .orElse(null);
        if (prior == null) {
            // nothing to compare with: the keys are counted beside the reads
            return source.tracks(entity) ? Optional.of(new ReadWhole(() -> source.keyBuckets(entity, null, null).map(this::whole)
                    .orElseThrow(() -> new IllegalStateException(entity + " was tracked, then not")))) : Optional.empty();
        }
        Optional<ChangeTracking.KeyBuckets> counted = source.keyBuckets(entity, prior.changes().bucketing(), prior.changes().mark());
        if (counted.isEmpty()) return Optional.empty();
        ChangeTracking.KeyBuckets now = counted.get();
        ChangeTrack whole = whole(now);
        ChangeTrack then = prior.changes();
        int[] moved = then.movedBuckets(now);
        if (now.changed() == 0 && moved.length == 0) {
            return Optional.of(new Unchanged(prior.withChanges(then.at(mark, now.counts(), now.digests(), then.layers(), then.storedRecords()))));
        }
        long listed = 0;
        for (int b : moved) listed += now.counts()[b];
        long layer = now.changed() + listed;
        long baseLines = 0;
        for (int i = 0; i < then.firstLayerPart(prior.streamParts().size()); i++) baseLines += prior.streamParts().get(i).records();
        long allLayers = then.storedRecords() - baseLines + layer;
        boolean small = layer <= now.total() / LAYER_SHARE && allLayers <= baseLines / LAYERS_SHARE && allLayers <= LAYER_KEYS
                && then.layers().size() < MAX_LAYERS;
        return Optional.of(small ? new AddLayer(prior, now, moved) : new ReadWhole(() -> whole));
    }

    /** The track of the table read whole at this moment, its keys as counted. */
    private ChangeTrack whole(ChangeTracking.KeyBuckets now) {
        return new ChangeTrack(source.changeMethod(), mark, now.bucketing().shift(), now.counts(), now.digests(), List.of(), now.total());
    }

    /** Stores the layer's rows and keys, and puts the earlier entity with the layer into the snapshot. Returns the rows stored. */
    long writeLayer(SnapshotWriter writer, AddLayer layer) {
        EntitySnapshot prior = layer.prior();
        EntityName entity = prior.entityName();
        CopyShape shape = prior.copyText();
        CopyTextFormat format = CopyTextFormat.named(shape.format()).orElseThrow();
        CopyPartStream rowsOut = writer.loosePart(format.tally(shape.columns()));
        long rows = source.copyChangedSince(entity, prior.changes().mark(), rowsOut);
        PartStream.Result rowsPart = rowsOut.finish();
        CopyPartStream.requireLines("the changed rows of " + entity, rows, rowsPart.part().records());
        PartStream.Result keysPart = null;
        if (layer.moved().length > 0) {
            CopyPartStream keysOut = writer.loosePart(format.tally(SnapshotRecordReader.keyColumnsOf(prior)));
            long keys = source.copyKeysIn(entity, prior.changes().bucketing(), layer.moved(), keysOut);
            keysPart = keysOut.finish();
            CopyPartStream.requireLines("the keys of " + entity, keys, keysPart.part().records());
        }
        writer.layered(withLayer(prior, rowsPart, keysPart, layer));
        return rows;
    }

    private EntitySnapshot withLayer(EntitySnapshot prior, PartStream.Result rows, PartStream.Result keys, AddLayer layer) {
        List<EntityPart> parts = new ArrayList<>(prior.streamParts());
        List<String> chunks = new ArrayList<>(prior.chunks());
        int rowsPart = parts.size();
        parts.add(rows.part());
        chunks.addAll(rows.chunkIds());
        int keysPart = -1;
        if (keys != null) {
            keysPart = parts.size();
            parts.add(keys.part());
            chunks.addAll(keys.chunkIds());
        }
        long bytes = 0, stored = 0;
        for (EntityPart p : parts) {
            bytes += p.bytes();
            stored += p.records();
        }
        List<ChangeTrack.ChangeLayer> layers = new ArrayList<>(prior.changes().layers());
        layers.add(new ChangeTrack.ChangeLayer(rowsPart, keysPart, layer.moved()));
        ChangeTrack track = prior.changes().at(mark, layer.now().counts(), layer.now().digests(), layers, stored);
        // the kinds of every line stored, replaced ones too: a superset of the kinds the rows hold
        Map<String, Map<String, Long>> kindCounts = new LinkedHashMap<>();
        if (prior.kindCounts() != null) prior.kindCounts().forEach((field, counts) -> kindCounts.put(field, new LinkedHashMap<>(counts)));
        rows.kinds().forEach((field, counts) -> counts.forEach((kind, n) ->
                kindCounts.computeIfAbsent(field, f -> new LinkedHashMap<>()).merge(kind.name(), n, Long::sum)));
        Map<String, List<String>> fields = new LinkedHashMap<>();
        kindCounts.forEach((field, counts) -> fields.put(field, List.copyOf(counts.keySet())));
        return new EntitySnapshot(prior.name(), prior.keyColumns(), layer.now().total(), bytes, EntitySnapshot.digestOfParts(parts), fields,
                chunks, prior.unreadable(), prior.unreadableSamples(), parts, kindCounts, null, prior.copyText(), track);
    }


}
