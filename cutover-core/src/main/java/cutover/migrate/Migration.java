package cutover.migrate;

import cutover.connector.Parallelism;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies every record of a source into a sink through a {@link RowMapper}: the splits in parallel,
 * each through its own read → map → write pipeline, each batch committed with its checkpoint. Run it
 * again with the same run id after a crash and it continues where the commits stopped, so every
 * record ends exactly once in the target, in the dead-letter file, or (skipped by the plan) nowhere
 * by choice; the result's totals always add up.
 *
 * <pre>{@code
 * MigrateResult result = Migration.builder()
 *         .source(source).sink(sink).mapper(mapper)
 *         .runId("migrate-3f2a9c").runDirectory(Path.of(".cutover/runs/migrate-3f2a9c"))
 *         .build().run();
 * }</pre>
 */
public final class Migration {
    public static final String DEAD_LETTER_FILE = "dead-letter.ndjson";
    private final Config config;
    /** What the run says beside its counts: splits moved record by record after their bulk load failed, parked records settled. */
    private final java.util.Queue<String> runWarnings = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger splitsCopied = new java.util.concurrent.atomic.AtomicInteger();
    /** Tables whose keys the run claims for their records, as the plan derives them (see {@link RowMapper#tablesWithDerivedKeys}). */
    private java.util.Set<String> guardedKeys = java.util.Set.of();
    /** Whether the target's tables have rules of their own that may refuse a row (a CHECK, a trigger): only then are they asked first. */
    private boolean targetMayRefuse;
    /** Whether this attempt marked in the target that it parks records ({@link #markParking}). */
    private volatile boolean parkingMarked;

    /** Marks in the target, once a run, that records were parked, before the first batch that parks one commits; splits wait for it. */
    private synchronized void markParking() {
        if (parkingMarked) return;
        ParkedRecords.markParking(config);
        parkingMarked = true;
    }

    private Migration(Config config) {
        this.config = config;
    }

    public static Builder builder() { return new Builder(); }

    /** Frozen settings of one run. */
    record Config(Source source, Sink sink, RowMapper mapper, String runId, Path runDirectory, int parallelism,
                  int batchSize, boolean createTables, Retry retry, DeadLetterLimit deadLetterLimit, MigrationProgress progress,
                  String howToFixTheTarget, java.util.Set<cutover.model.EntityName> readAgain) {}

    public MigrationProgress progress() { return config.progress(); }

    /** Starts the run over: its checkpoints in the target are forgotten, and what it set aside with them. */
    public static void startOver(Sink sink, String runId, Path runDirectory) throws java.io.IOException {
        sink.resetCheckpoints(runId);
        forgetRecordsSetAside(runDirectory);
    }

    /** The source's entities the plan leaves out, which are not read. */
    private List<cutover.model.EntityName> leftOut(List<cutover.connector.EntityInfo> named) {
        return named.stream().map(cutover.connector.EntityInfo::name).filter(config.mapper()::leavesOut).sorted().toList();
    }

    /**
     * Forgets the checkpoints of the splits of the entities whose table was dropped since they were
     * done ({@link Builder#readAgain}), before anything is made: committed now, an attempt that fails
     * after making the table again still reads them next time (found there, it would not be told
     * gone). Every checkpoint goes where a split's entities are not known (an export read file by
     * file, before it was scanned) or records were parked for their parents (settled counts, parked
     * ledgers of the splits read again): which rows are whose is not told apart there, and said.
     */
    private void forgetSplitsOfTablesGone(Sink sink) {
        Map<String, Sink.Checkpoint> checkpoints = new HashMap<>(sink.checkpoints(config.runId()));
        if (checkpoints.isEmpty()) return;
        Sink.Checkpoint settled = checkpoints.remove(ParkedRecords.SPLIT);
        // its counts are what settling moved (review: its read is always 0); the file is opened every run, empty or not
        boolean parked = settled != null && (!settled.done() || settled.written() != 0 || settled.deadLettered() != 0 || settled.skipped() != 0)
                || holdsAny(ParkedRecords.file(config.runDirectory()));
        int splitting = splitsRemembered().orElse(config.parallelism());
        java.util.Set<cutover.model.EntityName> notRead = java.util.Set.copyOf(leftOut(config.source().quickEstimates().orElse(List.of())));
        java.util.Set<String> again = new java.util.HashSet<>();
        boolean unknown = false;
        for (Split s : config.source().splitsExcept(splitting, notRead)) {
            if (!checkpoints.containsKey(s.id())) continue;
            if (s.entities().isEmpty()) unknown = true;
            else if (s.entities().stream().anyMatch(config.readAgain()::contains)) again.add(s.id());
        }
        if (parked || unknown) {
            try {
                startOver(sink, config.runId(), config.runDirectory());
            } catch (java.io.IOException e) {
                throw new CutoverException(ErrorCode.STATE_IO, "forgetting what run " + config.runId() + " set aside failed: " + e.getMessage(), e);
            }
            runWarnings.add("every split of the run is read again, not only those of the tables dropped: "
                    + (parked ? "records were parked for their parents, whose counts are the run's whole" : "the source does not say which entities each split holds"));
        } else if (!again.isEmpty()) {
            sink.forgetCheckpoints(config.runId(), again);
        }
    }

