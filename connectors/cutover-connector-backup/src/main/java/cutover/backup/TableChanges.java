package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.error.Waiting;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

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

    /**
     * Few rows changed: a layer on the earlier entity; {@code early}, when not null, the changed rows
     * as copied beside the counting pass (empty when that copy did not finish: they are copied again).
     */
    record AddLayer(EntitySnapshot prior, ChangeTracking.KeyBuckets now, int[] moved, Future<Optional<Spooled>> early) implements Decision {}

    /** The changed rows the source copied into a spool: {@code rows} as it counted them. */
    record Spooled(long rows, ChangedRowsSpool bytes) {}

    /**
     * Read the table whole; {@code track} counts its keys at the backup's moment, for the entity read
     * (at once, or, when no earlier snapshot needs comparing, beside the reads); or, when
     * {@code fromLines} is given, its readers count them in the lines they read, and {@link #trackOfLines}
     * makes the track of those counts once they are done. {@code why}: why the changes were not
     * stored as a layer on the earlier entity, or null when there was none to compare with.
     */
    record ReadWhole(java.util.function.Supplier<ChangeTrack> track, ChangeTracking.KeyCounting fromLines, String why) implements Decision {}

    private final ChangeTracking source;
    private final String mark;
    private final ExecutorService beside; // copies changed rows during the counting pass; null: after it
    private final long spoolBytes;
    /** The tables whose changes the source told from its log, not by a scan. */
    private final java.util.Set<EntityName> toldByLog = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Changes of {@code source} since earlier snapshots, at the moment {@code mark}; with {@code beside}
     * (threads the backup does not use while it decides), each table's changed rows are copied while
     * its keys are counted, into memory up to {@code spoolBytes} a table.
     */
    TableChanges(ChangeTracking source, String mark, ExecutorService beside, long spoolBytes) {
        this.source = source;
        this.mark = mark;
        this.beside = beside;
        this.spoolBytes = spoolBytes;
    }

    /** The tables' keys counted ahead of their decisions ({@link #countAhead}), by table. */
    private final Map<EntityName, ChangeTracking.KeyBuckets> countedAhead = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Counts, before the decisions, the keys of the tables an earlier snapshot can be compared with,
     * where the source counts many at once ({@link ChangeTracking#keyBucketsOfMany}: small tables, a
     * statement for many), on {@code threads} (as many parts as {@code parallel}); {@code tables}:
     * each table's key columns and shape.
     */
    void countAhead(Map<EntityName, Map.Entry<List<String>, CopyShape>> tables, Snapshot earlier, ExecutorService threads, int parallel) {
        if (earlier == null) return;
        List<ChangeTracking.BucketsAsked> asked = new ArrayList<>();
        tables.forEach((entity, keysAndShape) -> {
            EntitySnapshot prior = comparable(earlier.entity(entity).orElse(null), entity, keysAndShape.getKey(), keysAndShape.getValue());
            if (prior != null) asked.add(new ChangeTracking.BucketsAsked(entity, prior.changes().bucketing(), prior.changes().mark()));
        });
        if (asked.isEmpty()) return;
        // as many parts as threads, each counted by the source in as few statements as it can
        int parts = Math.max(1, Math.min(asked.size() / 64 + 1, parallel));
        List<Future<Map<EntityName, ChangeTracking.KeyBuckets>>> running = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            List<ChangeTracking.BucketsAsked> part = new ArrayList<>();
            for (int i = p; i < asked.size(); i += parts) part.add(asked.get(i));
            running.add(threads.submit(() -> source.keyBucketsOfMany(part)));
        }
        for (Future<Map<EntityName, ChangeTracking.KeyBuckets>> f : running) countedAhead.putAll(Waiting.on(f, "counting the keys of small tables"));
    }

    /** The decision for the table, or empty when its changes cannot be told (a key the source does not bucket). */
    Optional<Decision> decide(EntityName entity, List<String> keyColumns, CopyShape shape, Snapshot earlier) {
        EntitySnapshot prior = earlier == null ? null : comparable(earlier.entity(entity).orElse(null), entity, keyColumns, shape);
        if (prior == null) {
            // nothing to compare with: the keys are counted beside the reads
            // counted from the rows as they are read where the source can, else in a scan of its own
            Optional<ChangeTracking.KeyCounting> fromLines = source.keyCounting(entity); // a table it counts is one it tracks
            if (fromLines.isEmpty() && !source.tracks(entity)) return Optional.empty();
            return Optional.of(new ReadWhole(() -> counted(entity), fromLines.orElse(null), null));
        }
        // counted ahead, the table is decided at once: a copy of its changed rows begun beside would only be abandoned
        ChangedRowsSpool spool = beside == null || countedAhead.containsKey(entity) ? null : new ChangedRowsSpool(spoolBytes);
        Future<Optional<Spooled>> early = spool == null ? null : beside.submit(new SpoolChangedRows(entity, prior.changes().mark(), spool));
        Optional<Decision> decision = Optional.empty();
        try {
            decision = decide(entity, prior, earlier, early);
            return decision;
        } finally {
            if (spool != null && !(decision.orElse(null) instanceof AddLayer)) spool.abandon(); // its scan stops at its next row
        }
    }

    // The steps only an incremental backup takes are written without lambdas: each lambda's class is
    // made the first time its line runs, a few milliseconds of the first incremental of a process
    // that stays up (twenty were made in it, fourteenth session), which its full backup never reached.

    /** The earlier snapshot's entity if this backup can tell the table's changes since it, else null. */
    private EntitySnapshot comparable(EntitySnapshot e, EntityName entity, List<String> keyColumns, CopyShape shape) {
        if (e == null || e.changes() == null || !e.changes().method().equals(source.changeMethod())) return null;
        if (!shape.equals(e.copyText()) || !e.keyColumns().equals(keyColumns)) return null; // a new column or key: read whole
        if (!source.tracksSince(e.changes().mark())) return null;
        // another table under the same name (dropped and made again, or renamed into it) has changes of its own
        return java.util.Objects.equals(e.changes().table(), source.tableIdentity(entity).orElse(null)) ? e : null;
    }

    /** The changed rows copied into a spool beside the counting pass ({@link #spoolChangedRows}). */
    private final class SpoolChangedRows implements java.util.concurrent.Callable<Optional<Spooled>> {
        private final EntityName entity;
        private final String since;
        private final ChangedRowsSpool spool;

        SpoolChangedRows(EntityName entity, String since, ChangedRowsSpool spool) {
            this.entity = entity;
            this.since = since;
            this.spool = spool;
        }

        @Override
        public Optional<Spooled> call() { return spoolChangedRows(entity, since, spool); }
    }

    private Optional<Decision> decide(EntityName entity, EntitySnapshot prior, Snapshot earlier, Future<Optional<Spooled>> early) {
        ChangeTrack then = prior.changes();
        // told from the earlier counts and the source's log of changes where it keeps one; else counted in a scan
        ChangeTracking.KeyBuckets stored = new ChangeTracking.KeyBuckets(then.bucketing(), then.counts(), then.digests(), new long[then.buckets()], zeros(then.buckets()));
        Optional<ChangeTracking.KeyBuckets> fromLog = source.keyBucketsAfter(entity, stored, then.mark());
        if (fromLog.isPresent()) toldByLog.add(entity);
        ChangeTracking.KeyBuckets ahead = fromLog.isPresent() ? null : countedAhead.remove(entity);
        Optional<ChangeTracking.KeyBuckets> counted = fromLog.isPresent() ? fromLog
                : ahead != null ? Optional.of(ahead) : source.keyBuckets(entity, then.bucketing(), then.mark());
        if (counted.isEmpty()) return Optional.empty();
        ChangeTracking.KeyBuckets now = counted.get();
        int[] moved = then.movedBuckets(now);
        if (now.changed() == 0 && moved.length == 0) {
            return Optional.of(new Unchanged(prior.withChanges(then.at(mark, now.counts(), now.digests(), then.layers(), then.storedRecords()))));
        }
        long listed = 0;
        for (int b : moved) listed += now.counts()[b];
        long layer = now.changed() + listed;
        long baseLines = baseLines(prior);
        long allLayers = then.storedRecords() - baseLines + layer;
        boolean oneLargeChange = layer > now.total() / LAYER_SHARE;
        String tooLarge = then.layers().size() >= MAX_LAYERS ? "it has " + MAX_LAYERS + " change layers, the most a table keeps"
                : oneLargeChange ? "a layer of its changes would hold more than a fifth of its rows"
                : allLayers > baseLines / LAYERS_SHARE ? "its change layers would hold more than half the rows of its base"
                : allLayers > LAYER_KEYS ? "its change layers would hold more than " + String.format(java.util.Locale.ROOT, "%,d", LAYER_KEYS) + " keys"
                : null;
        // too many layers, unlike one large change, are what a compaction of the earlier snapshot spares the next backup
        if (tooLarge != null && !oneLargeChange && LayerCompaction.possible(earlier, prior)) tooLarge += " (`backup compact` merges them beforehand)";
        return Optional.of(tooLarge == null ? new AddLayer(prior, now, moved, early) : new ReadWhole(() -> whole(entity, now), null, tooLarge));
    }

    /**
     * Whether the next backup would read the entity whole if its layer were as large as the last
     * one: its layers at the most a table keeps, or one more such layer past half its base's lines
     * or past {@link #LAYER_KEYS}. Compacting it first ({@link LayerCompaction}) lets that backup add
     * its layer to a new base instead; compacting sooner would rewrite the base more often for nothing.
     */
    static boolean dueForCompaction(EntitySnapshot entity) {
        if (!entity.layered()) return false;
        ChangeTrack track = entity.changes();
        List<EntityPart> parts = entity.streamParts();
        if (track.layers().size() >= MAX_LAYERS) return true;
        long baseLines = baseLines(entity);
        long allLayers = track.storedRecords() - baseLines;
        long lastLayer = 0;
        for (int i = track.layers().get(track.layers().size() - 1).rowsPart(); i < parts.size(); i++) lastLayer += parts.get(i).records();
        return allLayers + lastLayer > baseLines / LAYERS_SHARE || allLayers + lastLayer > LAYER_KEYS;
    }

    /** The lines of the entity's base parts, those before its first layer's. */
    private static long baseLines(EntitySnapshot entity) {
        long lines = 0;
        List<EntityPart> parts = entity.streamParts();
        for (int i = 0; i < entity.changes().firstLayerPart(parts.size()); i++) lines += parts.get(i).records();
        return lines;
    }

    /** The tables whose changes since the earlier snapshot the source told from its log of changes, without scanning them. */
    java.util.Set<EntityName> toldByLog() { return java.util.Set.copyOf(toldByLog); }

    private static String[] zeros(int n) {
        String[] out = new String[n];
        java.util.Arrays.fill(out, "0");
        return out;
    }

    /**
     * The changed rows copied into {@code spool}; empty when the copy stopped (the spool was full or
     * abandoned) or failed: the layer then copies them again, and a failure that lasts is reported there.
     */
    private Optional<Spooled> spoolChangedRows(EntityName entity, String since, ChangedRowsSpool spool) {
        try {
            return Optional.of(new Spooled(source.copyChangedSince(entity, since, spool), spool));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The track of a table read whole, its keys counted by the source in a scan of their own. */
    ChangeTrack counted(EntityName entity) {
        return source.keyBuckets(entity, null, null).map(now -> whole(entity, now))
                .orElseThrow(() -> new IllegalStateException(entity + " was tracked, then not"));
    }

    /**
     * The track of a table read whole whose readers counted the keys of its lines: those counts,
     * if they are of every row read ({@code rowsRead}); else (a reader that read it otherwise than as
     * lines) counted again by the source, so that a track is never of fewer keys than were stored.
     */
    ChangeTrack trackOfLines(EntityName entity, ReadWhole read, long rowsRead) {
        ChangeTracking.KeyBuckets counted = read.fromLines().result();
        return counted.total() == rowsRead ? whole(entity, counted) : counted(entity);
    }

    /** The track of the table read whole at this moment, its keys as counted. */
    private ChangeTrack whole(EntityName entity, ChangeTracking.KeyBuckets now) {
        return new ChangeTrack(source.changeMethod(), mark, now.bucketing().shift(), now.counts(), now.digests(), List.of(), now.total(),
                source.tableIdentity(entity).orElse(null));
    }

    /**
     * Stores the layer's rows and keys, and puts the earlier entity with the layer into the snapshot.
     * Returns the rows stored. Where the source counts the layer's keys, they are proven against the
     * buckets it counted at this moment ({@link LayerCheck}) before the layer is put in: a layer that
     * fails is {@link LayerDisproved}, and its parts are left unreferenced.
     */
    long writeLayer(SnapshotWriter writer, AddLayer layer) {
        EntitySnapshot prior = layer.prior();
        EntityName entity = prior.entityName();
        CopyShape shape = prior.copyText();
        CopyTextFormat format = CopyTextFormat.named(shape.format()).orElseThrow();
        ChangeTracking.Bucketing bucketing = prior.changes().bucketing();
        Optional<ChangeTracking.KeyCounting> rowKeys = source.layerKeyCounting(entity, bucketing, false);
        CopyPartStream rowsOut = writer.loosePart(counting(format.tally(shape.columns()), rowKeys));
        Optional<Spooled> spooled = layer.early() == null ? Optional.empty() : Waiting.on(layer.early(), "copying the changed rows of " + entity);
        long rows;
        if (spooled.isPresent()) {
            rows = spooled.get().rows();
            try {
                spooled.get().bytes().moveTo(rowsOut);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // the part's stream writes to the store, which throws no IOException
            }
        } else {
            FixedBlocks blocks = new FixedBlocks(rowsOut); // as the spool and a full backup give their rows
            rows = source.copyChangedSince(entity, prior.changes().mark(), blocks);
            blocks.finish();
        }
        PartStream.Result rowsPart = rowsOut.finish();
        CopyPartStream.requireLines("the changed rows of " + entity, rows, rowsPart.part().records());
        if (rowKeys.isPresent()) disprovedIf("rows are not the changes", LayerCheck.rows(rowKeys.get().result(), layer.now()));
        PartStream.Result keysPart = null;
        if (layer.moved().length > 0) {
            Optional<ChangeTracking.KeyCounting> listedKeys = source.layerKeyCounting(entity, bucketing, true);
            CopyPartStream keysOut = writer.loosePart(counting(format.tally(SnapshotRecordReader.keyColumnsOf(prior)), listedKeys));
            long keys = source.copyKeysIn(entity, bucketing, layer.moved(), keysOut);
            keysPart = keysOut.finish();
            CopyPartStream.requireLines("the keys of " + entity, keys, keysPart.part().records());
            if (listedKeys.isPresent()) disprovedIf("keys are not the keys", LayerCheck.keys(listedKeys.get().result(), layer.now(), layer.moved()));
        }
        writer.layered(withLayer(prior, rowsPart, keysPart, layer));
        return rows;
    }

    /** The tally, giving each line to the key counter too where there is one. */
    private static CopyTextFormat.KindTally counting(CopyTextFormat.KindTally kinds, Optional<ChangeTracking.KeyCounting> keys) {
        return keys.isPresent() ? new KeyCountingTally(kinds, keys.get().counter()) : kinds;
    }

    private static void disprovedIf(String what, Optional<String> why) {
        if (why.isPresent()) throw new LayerDisproved("its change layer's " + what + " the source counted: " + why.get());
    }

    /** A change layer whose rows or keys are not what its source counted ({@link LayerCheck}): not stored; the message says why, of the table. */
    static final class LayerDisproved extends RuntimeException {
        LayerDisproved(String message) {
            super(message);
        }
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
        if (prior.kindCounts() != null) {
            for (Map.Entry<String, Map<String, Long>> field : prior.kindCounts().entrySet()) kindCounts.put(field.getKey(), new LinkedHashMap<>(field.getValue()));
        }
        for (Map.Entry<String, java.util.EnumMap<cutover.model.Value.Kind, Long>> field : rows.kinds().entrySet()) {
            Map<String, Long> counts = kindCounts.get(field.getKey());
            if (counts == null) kindCounts.put(field.getKey(), counts = new LinkedHashMap<>());
            for (Map.Entry<cutover.model.Value.Kind, Long> kind : field.getValue().entrySet()) {
                Long before = counts.get(kind.getKey().name());
                counts.put(kind.getKey().name(), before == null ? kind.getValue() : before + kind.getValue());
            }
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Long>> field : kindCounts.entrySet()) fields.put(field.getKey(), List.copyOf(field.getValue().keySet()));
        return new EntitySnapshot(prior.name(), prior.keyColumns(), layer.now().total(), bytes, EntitySnapshot.digestOfParts(parts), fields,
                chunks, prior.unreadable(), prior.unreadableSamples(), parts, kindCounts, null, prior.copyText(), track);
    }


}
