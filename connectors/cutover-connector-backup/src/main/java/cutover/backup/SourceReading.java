package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.connector.CopyTextSource;
import cutover.connector.EntityInfo;
import cutover.connector.PointInTime;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.Waiting;
import cutover.model.EntityName;
import cutover.verify.Digests;
import cutover.verify.KeyRange;
import cutover.verify.RangeDigest;
import cutover.verify.TableShape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;

/**
 * Reads every split of a source into a snapshot writer, {@code threads} splits at a time, each into
 * its own {@link SplitWriter} taken in split order: so an entity's parts are in split order (key
 * order for a database cut into key ranges) however the threads finish, and the chunks stay put
 * from one backup to the next as long as the split bounds do.
 *
 * <p>Where the source can hold still ({@link Source#holdAtThisMoment()}: a database's exported
 * snapshot), everything is read at one moment: every split, and every digest, sees the database as
 * it was when the backup began, so the snapshot is one consistent image across tables, whatever the
 * application writes meanwhile.
 *
 * <p>Where the source also tells which rows changed since an earlier moment ({@link ChangeTracking}),
 * a table with few changes since the latest snapshot of the same source is not read: only its
 * changed rows (and, where rows were deleted, its keys in the buckets that lost some) are stored, as
 * a layer on that snapshot's entity ({@link TableChanges}); one without changes is reused as it is.
 *
 * <p>Where the source database computes digests ({@link Digests}) and an earlier snapshot of the
 * same source holds a table with the same digest, that table is not read: its entity is reused
 * ({@link SourceDigest}). Read at one moment, a table's digest describes exactly the rows read and
 * is stored with its entity. A source that cannot hold still gets its digest before and after the
 * read, stored only when the two agree (nothing was written meanwhile), so a reused entity always
 * holds exactly the rows its digest describes.
 */
final class SourceReading {
    /** Changed rows copied beside the counting passes are held in memory up to this many bytes, all tables together. */
    static final long SPOOLED_BYTES = 32L << 20;

    private final Source source;
    private final int threads;
    private final ObjLongConsumer<EntityName> progress;
    private final Digests digests;         // null: every table is read
    private final Snapshot earlier;        // the latest snapshot of the same source, or null
    private final Map<EntityName, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Set<EntityName> unchanged = new LinkedHashSet<>(); // looked up for every record read
    private final Set<EntityName> layered = new LinkedHashSet<>();   // stored as a layer of their changes
    private final Map<EntityName, String> readWhole = new LinkedHashMap<>(); // tracked, yet read whole: why
    private final Set<EntityName> toldByLog = new LinkedHashSet<>(); // their changes told by the source's log, not a scan
    private final Map<EntityName, CopyShape> copied = new ConcurrentHashMap<>(); // entities read as bulk text
    /** Entities read whole whose keys their readers count in the lines they read, for the next backup. */
    private final Map<EntityName, TableChanges.ReadWhole> keysCountedAsRead = new ConcurrentHashMap<>();
    /** Where each record the source cannot decode goes (the snapshot counts them; it cannot keep them). */
    private final java.util.function.Consumer<RecordReader.Unreadable> unreadable;
    /** The entities the snapshot takes (all, but for a migration's rollback point of its source: the plan's). */
    private java.util.function.Predicate<EntityName> taken = e -> true;
    private final Set<EntityName> leftOut = new java.util.HashSet<>(); // those the source named that are not taken: not split

    SourceReading(Source source, int threads, ObjLongConsumer<EntityName> progress) {
        this(source, threads, progress, null, null, u -> {});
    }

    SourceReading(Source source, int threads, ObjLongConsumer<EntityName> progress, Digests digests, Snapshot earlier,
                  java.util.function.Consumer<RecordReader.Unreadable> unreadable) {
        this.source = source;
        this.threads = threads;
        this.progress = progress;
        this.digests = digests;
        this.earlier = earlier;
        this.unreadable = unreadable;
    }

    /** Takes only the entities {@code which} accepts: the others are not declared, split or read. */
    SourceReading only(java.util.function.Predicate<EntityName> which) {
        this.taken = which;
        return this;
    }

    /** Tells the source that the snapshot of the last {@link #into} is stored, when it tracks changes. */
    private Runnable stored = () -> {};

