package cutover.migrate;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves one split: a reader thread, a mapper thread and the calling thread as writer, joined by
 * small bounded queues, so memory holds at most a few batches whatever the size of the split and
 * reading, mapping and writing overlap. Batches commit in order, each with the checkpoint after its
 * last record, so the split can resume exactly where the last commit left it.
 */
final class SplitPipeline {
    // One batch waiting between stages keeps them overlapped; more only adds live rows (and GC) on a small heap.
    private static final int QUEUE_BATCHES = 1;

    private final Migration.Config config;
    private final Split split;
    private final Sink.Checkpoint start;
    private final DeadLetterFile deadLetters;
    private final MigrationProgress progress;
    private final AtomicReference<Throwable> failure;
    /** Whether a batch a foreign key refuses makes the split wait for the next pass (its parent may be in a split still loading). */
    private final boolean mayWaitForParents;
    /**
     * In the last pass, where the records a foreign key refuses are parked (each with its record), to
     * be tried again when every split is done ({@link ParkedRecords}); null in the passes before.
     */
    private final DeadLetterFile parked;
    /** Marks in the target that the run parks records, before the first batch that parks one commits. */
    private final Runnable parking;
    private final Map<String, Table> tablesByName = new HashMap<>();
    private final KeyClaims keyClaims;
    /** Whether the target's tables have rules of their own (CHECK, UNIQUE, triggers) that may refuse a row the sink's checks pass. */
    private final boolean targetMayRefuse;
    private long rowsWritten;

    SplitPipeline(Migration.Config config, Split split, Sink.Checkpoint start, DeadLetterFile deadLetters, Runnable parking,
                  MigrationProgress progress, AtomicReference<Throwable> failure, boolean mayWaitForParents, DeadLetterFile parked,
                  Set<String> guardedKeys, boolean targetMayRefuse) {
        this.mayWaitForParents = mayWaitForParents;
        this.parked = mayWaitForParents ? null : parked;
        this.parking = parking;
        this.targetMayRefuse = targetMayRefuse;
        this.config = config;
        this.split = split;
        this.start = start;
        this.deadLetters = deadLetters;
        this.progress = progress;
        this.failure = failure;
        for (Table t : config.mapper().tables()) tablesByName.put(t.name(), t);
        this.keyClaims = new KeyClaims(guardedKeys, tablesByName, config.sink(), split.id());
    }

    /** Records of one batch as read: items with their ordinals, and the position after the last. */
    private record RawBatch(List<RecordReader.Item> items, long firstOrdinal, Position end, boolean last) {}

    /**
     * The rows one source record became, with its place in the split (a target refusing one row sets
     * the whole record aside), and the keys it claims in tables whose key the plan derives.
     */
    private record Mapped(long ordinal, Record source, List<Record> rows, List<SinkWriter.KeyClaim> claims) {}

    /** A batch ready to write: each record's rows, dead letters, and the counts it adds. */
    private record MappedBatch(List<Mapped> records, List<DeadLetterFile.Entry> deadLetters, Map<EntityName, long[]> counts,
                               long read, long skipped, Position end, boolean last) {
        List<Record> rows() {
            List<Record> rows = new ArrayList<>(records.size());
            for (Mapped m : records) rows.addAll(m.rows());
            return rows;
        }

        long written() { return read - deadLetters.size() - skipped; }

        /** The records' claims in batch order; {@code owners} gets each claim's record index. */
        List<SinkWriter.KeyClaim> claims(List<Integer> owners) {
            List<SinkWriter.KeyClaim> claims = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                for (SinkWriter.KeyClaim c : records.get(i).claims()) {
                    claims.add(c);
                    owners.add(i);
                }
            }
            return claims;
        }

