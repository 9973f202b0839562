package cutover.cli;

import cutover.backup.EntitySnapshot;
import cutover.backup.Repository;
import cutover.backup.Snapshot;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Parallelism;
import cutover.connector.SchemaSet;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/** Takes a snapshot of any source into a backup repository; its subcommands create, check, compact, unlock and repair the repository. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        subcommands = {BackupInitCommand.class, BackupCheckCommand.class, BackupCompactCommand.class, BackupUnlockCommand.class, BackupRepairCommand.class},
        description = {"Backs up any source into an encrypted, deduplicated repository (docs/backup-format.md).", "",
                "Records are kept as read, entity by entity; a later backup stores only the chunks that changed."
                        + " The passphrase comes from CUTOVER_PASSWORD, --password-file, or a prompt."})
final class BackupCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "The source location, e.g. postgresql://app@db:5432/app")
    String source;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag for the snapshot (repeatable); forget --keep-tag keeps tagged snapshots.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--files", paramLabel = "DIR",
            description = "Also back up the files under DIR (e.g. a Firebase Storage download): chunked, deduplicated and encrypted like the records.")
    Path files;

    @Option(names = "--every", paramLabel = "INTERVAL",
            description = "Run the backup again every INTERVAL (6h, 30m, 1d, 1h30m) until stopped, one log line per run."
                    + " A run that fails is logged and retried at the next time, unless trying again cannot help (e.g. a wrong passphrase);"
                    + " a repository an earlier run wrote to that is missing (a disk not mounted) is tried again too.")
    String every;

    @Option(names = "--print-timer", description = "With --every: print a systemd service and timer, and a crontab line, that run this backup"
            + " on that schedule (the passphrase read from a file, never written into them), and exit. With --follow-changes, a service"
            + " that stays up instead (it reads the log ahead between runs).")
    boolean printTimer;

    @Option(names = "--follow-changes", paramLabel = "SLOT", arity = "0..1", fallbackValue = "cutover_backup",
            description = "PostgreSQL: learn the rows changed since the previous backup from the write-ahead log, through the logical "
                    + "replication slot SLOT (default cutover_backup) and a publication of that name, created on first use, instead of "
                    + "scanning each table (needs wal_level = logical; one slot per repository). With --every, the process reads the "
                    + "log ahead between runs. The slot keeps the server's log from the last backup on: drop it "
                    + "(SELECT pg_drop_replication_slot('SLOT'); DROP PUBLICATION SLOT) when you stop backing up.")
    String followChanges;

    @Option(names = "--follow-changes-wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "With --follow-changes: how long to wait for transactions running when the backup starts to end; past it, "
                    + "this backup finds the changed rows by scanning instead (default: ${DEFAULT-VALUE}).")
    int followChangesWait;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Parts read at once: tables, the key ranges a large table is cut into, and the changed rows of a table copied"
                    + " while its keys are counted (default: the processors, at least 2).")
    int parallel = Parallelism.DEFAULT;

    @Option(names = "--compression-level", paramLabel = "N",
            description = "The zstd level new chunks are compressed at: 1 (fastest) to 19 (smallest); default 3, zstd's own."
                    + " Any level reads back the same: snapshots at different levels share the repository and its unchanged chunks.")
    Integer compressionLevel;

    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (source == null && files == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: SOURCE or --files DIR (or a subcommand: init, check, unlock)");
        }
        if (parallel < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "--parallel must be at least 1, found " + parallel);
        repo.requireRepo(); // before a run, or a printed timer whose every run would fail for want of it
        if (followChanges != null && (source == null || !source.matches("(?i)postgres(ql)?://.*"))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--follow-changes needs a PostgreSQL source (postgresql://…)");
        }
        if (printTimer) {
            if (every == null) throw new CutoverException(ErrorCode.USAGE, "--print-timer needs --every INTERVAL: how often the printed timer runs the backup");
            return printTimer(Interval.parse(every));
        }
        if (every != null) return runEvery(Interval.parse(every));
        // a set that stopped part way: its stored snapshots said before the error (with --json, the journal lists them: one document on stdout)
        List<Taken> taken = backupOnce(stored -> { if (!output.json) print(stored); });
        print(taken);
        return taken.stream().anyMatch(t -> t.setAside() > 0) ? 1 : 0; // as a migration's: finished, records set aside
    }

    /** Backs up again and again, each run starting an interval after the previous one started; stops on a non-retryable error. */
    private int runEvery(Interval interval) throws InterruptedException {
        try (Following following = followChanges != null && source != null ? new Following() : null) {
            return runEvery(interval, following);
        }
    }

    private int runEvery(Interval interval, Following following) throws InterruptedException {
        boolean wroteBefore = false;
        java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter.ISO_INSTANT;
        for (long run = 1; ; run++) {
            Instant started = Instant.now();
            Instant next = started.plus(interval.duration());
            try {
                long thisRun = run;
                List<Taken> stored = following == null ? backupOnce(before -> before.forEach(t -> logStored(thisRun, t, next))) : List.of(following.backup());
                wroteBefore = true;
                for (Taken t : stored) logStored(run, t, next);
                for (Taken t : stored) compactIfDue(run, t, following);
            } catch (CutoverException e) {
                // by the code's kind, not this error's own retryability: a schedule outlives what a
                // command sees, so a database not made yet (or a read refused until a grant) is
                // tried again at the next run, while refused credentials or a bad repository stop it; a repository an
                // earlier run of this process wrote to and that is not there now is a disk not mounted, as a database down
                // so is a source an earlier run read that is not there now (a schema dropped and made again by a migration)
                boolean tryAgain = e.code().retryable() || ((e.code() == ErrorCode.BACKUP_NOT_FOUND || e.code() == ErrorCode.SOURCE_NOT_FOUND) && wroteBefore);
                String error = Location.redact(e.getMessage());
                logRun(run, failed -> {
                    failed.put("failed", true);
                    failed.put("code", e.code().name());
                    failed.put("error", error);
                    failed.put("nextRun", tryAgain ? time.format(next) : null);
                }, () -> " FAILED: " + e.code() + ": " + error
                        + (tryAgain ? "; next run at " + time.format(next) : "; stopping, running again cannot help"));
                if (!tryAgain) throw e;
            }
            long wait = Duration.between(Instant.now(), next).toMillis();
            if (wait > 0) Thread.sleep(wait);
        }
    }

    /** A run's line for a snapshot it stored. */
    private void logStored(long run, Taken t, Instant next) {
        java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter.ISO_INSTANT;
        Snapshot s = t.snapshot();
        logRun(run, ok -> {
            ok.put("snapshot", SnapshotsCommand.summary(s));
            ok.put("millis", t.millis());
            ok.put("phasesMillis", t.phases().millis());
            ok.put("readWhole", t.readWhole());
            ok.put("deadLettered", t.setAside());
            ok.put("deadLetterFile", t.setAside() > 0 ? t.deadLetterFile().toString() : null);
            ok.put("nextRun", time.format(next));
        }, () -> ": snapshot " + s.shortId() + " of " + s.source() + ", "
                + Counted.of(s.records(), "record") + ", " + Counted.of(s.files().size(), "file") + ", " + SnapshotsCommand.bytes(s.addedBytes()) + " added"
                + " in " + ReportCommand.human(Duration.ofMillis(t.millis())) + (t.phases().millis().isEmpty() ? "" : " (" + t.phases().describe() + ")")
                + readWholeText(t.readWhole()) + (t.setAside() > 0 ? "; " + Counted.of(t.setAside(), "record") + " set aside, each with its reason: " + t.deadLetterFile() : "")
                + "; next run at " + time.format(next));
    }

    /**
     * After a run, in the time before the next: the snapshot written again with the layers of the
     * tables its next run would read whole merged into new bases ({@link Repository#compact}), read
     * from the repository alone, so that the next run adds its layer to them instead of reading
     * those tables from the database. Logged as a line of the run, and journaled.
     */
    private void compactIfDue(long run, Taken taken, Following following) {
        Snapshot s = taken.snapshot();
        if (s.entities().stream().noneMatch(Repository::dueForCompaction)) return;
        Instant started = Instant.now();
        Journal journal = new Journal(state.state);
        String redacted = taken.journaledAs();
        try {
            Repository repository = following != null ? following.repository : repo.open(this::runOptions);
            java.util.Optional<Snapshot> compacted = repository.compact(s, Repository::dueForCompaction);
            Duration took = Duration.between(started, Instant.now());
            if (compacted.isEmpty()) return;
            Snapshot c = compacted.get();
            Map<String, Object> described = BackupCompactCommand.describe(s, compacted, took);
            journal.append(new JournalEntry(started, "compact", c.shortId(), JournalEntry.SUCCEEDED, redacted, repo.recorded(), took.toMillis(),
                    described, List.of(), null));
            logRun(run, event -> event.put("compacted", described), () -> ": " + BackupCompactCommand.text(s, c, took));
        } catch (RuntimeException e) {
            // a compaction only spares the next run a read: whatever stopped it, that run reads the tables whole, as it would have
            CutoverException failed = e instanceof CutoverException ce ? ce
                    : new CutoverException(cutover.error.ErrorCode.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            journal.append(JournalEntry.failed(started, "compact", null, redacted, repo.recorded(), failed));
            String error = Location.redact(failed.getMessage());
            logRun(run, event -> {
                event.put("compactionFailed", true);
                event.put("code", failed.code().name());
                event.put("error", error);
            }, () -> ": compaction FAILED: " + failed.code() + ": " + error + "; the next run reads those tables whole");
        }
    }

    /** "; read whole: t (why), …" for the tables a run read whole though it could have layered them; else "". */
    private static String readWholeText(Map<String, String> readWhole) {
        if (readWhole.isEmpty()) return "";
        List<String> each = new ArrayList<>();
        readWhole.forEach((table, why) -> each.add(table + " (" + why + ")"));
        return "; read whole: " + String.join(", ", each);
    }

    /**
     * One line per run: with {@code --json} a JSON object on a line of its own (JSON Lines: time, run,
     * then the snapshot's summary, millis and phasesMillis, or failed, code and error; nextRun), else
     * the time, "backup run N" and what {@code text} gives.
     */
    private void logRun(long run, java.util.function.Consumer<Map<String, Object>> fields, java.util.function.Supplier<String> text) {
        if (output.quiet) return;
        String now = java.time.format.DateTimeFormatter.ISO_INSTANT.format(Instant.now());
        if (output.json) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("time", now);
            event.put("run", run);
            fields.accept(event);
            System.out.println(Json.line(event));
        } else {
            System.out.println(now + " backup run " + run + text.get());
        }
        System.out.flush();
    }

    private int printTimer(Interval interval) {
        Path passwordFile = repo.passwordFile != null ? repo.passwordFile : TimerUnits.SUGGESTED_PASSWORD_FILE;
        if (repo.passwordFile != null && !java.nio.file.Files.exists(passwordFile)) {
            // the units are often printed before the file is made: a warning, not an error
            System.err.println("cutover: warning: the password file " + passwordFile.toAbsolutePath()
                    + " does not exist: every run of these units fails until it holds the repository's passphrase");
        }
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<String> command = TimerUnits.command(Launcher.current(), args, passwordFile);
        String units = new TimerUnits(command, interval, Path.of("").toAbsolutePath(), passwordFile.toAbsolutePath(), repo.passwordFile != null,
                followChanges != null, TimerUnits.removesSourcePassword(args), System.getenv("CUTOVER_SOURCE_PASSWORD") != null).text();
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("every", interval.text());
            out.put("command", command);
            out.put("units", units); // the same text, systemd units and crontab line with their comments
            System.out.println(Json.write(out));
        } else {
            System.out.print(units);
        }
        return 0;
    }

    /**
     * One snapshot a run stored, with what its backup found: the tables reused unread from the
     * previous snapshot of the source ({@code unchanged}), those of which only the changed rows were
     * stored ({@code layered}), learned from the write-ahead log ({@code toldByLog}), read whole
     * though tracked ({@code readWhole}, each with why); the snapshots whose manifest did not read,
     * passed over ({@code damagedSnapshots}: file, why); how long each step took; how many records the
     * source could not decode and the file listing them (made only when there is one); what of the
     * source's endpoint backups do not read; how long it took, and its source as the journal names it.
     */
    record Taken(Snapshot snapshot, List<String> unchanged, List<String> layered, List<String> toldByLog, Map<String, String> readWhole,
                 Map<String, String> damagedSnapshots, cutover.backup.RunPhases phases, long setAside, Path deadLetterFile, List<String> leftOut,
                 long millis, String journaledAs) {
        Taken(Snapshot snapshot, List<String> unchanged, List<String> layered, List<String> toldByLog, Map<String, String> readWhole,
              Map<String, String> damagedSnapshots, cutover.backup.RunPhases phases, long setAside, Path deadLetterFile, List<String> leftOut) {
            this(snapshot, unchanged, layered, toldByLog, readWhole, damagedSnapshots, phases, setAside, deadLetterFile, leftOut, 0, null);
        }

        /** The same, as journaled: how long it took from its start, and the source as the journal names it. */
        Taken journaled(long millis, String as) {
            return new Taken(snapshot, unchanged, layered, toldByLog, readWhole, damagedSnapshots, phases, setAside, deadLetterFile, leftOut, millis, as);
        }
    }

    /**
     * One run: a snapshot of the source, or one per schema where it names several ({@link SchemaSet}),
     * or of the folder alone. A set that fails part way gives {@code storedBeforeFailure} the
     * snapshots it stored (each whole) before it throws.
     */
    private List<Taken> backupOnce(java.util.function.Consumer<List<Taken>> storedBeforeFailure) {
        if (source == null) {
            return List.of(journaled(filesSource(), () -> {
                Repository.BackupBuilder builder = repo.open(this::runOptions).backup().source(filesSource()).tags(tags).folder(files);
                Snapshot snapshot = builder.filesOnly();
                return new Taken(snapshot, List.of(), List.of(), List.of(), Map.of(), Map.of(), builder.phases(), 0, null, List.of());
            }));
        }
        if (!cutover.postgres.PostgresProvider.namesSeveralSchemas(Location.parse(source))) {
            // journaled as it starts, before connecting and deriving the key: a backup killed then shows as begun
            return List.of(journaled(redactedSource(), () -> {
                // readers, and the changed rows copied beside their counts; connecting while the key is derived
                try (Endpoints.Opening opening = Endpoints.openSourceBeside(source, 2 * parallel, connectorSettings())) {
                    Repository repository = repo.open(this::runOptions);
                    try (Connector connector = opening.take()) {
                        return backupWith(repository, connector, null);
                    }
                }
            }));
        }
        List<Taken> out = new ArrayList<>();
        Instant started = Instant.now();
        try {
            backupSet(out);
        } catch (CutoverException e) {
            // a failure before the first schema's backup began is the set's; a schema's own journaled it
            if (out.isEmpty() && !journaledFailure) new Journal(state.state).append(JournalEntry.failed(started, "backup", null, redactedSource(), repo.recorded(), e));
            journaledFailure = false;
            if (!out.isEmpty()) storedBeforeFailure.accept(out);
            throw e;
        }
        return out;
    }

    /** A snapshot of each schema the source names, into {@code out} as each is stored, all read at one moment. */
    private void backupSet(List<Taken> out) {
        if (files != null) {
            throw new CutoverException(ErrorCode.USAGE, "--files goes with one snapshot, and " + Location.redact(source) + " names several"
                    + " schemas, each a snapshot: back the folder up with one of them, or on its own");
        }
        try (Endpoints.Opening opening = Endpoints.openSourceBeside(source, 2 * parallel, connectorSettings())) {
            Repository repository = repo.open(this::runOptions);
            try (Connector connector = opening.take()) {
                SchemaSet set = Endpoints.require(connector, SchemaSet.class);
                List<Connector> schemas = set.schemas().stream().map(set::ofSchema).toList();
                cutover.backup.SnapshotSet together = cutover.backup.SnapshotSet.of(schemas.stream()
                        .map(ofSchema -> Location.withoutSecrets(Endpoints.recordedAs(ofSchema.location().raw()))).toList());
                // a schema that is not there stops the set before any of it is stored, not part way
                for (Connector ofSchema : schemas) leftOut(ofSchema, Endpoints.require(ofSchema, Source.class));
                // every schema's rows as they were at one moment, though each is a snapshot of its own
                try (cutover.connector.PointInTime moment = set.holdAtThisMoment()) {
                    for (Connector ofSchema : schemas) {
                        try (ofSchema) {
                            out.add(journaled(Location.redact(Endpoints.recordedAs(ofSchema.location().raw())), () -> backupWith(repository, ofSchema, together)));
                        }
                    }
                }
            }
        }
    }

    /** Whether the failure being thrown was journaled already, by the snapshot's own entry. */
    private boolean journaledFailure;

    /** The repository's run settings as the flags give them. */
    private cutover.backup.RepositoryOptions runOptions(cutover.backup.RepositoryOptions options) {
        options = lockWait.apply(options);
        return compressionLevel == null ? options : options.withZstdLevel(compressionLevel);
    }

    /**
     * Rows per key range when a backup reads a table of a PostgreSQL server on this machine. A
     * backup passes the server's COPY text through, so the server does most of the per-row work;
     * on this machine it shares the cores with the backup's own threads, and two ranges at once of a
     * 1M-row table read ~7% slower than one (their restore too), while at 10M rows two ranges are
     * no slower (bench/RESULTS.md, eighth session). A server elsewhere keeps the connector's default:
     * there the backup's own threads are what parallel ranges share out.
     */
    static final int SPLIT_ROWS_ON_THIS_MACHINE = 1_000_000;

    Map<String, String> connectorSettings() {
        Map<String, String> out = new java.util.HashMap<>();
        if (followChanges != null) {
            out.put(cutover.postgres.PostgresProvider.FOLLOW_CHANGES.name(), followChanges);
            out.put(cutover.postgres.PostgresProvider.FOLLOW_CHANGES_WAIT.name(), String.valueOf(followChangesWait));
        }
        if (source != null && cutover.postgres.PostgresProvider.onThisMachine(Location.parse(source))) {
            out.put(cutover.postgres.PostgresProvider.SPLIT_ROWS.name(), String.valueOf(SPLIT_ROWS_ON_THIS_MACHINE));
        }
        return out;
    }

    /** The backup's source as the journal names it: the location without its password, or the folder backed up alone. */
    private String redactedSource() {
        return source != null ? Location.redact(Endpoints.recordedAs(source)) : filesSource();
    }

    /** The source a snapshot of a folder alone records: the folder's absolute path, as a file location's. */
    private String filesSource() {
        return Location.ofFile("files", files);
    }

    /**
     * Runs one backup, recording it in the journal as it starts (its snapshot has no id yet: the start
     * names none) and again as it ends, whether it succeeds or not: a backup killed shows as begun.
     */
    private Taken journaled(String redacted, java.util.function.Supplier<Taken> backup) {
        Instant started = Instant.now();
        Journal journal = new Journal(state.state);
        journal.append(JournalEntry.started(started, "backup", null, redacted, repo.recorded()));
        try {
            Taken taken = backup.get().journaled(Duration.between(started, Instant.now()).toMillis(), redacted);
            Snapshot snapshot = taken.snapshot();
            journal.append(new JournalEntry(started, "backup", snapshot.shortId(), taken.setAside() > 0 ? JournalEntry.SUCCEEDED_WITH_REJECTS : JournalEntry.SUCCEEDED,
                    redacted, repo.recorded(),
                    Duration.between(started, Instant.now()).toMillis(), SnapshotsCommand.summary(snapshot), warnings(taken), null));
            return taken;
        } catch (CutoverException e) {
            journal.append(JournalEntry.failed(started, "backup", null, redacted, repo.recorded(), e));
            journaledFailure = true;
            throw e;
        }
    }

    /** The backup of the connector's source into the open repository; {@code set}: the snapshots it is taken with, or null. */
    private Taken backupWith(Repository repository, Connector connector, cutover.backup.SnapshotSet set) {
        Map<String, ProgressDisplay.Line> lines = new ConcurrentHashMap<>();
        try (ProgressDisplay display = ProgressDisplay.start(output.showProgress(), "records", () -> new TreeMap<>(lines))) {
            Source src = Endpoints.require(connector, Source.class);
            String recorded = Endpoints.recordedAs(connector.location().raw());
            List<String> leftOut = leftOut(connector, src);
            Repository.BackupBuilder builder = repository.backup().source(recorded).tags(tags).takenWith(set).folder(files).readers(parallel);
            // a database that digests its tables lets the tables unchanged since the last snapshot go unread
            connector.capability(cutover.verify.Digests.class).ifPresent(builder::unchangedFrom);
            Snapshot snapshot;
            long setAside;
            Path deadLetterFile;
            try (BackupDeadLetters dead = new BackupDeadLetters(state.state, Instant.now())) {
                builder.unreadableTo(dead::add);
                snapshot = builder.from(src, (entity, n) -> lines.put(entity.value(), new ProgressDisplay.Line(n, -1)));
                setAside = dead.count();
                deadLetterFile = dead.path();
            }
            Map<String, String> readWhole = new LinkedHashMap<>();
            builder.readWhole().forEach((entity, why) -> readWhole.put(entity.value(), why));
            List<String> said = new ArrayList<>(leftOut);
            said.addAll(src.momentWarnings()); // this run's: the tables not locked while read, say
            return new Taken(snapshot, names(builder.unchanged()), names(builder.layered()), names(builder.toldByLog()), readWhole,
                    Map.copyOf(builder.damagedSnapshots()), builder.phases(), setAside, deadLetterFile, said);
        }
    }

    /** What of the connector's endpoint a backup of its source does not read: asked once a process (a scheduled run's catalog does not change that). */
    private List<String> leftOut(Connector connector, Source source) {
        return leftOut.computeIfAbsent(Endpoints.recordedAs(connector.location().raw()), any -> source.leftOut());
    }

    private static List<String> names(List<cutover.model.EntityName> entities) {
        return entities.stream().map(cutover.model.EntityName::value).toList();
    }

    /**
     * Scheduled backups that follow the log ({@code --every … --follow-changes}): the source and the
     * repository stay open from run to run (the key is derived once), and a thread lets the source
     * read the log as it is written ({@link cutover.connector.ChangeTracking#keepUp}: a replication
     * stream, started once a run is stored, kept up and restarted by later calls), so a run waits
     * only for what was logged just before its moment. They are opened by the first run that can
     * reach them, so a database down when the command starts is a failed run, retried at the next
     * interval, as without {@code --follow-changes}.
     */
    private final class Following implements AutoCloseable {
        /** How often the stream is looked after (started after a stored run, given the tables' keys). */
        private static final long KEEP_UP_SECONDS = 2;
        private final java.util.concurrent.ScheduledExecutorService keeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "cutover-follow-changes");
            t.setDaemon(true);
            return t;
        });
        private Connector connector;
        private Repository repository;
        private Runnable keepUp; // null until the source is open, or where it tracks no changes
        private cutover.connector.ChangeTracking tracking; // null until the source is open, or where it tracks no changes

        Taken backup() {
            if (tracking != null) tracking.backupBegins(); // what the source does between runs stops competing with this one
            Taken stored = journaled(redactedSource(), () -> {
                open();
                return backupWith(repository, connector, null);
            });
            // at once, not at the next tick: a run stored just before a tick would leave the stream
            // down for up to a tick, and a short interval's next run would decode the log itself
            if (keepUp != null) keeper.execute(keepUp);
            repository.warmUpForLaterBackups(stored.snapshot()); // once per process: what later runs do more often than this one
            return stored;
        }

        private void open() {
            if (connector != null) return;
            Connector opened = Endpoints.openSource(source, 2 * parallel, connectorSettings());
            try {
                repository = repo.open(BackupCommand.this::runOptions);
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            connector = opened;
            if (Endpoints.require(connector, Source.class) instanceof cutover.connector.ChangeTracking tracking) {
                this.tracking = tracking;
                tracking.staysUp();
                keepUp = () -> {
                    try {
                        tracking.keepUp();
                    } catch (RuntimeException e) {
                        // the changes stay in the log: the next run reads them
                    }
                };
                keeper.scheduleWithFixedDelay(keepUp, KEEP_UP_SECONDS, KEEP_UP_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            keeper.shutdownNow();
            if (connector != null) connector.close();
        }
    }

    /** What of each source's endpoint the backups do not read, by the source's recorded location: asked once a process. */
    private final Map<String, List<String>> leftOut = new ConcurrentHashMap<>();

    private List<String> warnings(Taken taken) {
        Snapshot s = taken.snapshot();
        Map<String, String> damagedSnapshots = taken.damagedSnapshots();
        List<String> out = new ArrayList<>(taken.leftOut());
        if (!damagedSnapshots.isEmpty()) {
            out.add(Counted.of(damagedSnapshots.size(), "snapshot") + " of the repository did not read, and this backup builds on the newest"
                    + " one of its source that does (reading again what changed since): " + String.join("; ", damagedSnapshots.values())
                    + ". `cutover backup repair snapshots --repo " + repo.repo + "` removes the snapshots that do not read (none can be restored)");
        }
        if (files != null && !s.files().isEmpty()) out.addAll(FolderLeftOut.of(files));
        for (EntitySnapshot e : s.entities()) {
            if (e.unreadable() > 0) {
                out.add(e.name() + ": " + e.unreadable() + " records the source could not decode are not in the snapshot, e.g. "
                        + String.join("; ", e.unreadableSamples().subList(0, Math.min(3, e.unreadableSamples().size())))
                        + (taken.setAside() > 0 ? "; each is listed with its text and why in " + taken.deadLetterFile() : ""));
            }
        }
        return out;
    }

    /** What a run stored: one snapshot as ever; several (a set of schemas) each in turn, their warnings said once. */
    private void print(List<Taken> taken) {
        if (output.json) {
            List<Map<String, Object>> each = taken.stream().map(this::json).toList();
            // several are listed under "snapshots"; one, as ever, is the object itself
            System.out.println(Json.write(each.size() == 1 ? each.get(0) : Map.of("snapshots", each)));
            return;
        }
        java.util.LinkedHashSet<String> warnings = new java.util.LinkedHashSet<>();
        taken.forEach(t -> warnings.addAll(warnings(t)));
        if (!output.showSummary()) {
            output.warnings(List.copyOf(warnings));
            taken.forEach(t -> output.setAsideWhenQuiet(t.setAside(), t.deadLetterFile()));
            return;
        }
        taken.forEach(this::printSummary);
        output.warnings(List.copyOf(warnings));
        for (Taken t : taken) {
            if (t.setAside() > 0) System.out.println(Counted.of(t.setAside(), "record") + " set aside, each with its reason: " + t.deadLetterFile());
        }
    }

    private Map<String, Object> json(Taken t) {
        Map<String, Object> out = new LinkedHashMap<>(SnapshotsCommand.summary(t.snapshot()));
        out.put("unchanged", t.unchanged());
        out.put("changesOnly", t.layered());
        out.put("changesFromLog", t.toldByLog());
        out.put("readWhole", t.readWhole());
        out.put("phasesMillis", t.phases().millis());
        out.put("deadLettered", t.setAside());
        out.put("deadLetterFile", t.setAside() > 0 ? t.deadLetterFile().toString() : null);
        out.put("warnings", warnings(t));
        return out;
    }

    private void printSummary(Taken t) {
        Snapshot s = t.snapshot();
        System.out.printf(java.util.Locale.ROOT, "snapshot %s of %s: %s in %s, %s of data, %s stored, %s added%n",
                s.shortId(), s.source(), Counted.of(s.records(), "record"), Counted.of(s.entities().size(), "entity", "entities"), SnapshotsCommand.bytes(s.totalBytes()),
                SnapshotsCommand.bytes(s.storedBytes()), SnapshotsCommand.bytes(s.addedBytes()));
        for (EntitySnapshot e : s.entities()) {
            System.out.printf(java.util.Locale.ROOT, "  %-28s %,12d %s%s%n", e.name(), e.records(), e.records() == 1 ? "record " : "records",
                    t.unchanged().contains(e.name()) ? " (unchanged since the last snapshot: not read)"
                            : t.layered().contains(e.name()) ? " (only the rows changed since the last snapshot stored"
                            + (t.toldByLog().contains(e.name()) ? ", found in the write-ahead log)" : ")")
                            : t.readWhole().containsKey(e.name()) ? " (read whole: " + t.readWhole().get(e.name()) + ")" : "");
        }
        if (!s.files().isEmpty()) {
            System.out.printf(java.util.Locale.ROOT, "  %-28s %,12d files, %s%n", "(files)", s.files().size(), SnapshotsCommand.bytes(s.fileBytes()));
        }
    }
}
