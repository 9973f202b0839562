package cutover.cli;

import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Parallelism;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;
import cutover.migrate.DeadLetterLimit;
import cutover.migrate.MigrateResult;
import cutover.migrate.Migration;
import cutover.migrate.MigrationProgress;
import cutover.plan.PlanChecker;
import cutover.plan.PlanFile;
import cutover.plan.PlanMapper;
import cutover.plan.PlanProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs a plan: creates (or checks) the target tables and copies every record through the plan's
 * mapping. The run id is derived from the source, the target and the plan's text, so running the same
 * plan again resumes where an interrupted run stopped.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copies the source into the target as the plan says: parallel, batched, resumable.", "", "Each batch commits together with its checkpoint: kill it at any moment, run it again, and every record ends up exactly once in the target or in the run's dead-letter file. Exit 1 when records were set aside (dead-letter file), 7 when too many were.", "",
                "Before it writes, it snapshots the source and (when it has tables) the target into a backup repository"
                        + " (--backup-repo, env CUTOVER_BACKUP_REPO, else <state>/backups, created on first use) and records both in the journal"
                        + " as rollback points; a resumed run reuses its first attempt's (named by the journal of its --state), a run started"
                        + " over with --restart takes new ones. The passphrase comes from --backup-password-file,"
                        + " CUTOVER_PASSWORD or a prompt; without one it stops before writing (exit 8) unless given --no-backup."})