        /** This batch and the one read after it, as one. */
        MappedBatch followedBy(MappedBatch next) {
            List<Mapped> both = new ArrayList<>(records);
            both.addAll(next.records);
            List<DeadLetterFile.Entry> dead = new ArrayList<>(deadLetters);
            dead.addAll(next.deadLetters);
            Map<EntityName, long[]> sums = new HashMap<>();
            for (Map<EntityName, long[]> c : List.of(counts, next.counts)) {
                c.forEach((entity, n) -> {
                    long[] sum = sums.computeIfAbsent(entity, e -> new long[n.length]);
                    for (int i = 0; i < n.length; i++) sum[i] += n[i];
                });
            }
            return new MappedBatch(both, dead, sums, read + next.read, skipped + next.skipped, next.end, next.last);
        }
    }

    private static final int READ = 0, DEAD = 1, SKIPPED = 2, OK = 3;
    /** How many times one batch may be refused and have records set aside before its failure stands (each round should be the last). */
    private static final int MAX_REFUSAL_ROUNDS = 3;
    /** How many following batches a batch a foreign key refused is joined with, to meet parents later in the split (memory: that many batches). */
    private static final int MAX_JOINED_BATCHES = 8;

    /** Runs the split to its end; returns what this attempt added. */
    MigrateResult.Totals run() throws InterruptedException {
        BlockingQueue<RawBatch> raw = new ArrayBlockingQueue<>(QUEUE_BATCHES);
        BlockingQueue<MappedBatch> mapped = new ArrayBlockingQueue<>(QUEUE_BATCHES);
        Thread reader = thread("read", () -> readInto(raw));
        Thread mapper = thread("map", () -> mapInto(raw, mapped));
        reader.start();
        mapper.start();
        try {
            return writeFrom(mapped);
        } catch (Migration.RefusedForAParent waits) {
            throw waits; // not the run's failure: this split alone stops, and goes on in the next pass
        } catch (RuntimeException | Error e) {
            // Record the cause before the other stages are interrupted, or their echo would win.
            failure.compareAndSet(null, e);
            throw e;
        } finally {
            reader.interrupt();
            mapper.interrupt();
            reader.join();
            mapper.join();
        }
    }

    long rowsWritten() { return rowsWritten; }

    private Thread thread(String stage, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (StopStage quietly) {
                // another stage failed first and recorded why
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "cutover-" + stage + "-" + split.id());
        t.setDaemon(true);
        return t;
    }

    private void readInto(BlockingQueue<RawBatch> out) {
        Position from = start == null ? Position.START : start.position();
        try (RecordReader reader = config.source().read(split, from)) {
            long ordinal = from.ordinal();
            List<RecordReader.Item> items = new ArrayList<>(config.batchSize());
            RecordReader.Item item;
            while ((item = reader.next()) != null) {
                items.add(item);
                if (items.size() == config.batchSize()) {
                    put(out, new RawBatch(items, ordinal, reader.position(), false));
                    ordinal += items.size();
                    items = new ArrayList<>(config.batchSize());
                }
                if (failure.get() != null) return;
            }
            put(out, new RawBatch(items, ordinal, reader.position(), true));
        }
    }

    private void mapInto(BlockingQueue<RawBatch> in, BlockingQueue<MappedBatch> out) {
        while (true) {
            RawBatch batch = take(in);
            if (batch == null) return;
            put(out, map(batch));
            if (batch.last()) return;
        }
    }

    private MappedBatch map(RawBatch batch) {
        List<Mapped> mapped = new ArrayList<>(batch.items().size());
        List<DeadLetterFile.Entry> dead = new ArrayList<>();
        Map<EntityName, long[]> counts = new HashMap<>();
        long skipped = 0;
        long ordinal = batch.firstOrdinal();
        for (RecordReader.Item item : batch.items()) {
            if (item instanceof RecordReader.Unreadable u) {
                count(counts, u.entity(), READ, DEAD);
                dead.add(new DeadLetterFile.Entry(split.id(), ordinal, u.entity().value(), u.key(), u.error(), null, u.raw()));
            } else {
                Record record = ((RecordReader.Ok) item).record();
                RowMapper.Mapped m = config.mapper().mapGuarded(record);
                if (m instanceof RowMapper.Skipped) {
                    skipped++;
                    count(counts, record.entity(), READ, SKIPPED);
                } else if (m instanceof RowMapper.Failed f) {
                    count(counts, record.entity(), READ, DEAD);
                    dead.add(entry(ordinal, record, f.error()));
                } else {
                    List<Record> recordRows = ((RowMapper.Rows) m).rows();
                    Optional<RecordError> refused = checkRows(recordRows);
                    List<SinkWriter.KeyClaim> claims = refused.isEmpty() ? keyClaims.of(record, recordRows) : List.of();
                    if (refused.isPresent()) {
                        count(counts, record.entity(), READ, DEAD);
                        dead.add(entry(ordinal, record, refused.get()));
                    } else {
                        count(counts, record.entity(), READ, OK);
                        mapped.add(new Mapped(ordinal, record, recordRows, claims));
                    }
                }
            }
            ordinal++;
        }
        return new MappedBatch(mapped, dead, counts, batch.items().size(), skipped, batch.end(), batch.last());
    }

    /**
     * The batch without the later records of those that claim one key: the first the target takes
     * keeps it. Where the target's tables have rules of their own, which records it refuses is asked
     * first (a rolled-back write, only for a batch where records share a key), so that a record the
     * target refuses does not take the key from one it would have taken; those go to the dead-letter
     * file with the target's reason.
     */
    private MappedBatch settleSharedKeys(MappedBatch batch) {
        Set<String> seen = new java.util.HashSet<>();
        boolean shared = false;
        for (Mapped m : batch.records()) {
            for (SinkWriter.KeyClaim c : m.claims()) shared |= !seen.add(c.table() + "\0" + c.key());
        }
        if (!shared) return batch;
        Map<Integer, RecordError> setAside = new java.util.TreeMap<>();
        if (targetMayRefuse) try (SinkWriter probe = config.sink().writer(config.runId(), split.id(), config.mapper().tables())) {
            setAside.putAll(probe.refused(batch.records().stream().map(Mapped::rows).toList()));
        } catch (CutoverException cannotTell) {
            // the target cannot try the batch (a parent not in yet): the first record in order keeps the key
        }
        Map<String, Mapped> holders = new HashMap<>();
        for (int i = 0; i < batch.records().size(); i++) {
            Mapped m = batch.records().get(i);
            if (setAside.containsKey(i)) continue;
            for (SinkWriter.KeyClaim c : m.claims()) {
                Mapped holder = holders.putIfAbsent(c.table() + "\0" + c.key(), m);
                if (holder != null) {
                    setAside.put(i, keyTaken(c, m.rows(), keyClaims.holder(holder.source()), "read before it"));
                    break;
                }
            }
        }
        return without(batch, setAside);
    }

    /** Why a record whose key another record of the run holds is set aside. */
    static RecordError keyTaken(SinkWriter.KeyClaim claim, List<Record> rows, String holder, String when) {
        String key = rows.stream().filter(r -> r.entity().value().equals(claim.table())).findFirst().map(r -> r.key().toString()).orElse("?");
        return RecordError.of(ErrorCode.RECORD_DUPLICATE_KEY, null, "the plan maps it onto key (" + key + ") of table " + claim.table()
                + ", as it does " + holder + ", " + when + ": a row has one source record, so this one is set aside"
                + " (make the plan's key tell them apart, or merge the records in the source)");
    }

    private Optional<RecordError> checkRows(List<Record> rows) {
        return RowChecks.refusal(config.sink(), tablesByName, rows);
    }

    private DeadLetterFile.Entry entry(long ordinal, Record record, RecordError error) {
        return new DeadLetterFile.Entry(split.id(), ordinal, record.entity().value(), record.key().toString(), error, record, null);
    }

    private static void count(Map<EntityName, long[]> counts, EntityName entity, int... which) {
        long[] c = counts.computeIfAbsent(entity, e -> new long[4]);
        for (int w : which) c[w]++;
    }

    private MigrateResult.Totals writeFrom(BlockingQueue<MappedBatch> in) throws InterruptedException {
        MigrateResult.Totals total = start == null ? MigrateResult.Totals.NONE
                : new MigrateResult.Totals(start.read(), start.written(), start.deadLettered(), start.skipped());
        MigrateResult.Totals added = MigrateResult.Totals.NONE;
        SinkWriter writer = null;
        try {
            while (true) {
                MappedBatch batch = take(in);
                if (batch == null) throw stopped();
                // Dead letters reach the disk before their batch commits: a committed batch is never
                // missing its rejects, and a batch that does not commit has its lines dropped on resume.
                deadLetters.append(batch.deadLetters());
                for (int refusals = 0, joined = 0, unnamed = 0; ; ) {
                    batch = settleSharedKeys(batch);
                    MigrateResult.Totals after = total.plus(totals(batch));
                    Sink.Checkpoint checkpoint = new Sink.Checkpoint(batch.end(), after.read(), after.written(), after.deadLettered(),
                            after.skipped(), batch.last());
                    CutoverException refused;
                    List<Integer> owners = new ArrayList<>();
                    List<SinkWriter.KeyClaim> claims = batch.claims(owners);
                    try {
                        List<Record> rows = batch.rows();
                        writer = writeWithRetry(writer, rows, claims, checkpoint);
                        rowsWritten += rows.size();
                        break;
                    } catch (SinkWriter.KeysTaken taken) {
                        writer = null; // closed by writeWithRetry
                        // each round sets at least one record aside, so this ends
                        batch = setAsideTaken(batch, taken, claims, owners);
                        continue;
                    } catch (CutoverException e) {
                        writer = null; // closed by writeWithRetry
                        refused = e;
                    }
                    if (refused.code() == ErrorCode.TARGET_ROWS_REFUSED && refusals++ < MAX_REFUSAL_ROUNDS) {
                        try {
                            batch = setAsideRefused(batch, refused);
                            continue;
                        } catch (CutoverException seeking) {
                            refused = seeking; // a record whose parent is not in yet, met while seeking: as below
                        }
                    }
                    if (!Migration.missesAParent(refused)) throw refused;
                    // a parent the split holds further on (an export lists a document's subcollections before it, a table
                    // may refer to its own later rows): written together with the batches after, up to a few; in the last
                    // pass with one only, then the records still refused are parked (each join writes all joined again)
                    if (!batch.last() && joined++ < (parked == null ? MAX_JOINED_BATCHES : 1)) {
                        MappedBatch next = take(in);
                        if (next == null) throw stopped();
                        deadLetters.append(next.deadLetters());
                        batch = batch.followedBy(next);
                        refusals = 0; // the records joined may be refused in turn: their rounds are their own
                        continue;
                    }
                    if (mayWaitForParents) throw new Migration.RefusedForAParent(added); // its parent may be in a split still loading
                    // in the last pass, as often as the probe names a record: each round the batch is smaller, so this ends;
                    // other splits load beside it, and a parent in a transaction of theirs that rolls back is missing for
                    // the write even where it was there for the probe
                    if (parked != null) {
                        Optional<MappedBatch> rest = parkOrphans(batch);
                        if (rest.isPresent()) {
                            batch = rest.get();
                            continue;
                        }
                        // the probe found every parent: another split's transaction that held one while the write looked
                        // (its own probe, rolled back) has committed it since; written again, a few times at most
                        if (unnamed++ < MAX_REFUSAL_ROUNDS) continue;
                    }
                    throw new CutoverException(refused.code(), refused.getMessage() + ". A record of " + split.description()
                            + " refers to a row the target does not hold, after the other parts had their turn: one the source lacks,"
                            + " or one this run set aside (the dead-letter file " + deadLetters.path() + " lists those, each with its reason)."
                            + " Fix it there, or drop the target's foreign key, and run again: the run resumes", refused, false);
                }
                deadLetters.committed(split.id(), batch.end().ordinal());
                if (parked != null) parked.committed(split.id(), batch.end().ordinal());
                total = total.plus(totals(batch));
                added = added.plus(totals(batch));
                batch.counts().forEach((entity, c) -> {
                    MigrationProgress.Counters counters = progress.counters(entity);
                    counters.read.add(c[READ]);
                    counters.written.add(c[OK]);
                    counters.deadLettered.add(c[DEAD]);
                    counters.skipped.add(c[SKIPPED]);
                });
                // parked records are counted as set aside until the run's end settles them, but are not yet
                config.deadLetterLimit().check(total.deadLettered() - (parked == null ? 0 : parked.listed(split.id())), total.read(), split);
                if (batch.last()) return added;
            }
        } finally {
            if (writer != null) closeQuietly(writer);
        }
    }

    private static MigrateResult.Totals totals(MappedBatch batch) {
        return new MigrateResult.Totals(batch.read(), batch.written(), batch.deadLetters().size(), batch.skipped());
    }

    /**
     * The batch without the records whose rows the target refused (a CHECK or UNIQUE constraint, a
     * trigger, a value it will not take: what the sink's checks could not know), which go to the
     * dead-letter file with the target's reason. The writer finds them by trying the records in
     * order in a transaction it rolls back; when it cannot name one, the batch's failure stands.
     */
    private MappedBatch setAsideRefused(MappedBatch batch, CutoverException refusal) {
        Map<Integer, RecordError> refused;
        try (SinkWriter probe = config.sink().writer(config.runId(), split.id(), config.mapper().tables())) {
            List<List<Record>> groups = batch.records().stream().map(Mapped::rows).toList();
            // in the last pass a record whose parent is missing is parked with the refused ones set aside, in one probe
            refused = parked != null ? probe.refusedOrOrphaned(groups) : probe.refused(groups);
        }
        if (refused.isEmpty()) throw refusal;
        return without(batch, refused);
    }

    /**
     * In the last pass, the batch without the records the target refuses, where those that refer to
     * a row it does not hold are parked rather than set aside: the row may come with a record still
     * to be written (a later batch, another split, a record parked too), so they are tried again at
     * the run's end. Empty when the target cannot tell which records it refuses.
     */
    private Optional<MappedBatch> parkOrphans(MappedBatch batch) {
        Map<Integer, RecordError> refused;
        try (SinkWriter probe = config.sink().writer(config.runId(), split.id(), config.mapper().tables())) {
            refused = probe.refusedOrOrphaned(batch.records().stream().map(Mapped::rows).toList());
        }
        return refused.isEmpty() ? Optional.empty() : Optional.of(without(batch, refused));
    }

    /**
     * The batch without the records {@code refused} names (by index), which go to the dead-letter file
     * with their reasons, or, those that refer to a row the target does not hold, in the last pass, to
     * the parked records (counted as set aside until the run's end settles them).
     */
    private MappedBatch without(MappedBatch batch, Map<Integer, RecordError> refused) {
        List<Mapped> kept = new ArrayList<>(batch.records().size() - refused.size());
        List<DeadLetterFile.Entry> setAside = new ArrayList<>(refused.size());
        List<DeadLetterFile.Entry> parkedHere = new ArrayList<>();
        Map<EntityName, long[]> counts = new HashMap<>();
        batch.counts().forEach((entity, c) -> counts.put(entity, c.clone()));
        for (int i = 0; i < batch.records().size(); i++) {
            Mapped m = batch.records().get(i);
            RecordError error = refused.get(i);
            if (error == null) {
                kept.add(m);
                continue;
            }
            boolean parks = parked != null && error.code() == ErrorCode.RECORD_REFERENCE_MISSING;
            (parks ? parkedHere : setAside).add(entry(m.ordinal(), m.source(), error));
            long[] c = counts.get(m.source().entity());
            c[OK]--;
            c[DEAD]++;
        }
        deadLetters.append(setAside);
        if (!parkedHere.isEmpty()) {
            parking.run();
            parked.append(parkedHere);
        }
        List<DeadLetterFile.Entry> dead = new ArrayList<>(batch.deadLetters());
        dead.addAll(setAside);
        dead.addAll(parkedHere);
        return new MappedBatch(kept, dead, counts, batch.read(), batch.skipped(), batch.end(), batch.last());
    }

    /** The batch without the records whose keys other records of the run hold, which go to the dead-letter file saying which. */
    private MappedBatch setAsideTaken(MappedBatch batch, SinkWriter.KeysTaken taken, List<SinkWriter.KeyClaim> claims, List<Integer> owners) {
        Map<Integer, RecordError> refused = new java.util.TreeMap<>();
        taken.holders().forEach((claim, holder) -> {
            Mapped m = batch.records().get(owners.get(claim));
            refused.putIfAbsent(owners.get(claim), keyTaken(claims.get(claim), m.rows(), holder, "which this run wrote first"));
        });
        if (refused.isEmpty()) throw taken;
        return without(batch, refused);
    }

    private SinkWriter writeWithRetry(SinkWriter writer, List<Record> rows, List<SinkWriter.KeyClaim> claims, Sink.Checkpoint checkpoint)
            throws InterruptedException {
        Retry retry = config.retry();
        for (int attempt = 1; ; attempt++) {
            try {
                if (writer == null) writer = config.sink().writer(config.runId(), split.id(), config.mapper().tables());
                writer.write(rows, claims, checkpoint);
                return writer;
            } catch (CutoverException e) {
                if (writer != null) closeQuietly(writer);
                writer = null;
                if (!retry.shouldRetry(e, attempt)) {
                    if (!e.retryable()) throw e;
                    throw new CutoverException(e.code(), "gave up after " + attempt + " attempts to write split " + split.id()
                            + ": " + e.getMessage() + ". Every batch before this one is committed with its checkpoint;"
                            + " run the same command again to resume from there.", e);
                }
                Thread.sleep(retry.delayBefore(attempt + 1).toMillis());
                if (committedAlready(checkpoint)) return null;
            }
        }
    }

    /** After a dropped connection the commit may have landed anyway; the stored checkpoint tells. */
    private boolean committedAlready(Sink.Checkpoint checkpoint) {
        try {
            Sink.Checkpoint stored = config.sink().checkpoints(config.runId()).get(split.id());
            return stored != null && stored.position().ordinal() == checkpoint.position().ordinal() && stored.done() == checkpoint.done()
                    && stored.read() == checkpoint.read();
        } catch (CutoverException e) {
            if (!e.retryable()) throw e;
            return false; // still down: the next attempt will tell
        }
    }

    private static void closeQuietly(SinkWriter writer) {
        try {
            writer.close();
        } catch (RuntimeException ignored) {
            // the connection is already broken; closing it cannot tell us more
        }
    }

    private CutoverException stopped() {
        Throwable f = failure.get();
        if (f instanceof CutoverException ce) return ce;
        return new CutoverException(ErrorCode.INTERNAL, "split " + split.id() + " stopped: " + f, f);
    }

    private <T> void put(BlockingQueue<T> queue, T item) {
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) throw new StopStage();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopStage();
        }
    }

    private <T> T take(BlockingQueue<T> queue) {
        try {
            while (true) {
                T item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item != null) return item;
                if (failure.get() != null) return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Ends a stage quietly because another stage already failed and recorded why. */
    private static final class StopStage extends RuntimeException {
        StopStage() { super(null, null, false, false); }
    }
}