    /** Called once the snapshot {@link #into} wrote is committed: the source may let go of the changes before its moment. */
    void committed() {
        stored.run();
    }

    /** The tables reused from the earlier snapshot, unread, by the last {@link #into}. */
    List<EntityName> unchanged() { return List.copyOf(unchanged); }

    /** The tables of which the last {@link #into} stored only the rows changed since the earlier snapshot, as a layer on it. */
    List<EntityName> layered() { return List.copyOf(layered); }

    /** The tables whose changes since the earlier snapshot were tracked but read whole all the same, each with why (too many to layer). */
    Map<EntityName, String> readWhole() { return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(readWhole)); }

    /** The tables whose changes since the earlier snapshot the last {@link #into} learned from the source's log of changes, without scanning them. */
    List<EntityName> toldByLog() { return List.copyOf(toldByLog); }

    /**
     * Declares the source's entities, reads every split (at one moment where the source can), finishes
     * their writers, timing the moment, the decisions and the reading into {@code phases}; the caller commits.
     */
    void into(SnapshotWriter writer, int splitHint, RunPhases phases) {
        try (PointInTime moment = source.holdAtThisMoment().orElse(null)) {
            phases.end("moment");
            readAll(writer, splitHint, moment != null, phases);
        }
        phases.end("reading");
    }

    private void readAll(SnapshotWriter writer, int splitHint, boolean atOneMoment, RunPhases phases) {
        // quick estimates: a database's tables with their keys; an export is not scanned twice for them
        List<EntityInfo> named = source.quickEstimates().orElse(List.of());
        named.stream().map(EntityInfo::name).filter(e -> !taken.test(e)).forEach(leftOut::add);
        List<EntityInfo> estimates = named.stream().filter(e -> taken.test(e.name())).toList();
        for (EntityInfo e : estimates) if (e.nullableColumns() != null) writer.nullableColumns(e.name(), e.nullableColumns());
        Map<EntityName, CopyShape> shapes = new LinkedHashMap<>();
        for (EntityInfo e : estimates) shapes.put(e.name(), copyShapeOf(e.name()));
        // the tables' definitions, read beside the decisions and the rows (a cold process spends ~70 ms on them)
        java.util.concurrent.CompletableFuture<Map<EntityName, cutover.model.NativeDefinition>> definitions = source instanceof CopyTextSource copying
                ? java.util.concurrent.CompletableFuture.supplyAsync(() -> copying.definitions(shapes.keySet()), SourceReading::onItsOwnThread)
                : java.util.concurrent.CompletableFuture.completedFuture(Map.of());
        java.util.concurrent.CompletableFuture<java.util.Optional<cutover.model.NativeDefinition>> schemaObjects = source instanceof CopyTextSource copying
                // after the tables' definitions, on their thread; without the objects of tables not taken (a restore could not make them)
                ? definitions.thenApply(d -> copying.schemaObjects(List.copyOf(leftOut)))
                : java.util.concurrent.CompletableFuture.completedFuture(java.util.Optional.empty());
        // a source held at one moment that tracks changes says which rows changed since an earlier snapshot's moment
        ChangeTracking tracking = atOneMoment && source instanceof ChangeTracking t ? t : null;
        String mark = tracking == null ? null : tracking.markOfThisMoment().orElse(null);
        if (mark != null) stored = () -> tracking.storedUpTo(mark);
        int bulkTables = (int) shapes.values().stream().filter(java.util.Objects::nonNull).count();
        // threads the decisions leave idle copy each table's changed rows while its keys are counted
        ExecutorService beside = mark != null && bulkTables > 0 && bulkTables < threads ? daemonPool(bulkTables, "cutover-backup-changed-rows") : null;
        TableChanges changes = mark == null ? null : new TableChanges(tracking, mark, beside, SPOOLED_BYTES / Math.max(1, bulkTables));
        try {
            readAll(writer, splitHint, atOneMoment, estimates, shapes, changes, phases);
            await(definitions).forEach(writer::definition);
            await(schemaObjects).ifPresent(writer::schemaObjects);
            if (changes != null) {
                Set<EntityName> told = changes.toldByLog();
                estimates.forEach(e -> { if (told.contains(e.name())) toldByLog.add(e.name()); }); // in the source's order
            }
        } finally {
            if (beside != null) beside.shutdownNow();
        }
    }

    private void readAll(SnapshotWriter writer, int splitHint, boolean atOneMoment, List<EntityInfo> estimates,
                         Map<EntityName, CopyShape> shapes, TableChanges changes, RunPhases phases) {
        List<TableChanges.AddLayer> layers = new ArrayList<>();
        Map<EntityName, java.util.function.Supplier<ChangeTrack>> tracks = new LinkedHashMap<>();
        Map<EntityName, SourceDigest> before = new LinkedHashMap<>();
        ExecutorService deciding = daemonPool(threads, "cutover-backup-changes");
        try {
            decideAndDeclare(writer, estimates, shapes, decideAll(deciding, changes, estimates, shapes), layers, tracks, before);
        } finally {
            deciding.shutdownNow(); // after a failure, the decisions still running are not waited for
        }
        phases.end("deciding");
        Set<EntityName> notRead = new java.util.HashSet<>(unchanged);
        notRead.addAll(leftOut);
        notRead.addAll(layered);
        List<Split> splits = source.splitsExcept(splitHint, notRead);
        List<SplitWriter> writers = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) writers.add(writer.split());
        ExecutorService pool = daemonPool(Math.min(threads, splits.size() + layers.size() + tracks.size()), "cutover-backup-read");
        try {
            List<Future<?>> running = new ArrayList<>();
            tracks.forEach((entity, track) -> running.add(pool.submit(() -> writer.changes(entity, track.get()))));
            for (TableChanges.AddLayer layer : layers) running.add(pool.submit(new LayerWriting(changes, writer, layer, splitHint, shapes.keySet())));
            for (int i = 0; i < splits.size(); i++) {
                Split split = splits.get(i);
                SplitWriter w = writers.get(i);
                running.add(pool.submit(() -> read(split, w)));
            }
            for (Future<?> f : running) await(f);
        } finally {
            pool.shutdownNow();
        }
        keysCountedAsRead.forEach((entity, whole) -> {
            AtomicLong read = counts.get(entity);
            writer.changes(entity, changes.trackOfLines(entity, whole, read == null ? 0 : read.get()));
        });
        counts.forEach((entity, n) -> progress.accept(entity, n.get()));
        before.forEach((entity, d) -> {
            // read at one moment, the digest is of the rows read; else it must not have moved while they were read
            if (atOneMoment || digestOf(entity).equals(Optional.of(d))) writer.sourceDigest(entity, d);
        });
    }

    /**
     * Declares each table to the writer as the decisions say (reused, a layer to write, read whole),
     * in the source's order; a table whose changes are not tracked by its digest, as before.
     */
    private void decideAndDeclare(SnapshotWriter writer, List<EntityInfo> estimates, Map<EntityName, CopyShape> shapes,
                                  Map<EntityName, Future<Optional<TableChanges.Decision>>> decisions, List<TableChanges.AddLayer> layers,
                                  Map<EntityName, java.util.function.Supplier<ChangeTrack>> tracks, Map<EntityName, SourceDigest> before) {
        for (EntityInfo e : estimates) {
            CopyShape shape = shapes.get(e.name());
            Optional<TableChanges.Decision> decision = decisions.containsKey(e.name()) ? await(decisions.get(e.name())) : Optional.empty();
            if (decision.isPresent()) {
                if (decision.get() instanceof TableChanges.Unchanged same) {
                    writer.reuse(same.entity());
                    unchanged.add(e.name());
                } else if (decision.get() instanceof TableChanges.AddLayer layer) {
                    layers.add(layer);
                    layered.add(e.name());
                } else if (decision.get() instanceof TableChanges.ReadWhole whole) {
                    if (whole.why() != null) readWhole.put(e.name(), whole.why());
                    declareReadWhole(writer, e.name(), e.keyColumns(), shape);
                    // its keys, for the next backup (no digest of the rows is needed): counted as it is read, or beside
                    if (whole.fromLines() != null) keysCountedAsRead.put(e.name(), whole);
                    else tracks.put(e.name(), whole.track());
                }
                continue;
            }
            Optional<SourceDigest> now = digestOf(e.name());
            Optional<EntitySnapshot> same = now.flatMap(d -> earlierEntity(e.name(), d))
                    .filter(earlierOne -> earlierOne.keyColumns().equals(e.keyColumns())) // a new primary key: restore needs it
                    .filter(earlierOne -> java.util.Objects.equals(earlierOne.copyText(), shape)); // now stored as the database's rows, or no longer
            if (same.isPresent()) {
                writer.reuse(same.get());
                unchanged.add(e.name());
                continue;
            }
            now.ifPresent(d -> before.put(e.name(), d));
            writer.declare(e.name(), e.keyColumns());
            if (shape != null) {
                writer.copyText(e.name(), shape);
                copied.put(e.name(), shape);
            }
        }
    }

    /** A tracked table read whole into a new base: its rows as bulk text, in coarse chunks (its changes will be layers). */
    private void declareReadWhole(SnapshotWriter writer, EntityName entity, List<String> keyColumns, CopyShape shape) {
        writer.declare(entity, keyColumns);
        writer.copyText(entity, shape);
        writer.coarse(entity);
        copied.put(entity, shape);
    }

    /**
     * What to do with each table whose changes the source tracks, decided a few tables at a time
     * (each decision may be a pass over its table in the database); empty when none is tracked.
     */
    private Map<EntityName, Future<Optional<TableChanges.Decision>>> decideAll(ExecutorService deciding, TableChanges changes,
                                                                            List<EntityInfo> estimates, Map<EntityName, CopyShape> shapes) {
        Map<EntityName, Future<Optional<TableChanges.Decision>>> out = new LinkedHashMap<>();
        if (changes == null) return out;
        Map<EntityName, Map.Entry<List<String>, CopyShape>> tables = new LinkedHashMap<>();
        for (EntityInfo e : estimates) if (shapes.get(e.name()) != null) tables.put(e.name(), Map.entry(e.keyColumns(), shapes.get(e.name())));
        changes.countAhead(tables, earlier, deciding, threads); // before the decisions, which take the threads and wait on what they count
        for (EntityInfo e : estimates) {
            CopyShape shape = shapes.get(e.name());
            if (shape != null) out.put(e.name(), deciding.submit(() -> changes.decide(e.name(), e.keyColumns(), shape, earlier)));
        }
        return out;
    }

    /** The entity's layout in the source's bulk text, when the source gives one in a format this Cutover reads; else null. */
    private CopyShape copyShapeOf(EntityName entity) {
        if (!(source instanceof CopyTextSource copying)) return null;
        return copying.copyShape(entity).filter(shape -> CopyTextFormat.named(shape.format()).isPresent()).orElse(null);
    }

    /** The table's digest in the source database over all its columns, if it computes one (a table with a primary key). */
    private Optional<SourceDigest> digestOf(EntityName entity) {
        if (digests == null) return Optional.empty();
        Optional<TableShape> shape = digests.table(entity.value());
        if (shape.isEmpty() || shape.get().keyColumns().isEmpty()) return Optional.empty();
        List<String> columns = shape.get().columnNames();
        RangeDigest d = digests.digests(entity.value(), columns, KeyRange.ALL, List.of()).get(0);
        return Optional.of(new SourceDigest(digests.dialect(), columns, d.count(), d.sum()));
    }

    private Optional<EntitySnapshot> earlierEntity(EntityName entity, SourceDigest digest) {
        if (earlier == null) return Optional.empty();
        return earlier.entities().stream().filter(e -> e.entityName().equals(entity) && digest.equals(e.sourceDigest())).findFirst();
    }

    private void read(Split split, SplitWriter writer) {
        if (split.entities().size() == 1 && copied.containsKey(split.entities().iterator().next())) {
            copy(split, split.entities().iterator().next(), writer);
            return;
        }
        try (RecordReader reader = source.read(split, Position.START)) {
            for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                if (item instanceof RecordReader.Ok ok) {
                    if (unchanged.contains(ok.record().entity())) continue; // reused; a split of several entities still yields it
                    if (!taken.test(ok.record().entity())) continue; // not wanted; a split of several entities still yields it
                    writer.write(ok.record());
                    long n = counts.computeIfAbsent(ok.record().entity(), NEW_COUNT).incrementAndGet();
                    if (n % 1000 == 0) progress.accept(ok.record().entity(), n);
                } else if (item instanceof RecordReader.Unreadable u) {
                    if (u.entity() != null) writer.unreadable(u.entity(), u.key(), u.error().code() + ": " + u.error().reason());
                    unreadable.accept(u);
                }
            }
        }
        writer.finish();
    }

    /** The split's rows as the database's bulk text, stored as they come: no record is decoded. */
    private void copy(Split split, EntityName entity, SplitWriter writer) {
        CopyTextSource copying = (CopyTextSource) source;
        AtomicLong total = counts.computeIfAbsent(entity, NEW_COUNT);
        long[] reported = {0};
        CopyShape shape = copied.get(entity);
        CopyTextFormat.KindTally tally = CopyTextFormat.named(shape.format()).orElseThrow().tally(shape.columns());
        TableChanges.ReadWhole counting = keysCountedAsRead.get(entity);
        if (counting != null) tally = new KeyCountingTally(tally, counting.fromLines().counter());
        CopyPartStream part = writer.copyPart(entity, tally, rows -> {
            progress.accept(entity, total.addAndGet(rows - reported[0]));
            reported[0] = rows;
        });
        // the rows reach the part in blocks that cut lines anywhere, as a change layer's spooled rows
        // do, not one row a write: one shape of writes, so what a full backup compiled serves the next runs
        FixedBlocks blocks = new FixedBlocks(part);
        long rows = copying.copyOut(split, blocks);
        blocks.finish();
        writer.finish();
        CopyPartStream.requireLines(split.description(), rows, reported[0]);
    }

    /**
     * A table's change layer written, its rows counted: a class, not a lambda, as only an incremental
     * backup writes one (a lambda's class is made the first time its line runs: see {@link TableChanges}).
     */
    private final class LayerWriting implements Runnable {
        private final TableChanges changes;
        private final SnapshotWriter writer;
        private final TableChanges.AddLayer layer;
        private final int splitHint;
        private final Set<EntityName> entities;

        /** {@code entities}: the source's, all of whose splits but this table's a table read whole instead leaves out. */
        LayerWriting(TableChanges changes, SnapshotWriter writer, TableChanges.AddLayer layer, int splitHint, Set<EntityName> entities) {
            this.changes = changes;
            this.writer = writer;
            this.layer = layer;
            this.splitHint = splitHint;
            this.entities = entities;
        }

        @Override
        public void run() {
            try {
                long rows = changes.writeLayer(writer, layer);
                counts.computeIfAbsent(layer.prior().entityName(), NEW_COUNT).addAndGet(rows);
            } catch (TableChanges.LayerDisproved e) {
                readWholeInstead(e.getMessage());
            }
        }

        /**
         * The table read whole at the same moment, as if its changes had been too many to layer, and
         * its keys counted by the source in a scan of their own: the counts its layer disagreed with
         * are not trusted for the next backup. The run says why it read the table.
         */
        private void readWholeInstead(String why) {
            EntitySnapshot prior = layer.prior();
            EntityName entity = prior.entityName();
            synchronized (readWhole) {
                layered.remove(entity);
                readWhole.put(entity, why);
            }
            declareReadWhole(writer, entity, prior.keyColumns(), prior.copyText());
            Set<EntityName> others = new java.util.HashSet<>(entities);
            others.remove(entity);
            for (Split split : source.splitsExcept(splitHint, others)) read(split, writer.split());
            writer.changes(entity, changes.counted(entity));
        }
    }

    /** A count's start, made once (with the class): see {@link LayerWriting}. */
    private static final java.util.function.Function<EntityName, AtomicLong> NEW_COUNT = entity -> new AtomicLong();

    /** Runs the task on a daemon thread of its own, which ends with it. */
    private static void onItsOwnThread(Runnable task) {
        Thread t = new Thread(task, "cutover-backup-definitions");
        t.setDaemon(true);
        t.start();
    }

    /** A pool of at least one daemon thread: a backup that fails does not keep the process alive. */
    private static ExecutorService daemonPool(int threads, String name) {
        return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits for one task; the first failure stops the backup (the others are interrupted by the pool's shutdown). */
    private static <T> T await(Future<T> f) {
        return Waiting.on(f, "reading the source");
    }
}