final class MigrateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (from `cutover plan`).")
    Path planFile;

    @Option(names = "--restart", description = "Forget the checkpoints of this plan's run and start over (rows already written are updated, not duplicated).")
    boolean restart;

    @Option(names = "--parallel", paramLabel = "N", description = "Splits migrated at once (default: the plan's, else the number of cores).")
    Integer parallel;

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per committed batch (default: the plan's, else 2500).")
    Integer batchSize;

    @Option(names = "--dead-letter-limit", paramLabel = "N|P%",
            description = "Stop when more records than this go to the dead-letter file, as a count or a percentage (default: the plan's).")
    String deadLetterLimit;

    @Option(names = "--verify", description = "Right after the migration, verify the target against the source through the plan"
            + " (as `cutover verify PLAN`); exit 9 when it finds differences.")
    boolean verify;

    @Option(names = "--triggers", paramLabel = "quiet|fire", description = "Whether the target's own triggers (and rules on INSERT)"
            + " act on the rows written: quiet (default from a database, whose rows are what its own triggers made already, as"
            + " pg_restore --disable-triggers) or fire (default from documents: as the application's writes would).")
    Triggers triggers;

    @Option(names = "--no-owner", description = "The role writing owns the tables, views and functions the migration makes, whoever owned"
            + " them in the source (as pg_restore --no-owner). By default each goes to its owner in the source where the target has that role.")
    boolean noOwner;

    /** What the target's own triggers do for the rows written ({@code --triggers}). */
    enum Triggers { quiet, fire }

    @Mixin OutputOptions output;
    @Mixin StateOptions state;
    @Mixin MigrateBackupOptions backup = new MigrateBackupOptions();

    /** With --verify --json, the migration's JSON waits here to be printed together with the verification's summary. */
    private Map<String, Object> pendingJson;

    @Override
    public Integer call() throws IOException {
        MigrateResult result = runPlan();
        int code = result.totals().deadLettered() > 0 ? 1 : 0;
        if (!verify) return code;
        VerifyCommand v = new VerifyCommand();
        v.what = List.of(planFile.toString());
        v.state = state;
        v.output = new OutputOptions();
        v.output.quiet = output.quiet || output.json;
        v.show = 20;
        var verified = v.run();
        if (output.json) {
            pendingJson.put("verify", VerifyCommand.details(verified));
            System.out.println(Json.write(pendingJson));
        }
        return verified.equal() ? code : 9;
    }

    /** Runs the plan, records it in the journal and prints the summary; the demo calls it too. */
    MigrateResult runPlan() throws IOException {
        Instant started = Instant.now();
        PlanFile file = PlanFile.load(planFile);
        var plan = file.plan();
        String runId = runId(plan.source(), plan.target(), Files.readString(planFile));
        Journal journal = new Journal(state.state);
        List<JournalEntry> earlierEntries = journal.read();
        journal.append(JournalEntry.started(started, "migrate", runId, Location.redact(plan.source()), Location.redact(plan.target())));
        int parallelism = parallel != null ? parallel : plan.options().effectiveParallelism();
        // a reader or writer per split at once, and the run's state; before it, the rollback points' backups
        int connections = Math.max(parallelism + 2, backup.noBackup ? 0 : 2 * Parallelism.DEFAULT);
        try (Connector sourceConnector = Endpoints.openSource(plan.source(), connections);
             Connector targetConnector = Endpoints.openTarget(plan.target(), connections)) {
            Source source = Endpoints.require(sourceConnector, Source.class);
            Sink sink = Endpoints.require(targetConnector, Sink.class);
            requireEntitiesInSource(plan, source);
            if (triggersQuiet(source)) sink.keepTriggersQuiet();
            if (noOwner && sink instanceof cutover.connector.CopyTextSink copying) copying.ownWhatItMakes();
            TargetInfo target = sink.describe();
            List<PlanProblem> problems = PlanChecker.check(file, null, target);
            List<PlanProblem> errors = problems.stream().filter(PlanProblem::isError).toList();
            if (!errors.isEmpty()) {
                throw new CutoverException(ErrorCode.PLAN_INVALID, "the plan has " + errors.size() + " problem(s):\n  "
                        + String.join("\n  ", errors.stream().map(PlanProblem::toString).toList())
                        + "\nFix them (cutover plan check " + planFile + " explains each) and run again.");
            }
            List<String> warnings = new java.util.ArrayList<>();
            if (!target.schemaExists()) warnings.add(RestoreCommand.schemaMade(target.defaultSchema(), "the migration made it"));
            TablesAsDefined.Definitions definitions = TablesAsDefined.find(plan, source, sink, target);
            warnings.addAll(definitions.fromPlanTypes().values());
            PlanMapper mapper = PlanMapper.of(plan, definitions.byTable());
            boolean startsOver = restart;
            java.util.Set<cutover.model.EntityName> readAgain = java.util.Set.of();
            if (!restart && !sink.checkpoints(runId).isEmpty()) {
                // every table the run writes, a record's list's child table too, as the target names them
                List<String> planTables = UndoneRun.asTargetNames(mapper.tables(), target.defaultSchema());
                Optional<String> restored = UndoneRun.restored(earlierEntries, runId, plan.target(), planTables);
                Optional<UndoneRun.Gone> gone = UndoneRun.tablesGone(plan, planTables, target.tables().keySet(), target.defaultSchema());
                // restored over, or a record's list's table dropped: every checkpoint goes; an entity's table dropped: its splits are read again
                boolean everyCheckpoint = restored.isPresent() || gone.map(g -> g.readAgain().isEmpty()).orElse(false);
                if (restored.isEmpty() && gone.isPresent() && !everyCheckpoint) readAgain = gone.get().readAgain();
                startsOver = everyCheckpoint;
                Optional<String> said = restored.isPresent() ? restored
                        : gone.map(g -> g.said(runId, everyCheckpoint ? "it starts over (as --restart does)" : "their rows are read again"));
                if (said.isPresent()) {
                    warnings.add(said.get());
                    if (!output.json) System.err.println("note: " + said.get()); // now, not after a run longer than expected
                }
            }
            Optional<RollbackPoints> rollbackPoints = Optional.empty();
            if (!backup.noBackup) {
                var outcome = new RollbackPointTaker(backup, state.state, journal, output.showProgress())
                        .takeOrReuse(runId, startsOver, takes(plan), plan.source(), sourceConnector, source, plan.target(),
                                targetConnector, sink, target);
                rollbackPoints = outcome.points();
                outcome.warning().ifPresent(warnings::add);
            }
            Path runDirectory = state.state.resolve("runs").resolve(runId);
            if (startsOver) {
                Migration.startOver(sink, runId, runDirectory);
                // from here the journal's restores before this attempt no longer undo it
                journal.append(new JournalEntry(Instant.now(), UndoneRun.RESET, runId, JournalEntry.SUCCEEDED, Location.redact(plan.source()),
                        Location.redact(plan.target()), 0, Map.of("why", restart ? "--restart" : "the target changed under the run"), List.of(), null));
            }
            Files.createDirectories(runDirectory);
            MigrationProgress progress = new MigrationProgress();
            Migration migration = Migration.builder()
                    .source(source).sink(sink).mapper(mapper)
                    .runId(runId).runDirectory(runDirectory)
                    .parallelism(parallelism)
                    .batchSize(batchSize != null ? batchSize : plan.options().batchSize())
                    .createTables(plan.options().createTables())
                    .deadLetterLimit(deadLetterLimit != null ? parseLimit(deadLetterLimit) : plan.options().deadLetterLimitValue())
                    .progress(progress)
                    .readAgain(readAgain)
                    .build();
            Optional<cutover.model.NativeDefinition> schemaObjects = source instanceof cutover.connector.CopyTextSource copying
                    ? copying.schemaObjects() : Optional.empty();
            if (sink instanceof cutover.connector.CopyTextSink copyingSink) {
                Map<String, String> renamed = new java.util.LinkedHashMap<>();
                moved(plan, target.defaultSchema()).forEach((from, to) -> to.ifPresent(t -> renamed.put(from, t)));
                copyingSink.tablesRenamed(renamed); // the foreign keys of tables made as the source defines them name the source's tables
                schemaObjects.ifPresent(objects -> copyingSink.makeSchemaObjectsTablesUse(runId, objects));
            }
            MigrateResult result;
            try (ProgressDisplay display = ProgressDisplay.start(output.showProgress(), "records", () -> lines(progress))) {
                result = migration.run();
            } catch (CutoverException e) {
                if (e.code() != ErrorCode.DEAD_LETTER_LIMIT) throw e;
                throw new CutoverException(e.code(), e.getMessage() + " (" + runDirectory.resolve(Migration.DEAD_LETTER_FILE) + ")", e, e.retryable());
            }
            warnings.addAll(result.warnings());
            schemaObjects.ifPresent(objects -> warnings.addAll(schemaObjects(objects, sink, plan, target.defaultSchema(), tablesBefore(target, sink, runId), definitions.byTable().keySet(),
                    result.leftOut())));
            problems.stream().filter(p -> !p.isError()).forEach(p -> warnings.add(p.toString()));
            boolean rejects = result.totals().deadLettered() > 0;
            journal.append(new JournalEntry(started, "migrate", runId, rejects ? JournalEntry.SUCCEEDED_WITH_REJECTS : JournalEntry.SUCCEEDED,
                    Location.redact(plan.source()), Location.redact(plan.target()), Duration.between(started, Instant.now()).toMillis(),
                    details(result, target, rollbackPoints), warnings, null));
            print(result, warnings, target, rollbackPoints);
            return result;
        } catch (CutoverException e) {
            journal.append(JournalEntry.failed(started, "migrate", runId, Location.redact(plan.source()), Location.redact(plan.target()), e));
            throw e;
        }
    }

    /**
     * The target's tables before the run: as described at its start, but without the tables an
     * earlier attempt of the same run made as the source defined them. Resumed after a failure, the
     * run found them there, and took them for the application's own: their triggers, policies,
     * grants and owners were not made.
     */
    private static java.util.Set<String> tablesBefore(TargetInfo atStart, Sink sink, String runId) {
        java.util.Set<String> tables = new java.util.HashSet<>(atStart.tables().keySet());
        if (!(sink instanceof cutover.connector.CopyTextSink copying)) return tables;
        java.util.Set<String> earlier = copying.tablesMadeBy(runId);
        tables.removeIf(earlier::contains); // both name a table of another schema than the target's with it
        return tables;
    }

    /**
     * What the source holds beside its tables (a PostgreSQL schema's functions, views, sequences no
     * column uses, triggers, policies), made in the target where it lacks them once the tables are
     * complete; returns what could not be made (the triggers and policies of a table the plan renames
     * or leaves out, a view over one, a target of another kind). {@code targetSchema} is the
     * target's schema, where they are made; {@code tablesBefore} are the
     * target's tables before the run (the application's own), {@code madeAsDefined} are the plan's
     * tables made as the source defines them, {@code leftOut} the source's tables the plan does not list.
     */
    private static List<String> schemaObjects(cutover.model.NativeDefinition objects, Sink sink, cutover.plan.Plan plan, String targetSchema,
                                              java.util.Set<String> tablesBefore, java.util.Set<String> madeAsDefined, List<cutover.model.EntityName> leftOut) {
        if (!(sink instanceof cutover.connector.CopyTextSink target)) {
            return cutover.connector.CopyTextSink.notMade(objects, false).stream().toList();
        }
        Map<String, Optional<String>> moved = moved(plan, targetSchema);
        leftOut.forEach(e -> moved.putIfAbsent(bare(e.value()), Optional.empty()));
        // the application's own tables (there before the run) keep their own security and triggers
        java.util.Set<String> kept = new java.util.HashSet<>(), fromPlanTypes = new java.util.HashSet<>(), made = new java.util.HashSet<>();
        for (var e : plan.entities()) {
            if (e.skip()) continue;
            if (tablesBefore.contains(e.table())) kept.add(bare(e.source()));
            else if (!moved.containsKey(bare(e.source()))) made.add(bare(e.source())); // made under the source's name: the source's owner's
            if (!kept.contains(bare(e.source())) && !madeAsDefined.contains(e.table())) fromPlanTypes.add(bare(e.source()));
        }
        List<String> notMade = target.makeSchemaObjects(objects, new cutover.connector.TablesMade(moved, kept, fromPlanTypes, made));
        if (notMade.isEmpty() || moved.isEmpty()) return notMade;
        // a view or routine names the source's tables: one the plan renames or leaves out is the likely reason
        String hint = "; the plan renames or leaves out tables it may name: " + String.join(", ", moved.entrySet().stream()
                .map(e -> e.getKey() + e.getValue().map(t -> " (now " + t + ")").orElse(" (left out)")).toList());
        return notMade.stream().map(w -> w.matches("(view|materialized view|function|procedure) .*") ? w + hint : w).toList();
    }

    /**
     * Whether the target's triggers stay quiet for the rows written: by default, for rows of a
     * database's tables (they are what that database's triggers made: an {@code updated_at} trigger
     * would rewrite each, an audit trigger log each again), not for documents.
     */
    private boolean triggersQuiet(Source source) {
        return triggers == null ? source instanceof cutover.connector.CopyTextSource : triggers == Triggers.quiet;
    }

    /**
     * Refuses a plan naming an entity the source does not have (a misspelt name, a table given with
     * its schema): migrated as nothing, its table made empty, and verified "equal", it went unseen.
     * Only where the source names its entities without reading them (a database's catalog).
     */
    static void requireEntitiesInSource(cutover.plan.Plan plan, Source source) {
        Optional<List<cutover.connector.EntityInfo>> named = source.quickEstimates();
        if (named.isEmpty()) return;
        java.util.Set<cutover.model.EntityName> has = named.get().stream().map(cutover.connector.EntityInfo::name).collect(java.util.stream.Collectors.toSet());
        List<String> unknown = plan.entities().stream().filter(e -> !e.skip()).map(cutover.plan.EntityMapping::source)
                .filter(s -> !has.contains(cutover.model.EntityName.of(s))).toList();
        if (unknown.isEmpty()) return;
        throw new CutoverException(ErrorCode.PLAN_UNKNOWN_ENTITY, "the plan names " + (unknown.size() == 1 ? "an entity" : "entities")
                + " the source does not have: " + String.join(", ", unknown) + "; it has: " + String.join(", ", has.stream().map(cutover.model.EntityName::value).sorted().toList())
                + " (a database's tables are named without their schema). `cutover plan check` names each at its line");
    }

    /** Whether the plan takes a source entity (listed, not skipped): the rollback point of the source holds those, as the run reads no other. */
    static java.util.function.Predicate<cutover.model.EntityName> takes(cutover.plan.Plan plan) {
        java.util.Set<cutover.model.EntityName> taken = plan.entities().stream().filter(e -> !e.skip())
                .map(e -> cutover.model.EntityName.of(e.source())).collect(java.util.stream.Collectors.toSet());
        return taken::contains;
    }

    /** The source's tables (without their schema) the plan renames, to the table given, or leaves out (empty). */
    private static Map<String, Optional<String>> moved(cutover.plan.Plan plan, String targetSchema) {
        Map<String, Optional<String>> moved = new java.util.LinkedHashMap<>();
        // into another schema than the target's is moved too: its objects would be made in the target's, on another table
        plan.entities().stream().filter(e -> e.skip() || !bare(e.table()).equals(bare(e.source()))
                        || e.table().contains(".") && !e.table().substring(0, e.table().lastIndexOf('.')).equals(targetSchema))
                .forEach(e -> moved.put(bare(e.source()), e.skip() ? Optional.empty() : Optional.of(e.table())));
        return moved;
    }

    /** A table's name without its schema. */
    private static String bare(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    /** Same source, target and plan text: same run, so a re-run resumes it. Passwords are not part of it. */
    static String runId(String source, String target, String planText) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(Location.redact(source), Location.redact(target), planText)) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "m-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeadLetterLimit parseLimit(String text) {
        return new cutover.plan.Plan.Options(1, 0, text, true).deadLetterLimitValue();
    }

    private static Map<String, ProgressDisplay.Line> lines(MigrationProgress progress) {
        Map<String, ProgressDisplay.Line> out = new TreeMap<>();
        progress.snapshot().forEach((entity, s) -> out.put(entity.value(), new ProgressDisplay.Line(s.settledInAll(), s.estimated())));
        return out;
    }

    private static Map<String, Object> details(MigrateResult r, TargetInfo target, Optional<RollbackPoints> rollbackPoints) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("read", r.totals().read());
        d.put("written", r.totals().written());
        d.put("deadLettered", r.totals().deadLettered());
        d.put("skipped", r.totals().skipped());
        d.put("rowsWritten", r.rowsWritten());
        d.put("splits", r.splits());
        d.put("splitsResumed", r.splitsResumed());
        d.put("splitsAlreadyDone", r.splitsAlreadyDone());
        d.put("splitsCopiedAsText", r.splitsCopiedAsText());
        d.put("leftOut", r.leftOut().stream().map(cutover.model.EntityName::value).toList());
        d.put("deadLetterFile", r.deadLetterFile().toString());
        d.put("supabase", target.supabase());
        d.put("rollbackPoints", rollbackPoints.map(RollbackPoints::details).orElse(null));
        Map<String, Object> perEntity = new TreeMap<>();
        r.thisAttempt().forEach((e, s) -> perEntity.put(e.value(), Json.fields("read", s.read(), "written", s.written(),
                "deadLettered", s.deadLettered(), "skipped", s.skipped())));
        d.put("thisAttempt", perEntity);
        return d;
    }

    private void print(MigrateResult r, List<String> warnings, TargetInfo target, Optional<RollbackPoints> rollbackPoints) {
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("runId", r.runId());
            out.put("totals", Json.fields("read", r.totals().read(), "written", r.totals().written(),
                    "deadLettered", r.totals().deadLettered(), "skipped", r.totals().skipped()));
            out.put("details", details(r, target, rollbackPoints));
            out.put("warnings", warnings);
            out.put("durationMillis", r.duration().toMillis());
            if (verify) pendingJson = out;
            else System.out.println(Json.write(out));
            return;
        }
        if (!output.showSummary()) {
            output.warnings(warnings);
            output.setAsideWhenQuiet(r.totals().deadLettered(), r.deadLetterFile());
            return;
        }
        MigrateResult.Totals t = r.totals();
        System.out.printf(java.util.Locale.ROOT, "run %s: %,d read = %,d written + %,d dead-lettered + %,d skipped  (%s, %d splits",
                r.runId(), t.read(), t.written(), t.deadLettered(), t.skipped(), ReportCommand.human(r.duration()), r.splits());
        if (r.splitsResumed() > 0 || r.splitsAlreadyDone() > 0) {
            System.out.printf(", %d resumed, %d already done", r.splitsResumed(), r.splitsAlreadyDone());
        }
        System.out.println(")");
        if (!r.leftOut().isEmpty()) {
            System.out.println("  not read, the plan leaves them out: " + String.join(", ", r.leftOut().stream().map(cutover.model.EntityName::value).toList()));
        }
        // the totals above count every attempt; the lines below only this one's, and say so when there were others
        if (r.splitsResumed() > 0 || r.splitsAlreadyDone() > 0) System.out.println("  this attempt:");
        new TreeMap<>(r.thisAttempt()).forEach((e, s) -> System.out.printf(java.util.Locale.ROOT, "  %-28s %,12d read %,12d written %,8d dead-lettered %,8d skipped%n",
                e.value(), s.read(), s.written(), s.deadLettered(), s.skipped()));
        if (t.deadLettered() > 0) System.out.println("records set aside, each with its reason: " + r.deadLetterFile());
        if (r.splitsAlreadyDone() == r.splits() && r.splits() > 0) {
            // the same plan is the same run: a source changed since is not read again unless asked
            System.out.println("this run had finished already: nothing was read again. To move the source as it is now, run with --restart"
                    + " (rows already written are updated in place).");
        }
        rollbackPoints.ifPresent(p -> System.out.println(p.describe()));
        if (target.supabase()) {
            System.out.println("Supabase: the tables Cutover created have row level security enabled and no policies;"
                    + " they stay closed to the anon and authenticated roles until you write policies.");
        }
        output.warnings(warnings);
    }
}