    private static boolean holdsAny(Path file) {
        try {
            return java.nio.file.Files.exists(file) && java.nio.file.Files.size(file) > 0;
        } catch (java.io.IOException e) {
            return true; // not known: as if it held some
        }
    }

    /** For a run started over (its checkpoints reset): its dead-letter file and its parked records go too. */
    public static void forgetRecordsSetAside(Path runDirectory) throws java.io.IOException {
        Path deadLetters = runDirectory.resolve(DEAD_LETTER_FILE);
        for (Path p : List.of(deadLetters, ParkedRecords.next(deadLetters), ParkedRecords.file(runDirectory))) java.nio.file.Files.deleteIfExists(p);
    }

    public MigrateResult run() {
        long started = System.nanoTime();
        Sink sink = config.sink();
        if (!config.readAgain().isEmpty()) forgetSplitsOfTablesGone(sink);
        List<String> problems = sink.prepare(config.runId(), config.mapper().tables(), config.createTables());
        if (!problems.isEmpty()) {
            throw new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, "the target is not ready for the plan:\n  - "
                    + String.join("\n  - ", problems) + "\n" + config.howToFixTheTarget());
        }
        guardedKeys = config.mapper().tablesWithDerivedKeys(config.source()::keyColumns, config.source()::keysMayRepeat);
        targetMayRefuse = !guardedKeys.isEmpty() && !sink.rulesOfItsOwn(config.mapper().tables()).isEmpty();
        Map<String, Sink.Checkpoint> checkpoints = new HashMap<>(sink.checkpoints(config.runId()));
        Path deadLetterPath = config.runDirectory().resolve(DEAD_LETTER_FILE);
        // the records a last pass parked, settled at the end of an earlier attempt: a ledger of their own, no split of the source's
        Sink.Checkpoint parkedSettled = checkpoints.remove(ParkedRecords.SPLIT);
        ParkedRecords.recover(config.runDirectory(), deadLetterPath, parkedSettled);
        // the source is cut into as many splits as when the run began: its checkpoints are those splits'
        int splitting = checkpoints.isEmpty() ? config.parallelism() : splitsRemembered().orElse(config.parallelism());
        // the tables the plan leaves out are not read: one the run's role may not read whole (row-level security) stops nothing
        List<cutover.connector.EntityInfo> named = config.source().quickEstimates().orElse(List.of());
        List<cutover.model.EntityName> leftOut = leftOut(named);
        java.util.Set<cutover.model.EntityName> notRead = java.util.Set.copyOf(leftOut);
        List<Split> splits = config.source().splitsExcept(splitting, notRead);
        checkSplitsMatch(splits, checkpoints);
        rememberSplits(splitting);
        named.stream().filter(e -> !notRead.contains(e.name())).forEach(e -> config.progress().estimate(e.name(), e.estimatedCount()));
        config.progress().splitsTotal(splits.size());

        Map<String, Long> committed = new HashMap<>();
        checkpoints.forEach((id, c) -> committed.put(id, c.position().ordinal()));
        // settling that did not finish is done again from the start, and counted once then
        boolean settledBefore = parkedSettled != null && parkedSettled.done();
        MigrateResult.Totals before = !settledBefore ? MigrateResult.Totals.NONE : new MigrateResult.Totals(parkedSettled.read(),
                parkedSettled.written(), parkedSettled.deadLettered(), parkedSettled.skipped());
        List<Split> todo = new ArrayList<>();
        int resumed = 0, alreadyDone = 0;
        for (Split split : splits) {
            Sink.Checkpoint c = checkpoints.get(split.id());
            if (c != null) before = before.plus(new MigrateResult.Totals(c.read(), c.written(), c.deadLettered(), c.skipped()));
            // a progress bar goes on from where the earlier attempts left the split (its checkpoint counts one entity's records)
            if (c != null && split.entities().size() == 1) {
                config.progress().counters(split.entities().iterator().next()).settledBefore.add(c.written() + c.deadLettered() + c.skipped());
            }
            if (c != null && c.done()) {
                alreadyDone++;
                config.progress().splitDone();
            } else {
                if (c != null) resumed++;
                todo.add(split);
            }
        }

        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong rows = new AtomicLong();
        MigrateResult.Totals added = MigrateResult.Totals.NONE;
        if (parkedSettled != null && !parkedSettled.done()) requireParkedRecords();
        DeadLetterFile parked = DeadLetterFile.openKeepingRecords(ParkedRecords.file(config.runDirectory()), committed);
        try (DeadLetterFile deadLetters = DeadLetterFile.open(deadLetterPath, committed); parked) {
            added = runSplits(todo, checkpoints, deadLetters, parked, failure, rows);
        }
        boolean settledNow = !settledBefore && ParkedRecords.any(config.runDirectory());
        if (!settledBefore && !settledNow && (parkedSettled != null || parkingMarked)) ParkedRecords.markNoneParked(config);
        if (settledNow) {
            ParkedRecords settling = new ParkedRecords(config, guardedKeys);
            added = added.plus(settling.settle(deadLetterPath));
            rows.addAndGet(settling.written());
            runWarnings.add(settling.summary());
        }
        ParkedRecords.dropIfNone(config.runDirectory());
        if (settledBefore || settledNow) {
            // the limit counted no parked record while the splits ran: it counts those set aside now, every run after too
            config.deadLetterLimit().checkSplits(DeadLetterFile.countBySplit(deadLetterPath), sink.checkpoints(config.runId()), splits);
        }
        // once each: a split tried again (a pass that waits for parents, a retry) fails its bulk load the same way again
        List<String> warnings = new ArrayList<>(new java.util.LinkedHashSet<>(runWarnings));
        warnings.addAll(sink.finish(config.runId(), config.mapper().tables()));
        MigrateResult.Totals totals = before.plus(added);
        if (!totals.balanced()) {
            // Cannot happen by construction; if it ever does, say so loudly rather than report success.
            throw new CutoverException(ErrorCode.INTERNAL, "counts do not add up: read " + totals.read() + " != written "
                    + totals.written() + " + dead-lettered " + totals.deadLettered() + " + skipped " + totals.skipped());
        }
        return new MigrateResult(config.runId(), totals, config.progress().snapshot(), splits.size(), resumed, alreadyDone,
                splitsCopied.get(), rows.get(), warnings, deadLetterPath, Duration.ofNanos(System.nanoTime() - started), leftOut);
    }

    /**
     * An earlier attempt parked records (its mark is in the target: {@link ParkedRecords#markParking})
     * that are not settled yet, so their file must be here: resumed in another state folder (another
     * {@code --state}, another working folder) they would never be written nor listed.
     */
    private void requireParkedRecords() {
        if (java.nio.file.Files.exists(ParkedRecords.file(config.runDirectory()))) return;
        throw new CutoverException(ErrorCode.STATE_CONFLICT, "run " + config.runId() + " parked records in an earlier attempt, to be written"
                + " at its end (their parents had not loaded), and " + config.runDirectory() + " does not hold them: that attempt ran with"
                + " another state folder. Run again with that folder (--state), or start over with --restart");
    }

    /**
     * Runs the splits in passes. A split whose bulk load a foreign key refused (its parent rows are
     * in a split still loading: splits run in parallel, in no order of their tables) waits for the
     * next pass rather than going record by record, where each such row would be set aside; passes
     * go on while one loads something, and in the last, nothing waits.
     */
    private MigrateResult.Totals runSplits(List<Split> todo, Map<String, Sink.Checkpoint> atStart, DeadLetterFile deadLetters,
                                           DeadLetterFile parked, AtomicReference<Throwable> failure, AtomicLong rows) {
        MigrateResult.Totals added = MigrateResult.Totals.NONE;
        List<Split> pass = todo;
        boolean mayWait = todo.size() > 1;
        Map<String, Sink.Checkpoint> checkpoints = atStart;
        while (!pass.isEmpty()) {
            java.util.Queue<Split> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
            // a split that waited may have committed batches before its parent was missed: it goes on from there
            if (pass != todo) checkpoints = config.sink().checkpoints(config.runId());
            if (mayWait || pass.size() < 2) {
                added = added.plus(runPass(pass, checkpoints, deadLetters, parked, failure, rows, mayWait ? waiting : null));
            } else {
                // the last pass, where what a foreign key refuses is parked: the parents' tables first, in waves, so that
                // a child's split meets its parents written rather than parking every record for the run's end
                List<List<Split>> waves = parentsFirst(pass);
                for (int i = 0; i < waves.size(); i++) {
                    if (i > 0) checkpoints = config.sink().checkpoints(config.runId());
                    added = added.plus(runPass(waves.get(i), checkpoints, deadLetters, parked, failure, rows, null));
                }
            }
            mayWait = waiting.size() > 1 && waiting.size() < pass.size();
            pass = List.copyOf(waiting);
        }
        return added;
    }

    /**
     * The splits in waves by the target's own foreign keys between their tables: a split of a table
     * that refers to none of the others first, then those that refer only to tables of earlier waves,
     * and so on (a cycle's tables in one wave; a split whose table is not known, in the first).
     */
    private List<List<Split>> parentsFirst(List<Split> splits) {
        Map<String, java.util.Set<String>> parents = config.sink().parentsByForeignKey(config.mapper().tables());
        Map<String, Integer> depths = new HashMap<>();
        java.util.TreeMap<Integer, List<Split>> waves = new java.util.TreeMap<>();
        for (Split split : splits) {
            int depth = split.entities().stream().map(config.mapper()::tableOf).flatMap(Optional::stream)
                    .mapToInt(t -> depth(t, parents, depths, new java.util.HashSet<>())).max().orElse(0);
            waves.computeIfAbsent(depth, d -> new ArrayList<>()).add(split);
        }
        return new ArrayList<>(waves.values());
    }

    /** How many tables lie above {@code table} on its longest chain of parents; an edge back into the chain (a cycle) counts none. */
    private static int depth(String table, Map<String, java.util.Set<String>> parents, Map<String, Integer> known, java.util.Set<String> chain) {
        Integer done = known.get(table);
        if (done != null) return done;
        if (!chain.add(table)) return 0;
        int depth = 0;
        for (String parent : parents.getOrDefault(table, java.util.Set.of())) depth = Math.max(depth, 1 + depth(parent, parents, known, chain));
        chain.remove(table);
        if (chain.isEmpty()) known.put(table, depth); // a depth found inside a chain may be cut short by its cycle
        return depth;
    }

    private MigrateResult.Totals runPass(List<Split> todo, Map<String, Sink.Checkpoint> checkpoints, DeadLetterFile deadLetters,
                                         DeadLetterFile parked, AtomicReference<Throwable> failure, AtomicLong rows, java.util.Queue<Split> waiting) {
        if (todo.isEmpty()) return MigrateResult.Totals.NONE;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(config.parallelism(), todo.size()), r -> {
            Thread t = new Thread(r, "cutover-split");
            t.setDaemon(true);
            return t;
        });
        List<Future<MigrateResult.Totals>> futures = new ArrayList<>();
        try {
            for (Split split : todo) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) return MigrateResult.Totals.NONE;
                    Optional<MigrateResult.Totals> copied;
                    try {
                        copied = copyInBulk(split, checkpoints.get(split.id()), waiting != null);
                    } catch (RefusedForAParent e) {
                        waiting.add(split);
                        return MigrateResult.Totals.NONE;
                    } catch (Throwable e) { // the run's failure, as the pipeline's are: a future's own exception is not looked at
                        failure.compareAndSet(null, e);
                        throw e;
                    }
                    if (copied.isPresent()) {
                        config.progress().splitDone();
                        rows.addAndGet(copied.get().written());
                        return copied.get();
                    }
                    SplitPipeline pipeline = new SplitPipeline(config, split, checkpoints.get(split.id()), deadLetters, this::markParking, config.progress(), failure,
                            waiting != null, parked, guardedKeys, targetMayRefuse);
                    try {
                        MigrateResult.Totals t = pipeline.run();
                        config.progress().splitDone();
                        return t;
                    } catch (RefusedForAParent e) {
                        waiting.add(split);
                        return e.committed;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        throw e;
                    } finally {
                        rows.addAndGet(pipeline.rowsWritten());
                    }
                }));
            }
            MigrateResult.Totals added = MigrateResult.Totals.NONE;
            for (Future<MigrateResult.Totals> f : futures) {
                try {
                    added = added.plus(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    // the first failure is the cause; later ones are usually its echo
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, new CutoverException(ErrorCode.INTERRUPTED, "interrupted"));
                    break;
                }
            }
            Throwable f = failure.get();
            if (f instanceof CutoverException ce) throw ce;
            if (f != null) throw new CutoverException(ErrorCode.INTERNAL, "migration failed: " + f, f);
            return added;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The split loaded as the source's bulk text where both ends can ({@link BulkCopy}); empty when
     * they cannot, or when the load failed and rolled back (a row the table refuses, say): the
     * record pipeline then moves the split, setting such rows aside one by one, and a warning says so.
     */
    private Optional<MigrateResult.Totals> copyInBulk(Split split, Sink.Checkpoint start, boolean mayWait) {
        // a table whose key the plan derives takes records one by one, each claiming its key
        Optional<BulkCopy> bulk = BulkCopy.of(config, split, start).filter(b -> !guardedKeys.contains(b.table()));
        Optional<cutover.model.Table> keyless = split.entities().stream().map(config.mapper()::tableWithoutKey).flatMap(Optional::stream).findFirst();
        if (bulk.isEmpty() && keyless.isPresent()) {
            throw new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, split.description() + ": table " + keyless.get().name() + " has no primary key,"
                    + " so its rows can only be loaded whole, as the source's text, into a table this run made or found empty; here they cannot"
                    + " (the table already has rows of its own, or the source cannot give its rows as text)");
        }
        if (bulk.isEmpty()) return Optional.empty();
        try {
            Optional<MigrateResult.Totals> done = Optional.of(bulk.get().run());
            splitsCopied.incrementAndGet();
            return done;
        } catch (RuntimeException e) { // a refused row, a lost connection: the record pipeline retries and sets rows aside one by one
            if (e instanceof CutoverException ce && ce.code() == ErrorCode.INTERRUPTED) throw e;
            if (mayWait && missesAParent(e)) throw new RefusedForAParent(MigrateResult.Totals.NONE);
            // a damaged backup or a lost source, which the sink may have wrapped in its own failure
            Optional<CutoverException> unreadable = inCauses(e, CutoverException.class,
                    c -> c.code().name().startsWith("SOURCE_") || c.code().name().startsWith("BACKUP_"));
            if (unreadable.isPresent()) throw unreadable.get(); // a damaged backup or a lost source: records would meet it too
            if (keyless.isPresent()) { // no record pipeline to fall back on: nothing would tell its rows apart
                // retryable only where the load's own failure was (a lost connection), not where a row was refused
                throw new CutoverException(e instanceof CutoverException ce ? ce.code() : ErrorCode.TARGET_WRITE_FAILED, split.description() + ": loading it into "
                        + keyless.get().name() + " (a table without a primary key, which only takes its rows whole) failed, so none of its rows were written: "
                        + e.getMessage(), e, e instanceof CutoverException ce && ce.retryable());
            }
            runWarnings.add(split.description() + ": loading it as bulk text into " + bulk.get().table() + " failed, so it was moved"
                    + " record by record (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /** The first of {@code e} and its causes that is a {@code type} and meets {@code test} (SQLSTATE 23503 is a foreign key violation). */
    private static <T extends Throwable> Optional<T> inCauses(Throwable e, Class<T> type, java.util.function.Predicate<T> test) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t) && test.test(type.cast(t))) return Optional.of(type.cast(t));
        }
        return Optional.empty();
    }

    /** Whether a foreign key refused the write (SQLSTATE 23503): the parent row may be in a split still loading. */
    static boolean missesAParent(Throwable e) {
        return inCauses(e, java.sql.SQLException.class, s -> "23503".equals(s.getSQLState())).isPresent();
    }

    /**
     * A split refused by a foreign key, to be tried again after the splits still loading: a bulk load
     * (rolled back whole), or the record pipeline, whose batches before the refused one stay committed
     * ({@code committed}: what they added).
     */
    static final class RefusedForAParent extends RuntimeException {
        final MigrateResult.Totals committed;

        RefusedForAParent(MigrateResult.Totals committed) {
            super(null, null, false, false);
            this.committed = committed;
        }
    }

    private static final String SPLITS_FILE = "split-parallelism";

    /** The parallelism the run's source was split for when it began, kept in its folder. */
    private java.util.Optional<Integer> splitsRemembered() {
        try {
            Path file = config.runDirectory().resolve(SPLITS_FILE);
            return java.nio.file.Files.exists(file) ? java.util.Optional.of(Integer.parseInt(java.nio.file.Files.readString(file).strip()))
                    : java.util.Optional.empty();
        } catch (java.io.IOException | NumberFormatException e) {
            return java.util.Optional.empty(); // unreadable: split as asked, and checkSplitsMatch says so if that differs
        }
    }

    private void rememberSplits(int parallelism) {
        try {
            java.nio.file.Files.createDirectories(config.runDirectory());
            java.nio.file.Files.writeString(config.runDirectory().resolve(SPLITS_FILE), parallelism + "\n");
        } catch (java.io.IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write " + config.runDirectory().resolve(SPLITS_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A checkpoint for a split the source no longer offers means the source changed shape since the
     * interrupted run (other files, other key ranges), or the run began with another parallelism in
     * another state folder: resuming would skip or repeat records.
     */
    private void checkSplitsMatch(List<Split> splits, Map<String, Sink.Checkpoint> checkpoints) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Split s : splits) ids.add(s.id());
        List<String> unknown = checkpoints.keySet().stream().filter(id -> !ids.contains(id)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new CutoverException(ErrorCode.SOURCE_CHANGED, "run " + config.runId() + " has checkpoints for parts of the source that"
                    + " it no longer has (" + String.join(", ", unknown) + "): the source changed since the run was interrupted, or the run"
                    + " began with another --parallel in another state folder (give that one again). Or start the run over with --restart"
                    + " (rows already written are updated in place, not duplicated).");
        }
    }

    public static final class Builder {
        private Source source;
        private Sink sink;
        private RowMapper mapper;
        private String runId;
        private Path runDirectory;
        private int parallelism = Parallelism.DEFAULT;
        private int batchSize = 2500; // measured: bench/RESULTS.md
        private boolean createTables = true;
        private Retry retry = Retry.DEFAULT;
        private DeadLetterLimit deadLetterLimit = DeadLetterLimit.NONE;
        private MigrationProgress progress = new MigrationProgress();
        private String howToFixTheTarget = "Fix the plan or the target, then run again.";
        private java.util.Set<cutover.model.EntityName> readAgain = java.util.Set.of();

        public Builder source(Source source) { this.source = source; return this; }
        public Builder sink(Sink sink) { this.sink = sink; return this; }
        public Builder mapper(RowMapper mapper) { this.mapper = mapper; return this; }
        public Builder runId(String runId) { this.runId = runId; return this; }
        public Builder runDirectory(Path runDirectory) { this.runDirectory = runDirectory; return this; }
        public Builder parallelism(int parallelism) { this.parallelism = parallelism; return this; }
        public Builder batchSize(int batchSize) { this.batchSize = batchSize; return this; }
        public Builder createTables(boolean createTables) { this.createTables = createTables; return this; }
        public Builder retry(Retry retry) { this.retry = retry; return this; }
        public Builder deadLetterLimit(DeadLetterLimit limit) { this.deadLetterLimit = limit; return this; }
        public Builder progress(MigrationProgress progress) { this.progress = progress; return this; }
        /** What the error for a target not ready for the plan tells the user to do (a restore's plan is not the user's to fix). */
        public Builder howToFixTheTarget(String advice) { this.howToFixTheTarget = advice; return this; }
        /**
         * Entities whose splits are read again from the start, done or not: their tables were dropped
         * since an earlier attempt wrote them (made again now, empty), and their checkpoints are forgotten.
         */
        public Builder readAgain(java.util.Set<cutover.model.EntityName> entities) { this.readAgain = java.util.Set.copyOf(entities); return this; }

        public Migration build() {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(mapper, "mapper");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(runDirectory, "runDirectory");
            if (parallelism < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "parallelism must be at least 1, found " + parallelism);
            if (batchSize < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "batch size must be at least 1, found " + batchSize);
            return new Migration(new Config(source, sink, mapper, runId, runDirectory, parallelism, batchSize, createTables,
                    retry, deadLetterLimit, progress, howToFixTheTarget, readAgain));
        }
    }
}
