package cutover.cli;

import cutover.analyze.AnalyzeOptions;
import cutover.analyze.Analyzer;
import cutover.analyze.Schema;
import cutover.backup.Repository;
import cutover.backup.Snapshot;
import cutover.backup.KeyFilteredSource;
import cutover.backup.KeyGlob;
import cutover.backup.SnapshotSource;
import cutover.connector.Parallelism;
import cutover.connector.Source;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.DocumentTarget;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Sink;
import cutover.connector.Split;
import cutover.migrate.DeadLetterFile;
import cutover.connector.TargetInfo;
import cutover.model.Table;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;
import cutover.migrate.MigrateResult;
import cutover.migrate.Migration;
import cutover.migrate.MigrationProgress;
import cutover.plan.Plan;
import cutover.plan.PlanGenerator;
import cutover.plan.PlanMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a snapshot into any target through the migration pipeline: the snapshot is the source
 * (one split per part, so a table backed up in several key ranges is restored by as many readers),
 * the plan is generated from it as `cutover plan` would (one table per entity, keys as backed up;
 * from the manifest's field kinds, without reading the records twice), and the run resumes like a
 * migrate if it is interrupted.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restores a snapshot (or some of its entities, or the records whose key matches) into any target, by upsert on the key.", "",
                "--dry-run reads the snapshot and the target and says, per table, what would be inserted, updated or left unchanged, writing nothing.", "",
                "Each chunk is proven before its records are written; a damaged one stops the restore with BACKUP_CORRUPT."
                        + " A restore that stopped part way resumes when run again; one that finished restores again. A table without a primary key"
                        + " is restored only into a target where it is new or empty (its rows have no key to upsert by): over one that has rows the"
                        + " restore is refused before it writes, naming it (--only leaves it out). Exit 1 when the target set records aside (dead-letter file)."})
final class RestoreCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "The first digits of a snapshot id (see `cutover snapshots`), or latest where the repository holds one source's snapshots"
            + " (or a set's: a database's schemas backed up together, restored together).")
    String snapshotRef;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET",
            description = "Where to restore, e.g. postgresql://postgres@127.0.0.1:5432/app_restored, sqlite:./app.db, or firestore-export:./restored.json"
                    + " (documents written back as an export file, replaced whole).")
    String target;

    @Option(names = "--only", split = ",", paramLabel = "ENTITY", description = "Restore only these entities (comma-separated, as `snapshots --json` names them).")
    List<String> only = new ArrayList<>();

    @Option(names = "--where-key", paramLabel = "GLOB",
            description = "Restore only records whose key matches (e.g. 'u_1*'; * any characters, ? one). A key is the record's id (a document's id, a table's"
                    + " primary key value, a key of several columns their values joined by /; as the dead-letter file and verify name it),"
                    + " a subcollection's as parent/child (u_1/p7), so 'u_1*' picks those users and their subcollections.")
    String whereKey;

    @Option(names = "--files-to", paramLabel = "DIR",
            description = "Restore the snapshot's files (backed up with `backup --files`) under DIR; each file is proven before it takes its name."
                    + " --json gives their count and bytes as files (with --dry-run: those that would be written), beside the records' result with a TARGET.")
    Path filesTo;

    @Option(names = "--dry-run", description = "Commit nothing: say, per table, how many rows would be inserted, updated, are unchanged, or would be"
            + " refused by the target. The rows that would change are written into the target's existing tables in a transaction that is rolled back,"
            + " which tells what its constraints and triggers refuse (it waits at most 5 s for a row another session holds).")
    boolean dryRun;

    @Option(names = "--no-owner", description = "The role restoring owns the tables, views and functions the restore makes, whoever owned"
            + " them at backup (as pg_restore --no-owner). By default each goes to its owner at backup where the target has that role.")
    boolean noOwner;

    @Option(names = "--no-trial", description = "With --dry-run: only read the target; rows its own constraints (unique, check, foreign keys) would"
            + " refuse are then not foreseen, and the constraints are named instead.")
    boolean noTrial;

    @Option(names = "--delete", description = "Delete the target's rows the snapshot does not hold, in the tables restored (within --where-key), so"
            + " each holds what the snapshot held: rows added since (by a migration, by the application) go. Children before parents; a row another"
            + " table's row refers to is kept and named (exit 1). Tables the snapshot does not hold are left, named; sequences stay where they are"
            + " (ahead: no key is given twice). With --dry-run: how many would go, and which would be kept.")
    boolean delete;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Parts restored at once: entities, and the key ranges a table was backed up in (default: the processors, at least 2).")
    int parallel = Parallelism.DEFAULT;

    @Option(names = "--set", description = "Restore every snapshot taken together with SNAPSHOT (a database's schemas backed up at one moment,"
            + " ?schema=auth,public), each into its schema, in the order taken; `latest` does so where the repository's latest snapshots are such a set.")
    boolean wholeSet;

    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (target == null && filesTo == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: TARGET (or --files-to DIR)");
        }
        if (parallel < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "--parallel must be at least 1, found " + parallel);
        if (delete && target != null) { // before the target is opened: opening a SQLite file makes it
            Endpoints.cannotDeleteRows(target).ifPresent(why -> {
                throw new CutoverException(ErrorCode.SETTING_INVALID, "--delete: " + why + "; restore without --delete (its rows only in the"
                        + " target are then left as they are)");
            });
        }
        // a writer per part, and the run's state; connecting while the key is derived
        Instant started = Instant.now();
        Endpoints.Opening opening = target == null ? null : Endpoints.openTargetBeside(target, parallel + 2);
        try {
            Repository repository = repo.open(lockWait::apply);
            try (Repository.Lock lock = repository.lockForReading("restore")) {
                Optional<List<Snapshot>> set = snapshotRef.equals("latest") ? repository.latestSet() : Optional.empty();
                if (wholeSet && set.isEmpty()) set = Optional.of(repository.setOf(repository.snapshot(snapshotRef)));
                if (set.isPresent()) {
                    if (opening != null) opening.close(); // each snapshot of the set connects to its own schema
                    opening = null;
                    return new SetRestore(this, set.get()).run(repository);
                }
                Snapshot snapshot = repository.snapshot(snapshotRef);
                if (filesTo != null) restoreFiles(repository, snapshot);
                if (target == null) {
                    if (output.json) {
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("snapshot", snapshot.id());
                        if (dryRun) out.put("dryRun", true);
                        out.put("files", filesRestored);
                        out.put("durationMillis", Duration.between(started, Instant.now()).toMillis());
                        emit(out);
                    }
                    return 0;
                }
                String into = SchemaOfSnapshot.target(snapshot.source(), target);
                if (!into.equals(target)) { // the snapshot's schema, which the target named none of: connected again, to it
                    opening.close();
                    opening = null;
                    target = into;
                    intoSnapshotSchema = true;
                    opening = Endpoints.openTargetBeside(target, parallel + 2);
                }
                return restoreRecords(repository, snapshot, opening);
            }
        } finally {
            if (opening != null) opening.close();
        }
    }

    /**
     * Restores one snapshot of a set ({@link SetRestore}) into its schema of the target, in the
     * repository the set's restore opened and holds locked; its JSON goes to {@code json}.
     */
    int restoreMember(Repository repository, Snapshot snapshot, java.util.Set<String> restoredWith, java.util.Set<String> restoredAfter,
                      java.util.function.Consumer<Map<String, Object>> json) throws IOException {
        this.restoredWith = restoredWith;
        this.restoredAfter = restoredAfter;
        this.json = json;
        String into = SchemaOfSnapshot.target(snapshot.source(), target);
        intoSnapshotSchema = !into.equals(target);
        target = into;
        try (Endpoints.Opening opening = Endpoints.openTargetBeside(target, parallel + 2)) {
            return restoreRecords(repository, snapshot, opening);
        }
    }

    /**
     * Restores a set's member again ({@link SetRestore}) for what it could not make before another
     * schema was there: its rows, restored by this same command moments ago, are not read again
     * (its run's splits are done: the tables are completed and the schema's objects made).
     */
    int restoreMemberAgain(Repository repository, Snapshot snapshot, java.util.Set<String> restoredWith,
                           java.util.function.Consumer<Map<String, Object>> json) throws IOException {
        rowsJustRestored = true;
        return restoreMember(repository, snapshot, restoredWith, java.util.Set.of(), json);
    }

    /** Whether this run's rows were restored by this command already (a set's member restored again): its done splits are not started over. */
    private boolean rowsJustRestored;

    /** A copy of this command's options, to restore another snapshot with (a set's, one by one). */
    RestoreCommand withSameOptions() {
        RestoreCommand copy = new RestoreCommand();
        copy.target = target;
        copy.only = only;
        copy.whereKey = whereKey;
        copy.dryRun = dryRun;
        copy.noOwner = noOwner;
        copy.noTrial = noTrial;
        copy.delete = delete;
        copy.parallel = parallel;
        copy.repo = repo;
        copy.lockWait = lockWait;
        copy.output = output;
        copy.state = state;
        copy.spec = spec;
        return copy;
    }

    /** The schemas restored with this snapshot's (a set's), or none; those of them restored after it. */
    private java.util.Set<String> restoredWith = java.util.Set.of();
    private java.util.Set<String> restoredAfter = java.util.Set.of();

    /** Where the result's JSON goes: printed, or to a set's restore, which prints all of them as one. */
    private java.util.function.Consumer<Map<String, Object>> json = out -> System.out.println(Json.write(out));

    private void emit(Map<String, Object> out) {
        json.accept(out);
    }

    /**
     * The other schemas of the set whose lack kept something of this restore from being made (for
     * {@link SetRestore}: one restored after it is a reason to restore it again): those the snapshot
     * names that the target lacked when it began, and those the server's refusals named.
     */
    java.util.Set<String> lacked() {
        java.util.Set<String> out = new java.util.HashSet<>(missing);
        out.addAll(lacked);
        return out;
    }

    private java.util.Set<String> lacked = java.util.Set.of();
    private java.util.Set<String> missing = java.util.Set.of();

    /** How many rows only the target held this restore's --delete kept (rows of other tables refer to them). */
    long keptByDelete() {
        return deletion == null ? 0 : deletion.keptTotal();
    }

    /** The sentence for a target schema that was not there: a misspelt {@code ?schema=} would make one beside the one meant, unseen. */
    static String schemaMade(String schema, String what) {
        return "schema " + schema + " was not in the target: " + what + " (were another meant, check the target's ?schema=)";
    }

    /** Whether the target named no schema and the restore writes into the snapshot's ({@link SchemaOfSnapshot}). */
    private boolean intoSnapshotSchema;

    /**
     * What --files-to restored (with --dry-run: would restore): the folder, the files and their bytes,
     * for --json, on its own or within the records' result; null without --files-to.
     */
    private Map<String, Object> filesRestored;

    private void restoreFiles(Repository repository, Snapshot snapshot) {
        if (snapshot.files().isEmpty()) {
            throw new CutoverException(cutover.error.ErrorCode.BACKUP_NOT_FOUND, "snapshot " + snapshot.shortId() + " holds no files (back them up with `backup --files DIR`)");
        }
        if (dryRun) {
            filesRestored = Json.fields("to", filesTo.toString(), "count", snapshot.files().size(), "bytes", snapshot.fileBytes());
            if (output.showSummary()) System.out.printf(java.util.Locale.ROOT, "dry run: would restore %,d files (%s) under %s%n",
                    snapshot.files().size(), SnapshotsCommand.bytes(snapshot.fileBytes()), filesTo);
            return;
        }
        Instant started = Instant.now();
        long bytes = repository.restoreFiles(snapshot, filesTo);
        filesRestored = Json.fields("to", filesTo.toString(), "count", snapshot.files().size(), "bytes", bytes);
        new Journal(state.state).append(new JournalEntry(started, "restore --files-to", snapshot.shortId(), JournalEntry.SUCCEEDED,
                "backup:" + repo.repo + "#" + snapshot.shortId(), filesTo.toString(), Duration.between(started, Instant.now()).toMillis(),
                Json.fields("files", snapshot.files().size(), "bytes", bytes), List.of(), null));
        if (output.showSummary()) System.out.printf(java.util.Locale.ROOT, "restored %,d files (%s) of snapshot %s under %s%n",
                snapshot.files().size(), SnapshotsCommand.bytes(bytes), snapshot.shortId(), filesTo);
    }

    private int restoreRecords(Repository repository, Snapshot snapshot, Endpoints.Opening opening) throws IOException {
        Instant started = Instant.now();
        Snapshot whole = snapshot;
        if (!only.isEmpty()) snapshot = snapshot.only(only);
        // a key pattern matches no row of a table without a key: such a table is not read at all (a warning says so)
        List<String> keyless = whereKey == null ? List.of() : TablesWithoutKey.in(snapshot);
        if (!keyless.isEmpty()) {
            snapshot = snapshot.only(snapshot.entities().stream().map(cutover.backup.EntitySnapshot::name).filter(n -> !keyless.contains(n)).toList());
        }
        String sourceName = "backup:" + repo.repo + "#" + snapshot.shortId();
        // by the snapshot's id, not the repository's path: run again from a copy of the repository (the first
        // stopped on a damaged chunk), the same restore resumes, finishing the tables it had begun
        String runId = MigrateCommand.runId("snapshot:" + snapshot.id(), target, String.join(",", only) + (whereKey == null ? "" : " where-key " + whereKey));
        Journal journal = new Journal(state.state);
        if (!dryRun) journal.append(JournalEntry.started(started, "restore", runId, sourceName, Location.redact(target)));
        try {
            SnapshotSource snapshotSource = repository.source(snapshot);
            Source source = whereKey == null ? snapshotSource : new KeyFilteredSource(snapshotSource, KeyGlob.of(whereKey));
            MigrateResult result;
            List<String> said; // what the restore leaves out or changes, known before it writes
            try (Connector connector = opening.take()) {
                Optional<DocumentTarget> documents = connector.capability(DocumentTarget.class);
                if (documents.isPresent()) return restoreDocuments(snapshot, source, documents.get(), runId, sourceName, journal, started);
                // the plan is the whole snapshot's, with --only and a key pattern too: a partial restore writes
                // into the tables a whole one made (or makes them so: a reference column holds ids, as a whole
                // one's, not paths), and an entity none of whose records match still has its columns there.
                // The manifest has the kinds and counts it needs; an old one, or references (their foreign
                // keys), need a pass over the records
                SnapshotSource wholeSource = whole == snapshot ? snapshotSource : repository.source(whole);
                Optional<Schema> fromManifest = wholeSource.schemaFromManifest(sourceName);
                List<String> unreadNotTaken = new ArrayList<>();
                Snapshot taken = snapshot;
                Schema schema = fromManifest.orElseGet(() -> planShape(sourceName, wholeSource, taken, unreadNotTaken));
                Sink sink = Endpoints.require(connector, Sink.class);
                TargetInfo info = sink.describe();
                Plan plan = TablesWithoutKey.of(TableNamesKept.of(onlyTaken(PlanGenerator.generate(schema, sourceName, Location.withoutSecrets(target), info),
                        snapshot), whole), snapshot, sink);
                Path runDirectory = state.state.resolve("runs").resolve(runId); // made below the dry run, which has its own
                // tables are made as the source defined them, with a key pattern too: a PostgreSQL table's
                // snapshot gives its matching lines as they are stored (KeyFilteredSource's COPY text)
                Map<String, cutover.model.NativeDefinition> definitions = definitions(snapshot, plan);
                PlanMapper mapper = PlanMapper.ofPart(plan, definitions);
                if (!restoredWith.isEmpty() && sink instanceof cutover.connector.CopyTextSink copying) {
                    copying.schemasRestoredWith(restoredWith, restoredAfter);
                    // what names a schema of the set the target lacks now is not made until it is there, whatever the server's words
                    missing = new java.util.HashSet<>(copying.otherSchemasMissing(wholeSnapshot(snapshot) ? snapshot.schema() : null, definitions));
                    missing.retainAll(restoredWith);
                }
                said = warnings(keyless, widened(plan), madeFromPostgres(snapshot, plan, info, definitions.keySet()));
                said.addAll(unreadNotTaken);
                notMadeAsDefined(definitions, sink, info).ifPresent(said::add);
                noForeignKeysTo(plan, info).ifPresent(said::add);
                if (delete) tablesLeft(snapshot, plan, info, sink.partitionsOf(mapper.tables())).ifPresent(said::add);
                if (!info.schemaExists()) {
                    String made = dryRun ? "the restore would make it" : "the restore made it";
                    // a set's schemas are the snapshots' own, not a target's ?schema= that may be misspelt
                    said.add(0, restoredWith.isEmpty() ? schemaMade(info.defaultSchema(), made) : "schema " + info.defaultSchema() + " was not in the target: " + made);
                }
                if (snapshot.set() != null && restoredWith.isEmpty()) {
                    List<String> others = new ArrayList<>(snapshot.set().sources());
                    others.remove(snapshot.source());
                    said.add("snapshot " + snapshot.shortId() + " was taken together with snapshots of " + String.join(", ", others)
                            + ", at one moment: this restores its schema alone (`restore " + snapshot.shortId() + " --set` restores them all)");
                }
                if (intoSnapshotSchema && restoredWith.isEmpty()) { // a set's restore goes into each schema by design
                    said.add(0, "restored into " + Location.redact(target) + ": the schema snapshot " + snapshot.shortId()
                            + " was taken of, since the target named none (name another with ?schema=)");
                }
                tablesMade = tablesMade(mapper.tables(), info, sink, runId);
                restoredTables = mapper.tables().stream().map(Table::name).toList();
                sink.keepTriggersQuiet(); // the snapshot's rows go back as they were, not through the target's triggers
                if (noOwner && sink instanceof cutover.connector.CopyTextSink copying) copying.ownWhatItMakes();
                if (delete && !(sink instanceof cutover.connector.RowDeletion)) {
                    throw new CutoverException(ErrorCode.SETTING_INVALID, "--delete: " + Location.redact(target) + " is a kind of target that cannot"
                            + " delete rows; restore without --delete (its rows only in the target are then left as they are)");
                }
                if (delete) {
                    cannotDelete((cutover.connector.RowDeletion) sink, mapper.tables(), info);
                    // a table without a key has no key to find its rows only the target holds by: all go, and the snapshot's come whole
                    ((cutover.connector.RowDeletion) sink).replacesTablesWithoutKey();
                }
                if (dryRun) {
                    // a restore that finished before starts over when run again (below), its tables then no longer its own
                    Map<String, Sink.Checkpoint> before = sink.checkpoints(runId);
                    boolean finished = !before.isEmpty() && before.values().stream().allMatch(Sink.Checkpoint::done);
                    List<String> problems;
                    List<String> unchecked = new ArrayList<>();
                    try {
                        if (wholeSnapshot(snapshot) && sink instanceof cutover.connector.CopyTextSink copying) copying.rehearsesWith(snapshot.schema());
                        Sink.Rehearsal rehearsed = sink.rehearsePrepare(finished ? runId + "/again" : runId, mapper.tables(), plan.options().createTables());
                        problems = rehearsed.problems();
                        said.addAll(rehearsed.differences()); // a column the new table would make text, foreseen
                        // a default or check the target could not take: for a script beside what else would not be made
                        wouldNotMake.addAll(rehearsed.differences().stream().filter(w -> w.contains(" would not be restored: ")).toList());
                        if (delete) emptied(((cutover.connector.RowDeletion) sink).replacedWhole(), true).ifPresent(said::add);
                    } catch (Sink.NotCheckable e) {
                        problems = List.of();
                        unchecked.add("the target's tables were not checked as the restore would check them: " + e.getMessage()
                                + "; the rows are compared all the same, the values the target's columns cannot hold not foreseen");
                    }
                    if (!problems.isEmpty()) {
                        throw new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, "the target is not ready for the plan, so the restore would stop:\n  - "
                                + String.join("\n  - ", problems) + "\n" + TARGET_ADVICE);
                    }
                    RestoreDryRun.Forecast forecast;
                    try {
                        forecast = RestoreDryRun.run(plan, source, Endpoints.require(connector, Source.class), sink, info.tables().keySet(), !noTrial, runId,
                                parallel, dryRunChanges(state.state, runId), whereKey == null ? null : KeyGlob.of(whereKey), delete, this::announce);
                    } catch (CutoverException e) {
                        // the target is read as a source: a failure to read it (a table the role may not read whole) is the target's
                        throw Endpoints.asTargetWhereNamed(e, sourceName, target);
                    }
                    if (delete) forecast = forecast.withEmptied(((cutover.connector.RowDeletion) sink).replacedWhole());
                    List<String> warnings = new ArrayList<>(said);
                    warnings.addAll(unchecked);
                    warnings.addAll(sink.rulesOfItsOwn(mapper.tables(), new java.util.HashSet<>(forecast.trial().tables())));
                    warnings.addAll(forecast.trial().leftChanged());
                    warnings.addAll(forecast.trial().notes());
                    if (forecast.trial().notTried() != null && !noTrial) {
                        warnings.add("the rows that would change were not tried in the target (" + forecast.trial().notTried() + "): rows its own"
                                + " constraints refuse are not foreseen");
                    }
                    List<String> objects = schemaObjects(snapshot, sink, true);
                    warnings.addAll(objects);
                    // a part's: what of the schema it would not make (the restore lists it so too)
                    if (!wholeSnapshot(snapshot)) wouldNotMake.addAll(objects.stream().filter(w -> w.contains(" which this restore would not make")).toList());
                    if (sink instanceof cutover.connector.CopyTextSink copying) {
                        // a whole restore makes the schema's objects; a part, its tables' (their foreign keys)
                        Map<String, cutover.model.NativeDefinition> made = new TreeMap<>(definitions);
                        made.keySet().retainAll(tablesMade); // a table the target has keeps its own foreign keys
                        List<String> needOthers = new ArrayList<>(copying.wouldNeedOtherSchemas(wholeSnapshot(snapshot) ? snapshot.schema() : null, made));
                        if (wholeSnapshot(snapshot)) needOthers.addAll(copying.wouldNotMakeSchemaObjects(snapshot.schema()));
                        warnings.addAll(needOthers);
                        wouldNotMake.addAll(needOthers);
                    } else {
                        wouldNotMake.addAll(objects); // a target of another kind: none of them
                    }
                    if (delete && forecast.deletion() != null) warnings.addAll(deletionWarnings(forecast.deletion(), true));
                    // tables the restore would make have no rows to delete (acceptance run 20: "not tried" for nothing to try)
                    else if (delete && mapper.tables().stream().anyMatch(t -> info.tables().containsKey(t.name()))) warnings.add("--delete: the rows only in the target are counted as going; which of them the target would keep"
                            + " (other rows refer to them) is not foreseen: the deletion was not tried" + (noTrial ? " (--no-trial)" : ""));
                    if (whereKey != null && forecast.tables().stream().allMatch(t -> t.insert() + t.update() + t.unchanged() + t.refused() == 0)) {
                        warnings.add(nothingMatches(snapshot));
                    }
                    journal.append(new JournalEntry(started, "restore --dry-run", runId, JournalEntry.SUCCEEDED, sourceName, Location.redact(target),
                            Duration.between(started, Instant.now()).toMillis(), dryRunDetails(snapshot, forecast), warnings, null));
                    printDryRun(snapshot, forecast, warnings);
                    return 0;
                }
                Files.createDirectories(runDirectory);
                // a restore whose last attempt finished restores again whole (below), a table dropped since with the rest
                boolean finishedBefore = UndoneRun.lastAttemptFinished(journal.read(), "restore", runId);
                java.util.Set<cutover.model.EntityName> readAgain = finishedBefore || sink.checkpoints(runId).isEmpty() ? java.util.Set.of()
                        : readAgain(plan, mapper, info, sink, runId, runDirectory, said);
                java.util.concurrent.atomic.AtomicReference<MigrationProgress> progress = new java.util.concurrent.atomic.AtomicReference<>(new MigrationProgress());
                java.util.function.Supplier<Migration> migration = () -> Migration.builder().source(source).sink(sink)
                        .mapper(mapper).runId(runId).runDirectory(runDirectory).parallelism(parallel)
                        .progress(progress.get()).howToFixTheTarget(TARGET_ADVICE).readAgain(readAgain).build();
                if (wholeSnapshot(snapshot) && sink instanceof cutover.connector.CopyTextSink copying) {
                    copying.makeSchemaObjectsTablesUse(runId, snapshot.schema()); // the functions a default or check calls, before the tables
                } else if (snapshot.schema() != null && !tablesMade.isEmpty() && sink instanceof cutover.connector.CopyTextSink copying) {
                    copying.makesObjectsOfTablesAfter(snapshot.schema()); // the tables it makes get their own triggers and policies
                }
                try (ProgressDisplay display = ProgressDisplay.start(output.showProgress(), "records", () -> lines(progress.get()))) {
                    result = migration.get().run();
                    if (result.splits() > 0 && result.splitsAlreadyDone() == result.splits() && !rowsJustRestored) {
                        // This restore had finished before (same snapshot, target and options: same run). Run again, a
                        // restore puts the snapshot's rows back, whatever changed in the target since; resuming is for
                        // a restore that stopped part way. The finished run's checkpoints and dead letters go.
                        Migration.startOver(sink, runId, runDirectory);
                        progress.set(new MigrationProgress());
                        result = migration.get().run();
                    }
                }
                if (delete) {
                    // before the schema objects: the snapshot's FORCE ROW LEVEL SECURITY, made again, would hold the
                    // table's owner to its policies, and the keys are read whole or not at all. The keys are compared and
                    // the rows deleted without a bar: say what is under way (a lock may make it wait)
                    announce("--delete: finding the rows only the target holds, then deleting them…");
                    Instant deleting = Instant.now();
                    try {
                        deletion = RestoreDeletion.run(plan, source, Endpoints.require(connector, Source.class), sink, info.tables().keySet(), parallel,
                                runDirectory, whereKey == null ? null : KeyGlob.of(whereKey), this::announce);
                    } catch (CutoverException e) {
                        // the tables the restore made get their objects all the same: made without them, their row-level security is not there
                        try {
                            schemaObjects(snapshot, sink, false);
                        } catch (RuntimeException alsoFailed) {
                            e.addSuppressed(alsoFailed);
                        }
                        // the target is read as a source to find its rows: a failure to read it is the target's (acceptance run 19)
                        throw Endpoints.asTargetWhereNamed(e, sourceName, target);
                    }
                    Map<String, Long> emptied = ((cutover.connector.RowDeletion) sink).replacedWhole();
                    deletion = deletion.withEmptied(emptied);
                    said.addAll(deletionWarnings(deletion, false));
                    emptied(emptied, false).ifPresent(said::add);
                    said.addAll(((cutover.connector.RowDeletion) sink).deletionWarnings()); // acceptance run 21: a DO ALSO rule's rows, unsaid
                    deletionTook = Duration.between(deleting, Instant.now());
                }
                schemaObjectsNotMade = schemaObjects(snapshot, sink, false);
                said.addAll(schemaObjectsNotMade);
                if (sink instanceof cutover.connector.CopyTextSink copying) lacked = copying.schemasLacked();
            }
            for (String w : said) result = result.withWarning(w);
            if (whereKey != null && result.totals().read() == 0) {
                result = result.withWarning(nothingMatches(snapshot) + (deletion != null && deletion.deletedTotal() > 0
                        ? String.format(java.util.Locale.ROOT, " (--delete deleted %,d row(s) only the target held)", deletion.deletedTotal()) : ""));
            }
            // --delete that kept rows, or could not tell which to delete, did not do what was asked
            boolean rejects = result.totals().deadLettered() > 0 || (deletion != null && (deletion.keptTotal() > 0 || deletion.notDone() != null));
            journal.append(new JournalEntry(started, "restore", runId, rejects ? JournalEntry.SUCCEEDED_WITH_REJECTS : JournalEntry.SUCCEEDED,
                    sourceName, Location.redact(target), Duration.between(started, Instant.now()).toMillis(), details(snapshot, result), result.warnings(), null));
            print(snapshot, result, Duration.between(started, Instant.now()));
            return rejects ? 1 : 0;
        } catch (CutoverException e) {
            journal.append(JournalEntry.failed(started, dryRun ? "restore --dry-run" : "restore", runId, sourceName, Location.redact(target), e));
            throw e;
        }
    }

    /**
     * For --delete: the target's tables the restore does not write (the snapshot has none of them: a
     * migration made them since), which it leaves as they are; empty where there are none, or where
     * --only chose the tables.
     */
    private Optional<String> tablesLeft(Snapshot snapshot, Plan plan, TargetInfo target, java.util.Set<String> partitions) {
        if (!only.isEmpty()) return Optional.empty();
        java.util.Set<String> restored = new java.util.HashSet<>(partitions); // a partition's rows are its table's (acceptance run 19)
        for (cutover.plan.EntityMapping e : plan.entities()) restored.add(e.table());
        // a set's other schemas' tables are restored by their own snapshots
        List<String> left = target.tables().keySet().stream().filter(t -> !restored.contains(t))
                .filter(t -> !t.contains(".") || !restoredWith.contains(t.substring(0, t.indexOf('.')))).sorted().toList();
        if (left.isEmpty()) return Optional.empty();
        return Optional.of("--delete deletes rows in the tables restored; the target's tables snapshot " + snapshot.shortId() + " does not hold"
                + " are left as they are, rows and all (a table a migration made since, say: drop it to roll that back): " + String.join(", ", left));
    }

    /**
     * Stops a restore with --delete, before it writes, where the target's existing tables would not
     * let the deletion find or delete their rows (a privilege, row-level security): it failed after
     * the rows were written (acceptance run 19).
     */
    private void cannotDelete(cutover.connector.RowDeletion sink, List<Table> tables, TargetInfo info) {
        List<String> why = sink.cannotDelete(tables.stream().filter(t -> info.tables().containsKey(t.name())).toList());
        if (why.isEmpty()) return;
        throw new CutoverException(ErrorCode.SETTING_INVALID, "--delete: the rows only " + Location.redact(target) + " holds could not be found"
                + " and deleted as this role, so nothing was written:\n  - " + String.join("\n  - ", why) + "\nRestore as the tables' owner"
                + " (a table with FORCE ROW LEVEL SECURITY: NO FORCE while it is restored), a superuser or a role with BYPASSRLS, grant the"
                + " role SELECT, UPDATE (its rows are locked before they go) and DELETE on them, or restore without --delete (the rows only in the target are then left)");
    }

    /** Says on standard error, as the work goes, what may make it long (a warning the summary repeats). */
    private void announce(String said) {
        if (output.showProgress()) System.err.println(said);
    }

    /**
     * Resumed after a table it wrote was dropped (its done splits would be skipped, their rows left
     * out): the entities whose splits are read again, those tables' alone where each is an entity's
     * own (acceptance run 25: forgetting every checkpoint found the restore's own table without a key
     * full, and stopped); else, a record's list's table gone, every checkpoint is forgotten. Said.
     */
    private java.util.Set<cutover.model.EntityName> readAgain(Plan plan, PlanMapper mapper, TargetInfo info, Sink sink, String runId, Path runDirectory,
                                                              List<String> said) throws IOException {
        List<String> planTables = UndoneRun.asTargetNames(mapper.tables(), info.defaultSchema());
        Optional<UndoneRun.Gone> gone = UndoneRun.tablesGone(plan, planTables, info.tables().keySet(), info.defaultSchema());
        if (gone.isEmpty()) return java.util.Set.of();
        said.add(gone.get().said(runId));
        announce(gone.get().said(runId));
        if (gone.get().readAgain().isEmpty()) Migration.startOver(sink, runId, runDirectory);
        return gone.get().readAgain();
    }

    /**
     * The whole snapshot's shape, from its records, for the plan of a restore of {@code taken}. An
     * entity the restore does not take that cannot be read (a damaged chunk) is shaped from what
     * could be read of it, and said: a restore of healthy entities needs none of its rows, and
     * stopped (acceptance run 24: a collection restored from a repository whose other one was damaged).
     */
    private Schema planShape(String sourceName, SnapshotSource wholeSource, Snapshot taken, List<String> said) {
        java.util.Set<String> takes = new java.util.HashSet<>(taken.entities().stream().map(cutover.backup.EntitySnapshot::name).toList());
        Analyzer.Spared read = new Analyzer(AnalyzeOptions.DEFAULTS.withParallelism(parallel))
                .analyzeSparing(sourceName, wholeSource, (e, seen, total) -> {}, e -> false, e -> !takes.contains(e.value()));
        read.unreadable().forEach((entity, e) -> said.add("entity " + entity.value() + " could not be read (" + e.getMessage() + "): this restore"
                + " does not take it, and planned the tables from what could be read of it; restoring it, or the whole snapshot, stops there"
                + " (backup check --read-data names what is damaged)"));
        return read.result().schema();
    }

    /**
     * The tables this restore makes: those the target lacks, and those an earlier attempt of the same
     * run made (one that stopped, before its first checkpoint too: they are the target's now, but
     * their triggers and policies come with the rest of the restore; a review found them taken for
     * the application's own). Run again after it finished, the restore makes their objects again
     * where the target lacks them, as it made the tables.
     */
    private static java.util.Set<String> tablesMade(List<Table> tables, TargetInfo info, Sink sink, String runId) {
        java.util.Set<String> made = new java.util.HashSet<>();
        for (Table t : tables) if (!info.tables().containsKey(t.name())) made.add(t.name());
        if (sink instanceof cutover.connector.CopyTextSink copying) {
            java.util.Set<String> earlier = copying.tablesMadeBy(runId);
            for (Table t : tables) if (earlier.contains(t.name())) made.add(t.name());
        }
        return made;
    }

    /** The tables the restore writes, as the plan names them. */
    private List<String> restoredTables = List.of();

    /** How long --delete took (finding the rows and deleting them), for the summary. */
    private Duration deletionTook = Duration.ZERO;

    /** What --delete deleted and kept; null without it. */
    private RestoreDeletion.Outcome deletion;

    /** The sentence naming the tables without a key --delete empties to load whole ({@code dryRun}: would), or none. */
    private static Optional<String> emptied(Map<String, Long> emptied, boolean dryRun) {
        if (emptied.isEmpty()) return Optional.empty();
        return Optional.of("--delete " + (dryRun ? "would empty" : "emptied") + " the tables without a primary key that held rows, to load the"
                + " snapshot's whole (no key matches a row of theirs to the snapshot's): " + String.join(", ", new TreeMap<>(emptied).entrySet().stream()
                .map(e -> String.format(java.util.Locale.ROOT, "%s (%,d rows)", e.getKey(), e.getValue())).toList()));
    }

    /** The sentences --delete adds to the warnings ({@code dryRun}: would): why it deleted nothing, or the rows it kept. */
    private static List<String> deletionWarnings(RestoreDeletion.Outcome d, boolean dryRun) {
        if (d.notDone() != null) return List.of("--delete " + (dryRun ? "would delete" : "deleted") + " no row: " + d.notDone());
        List<String> out = new ArrayList<>(d.slow());
        if (d.keptTotal() == 0) return out;
        out.add(String.format(java.util.Locale.ROOT, "--delete %s %,d row(s) only the target holds, each named with why (another table's"
                + " row refers to it: delete that first, or restore its table too; or a rule or trigger kept it): %s%s", dryRun ? "would keep" : "kept",
                d.keptTotal(), String.join("; ", d.keptNamed()), d.keptTotal() > d.keptNamed().size() ? "; …" : ""));
        return out;
    }

    /** How many rows --delete would delete: as tried, or, not tried, every row only in the target. */
    private static long wouldDelete(RestoreDryRun.Forecast f) {
        return f.deletion() != null ? f.deletion().deletedTotal() : f.tables().stream().mapToLong(RestoreDryRun.TableChange::onlyInTarget).sum();
    }

    /** What of the snapshot's schema objects this restore could not make (or, a restore of a part, did not). */
    private List<String> schemaObjectsNotMade = List.of();
    /** What a dry run foresees would not be made: also among its warnings, here for a script to tell apart, as a restore's {@link #schemaObjectsNotMade}. */
    private final List<String> wouldNotMake = new ArrayList<>();
    /** The tables this restore makes (the target lacked them): a restore of part of a snapshot makes their own objects too. */
    private java.util.Set<String> tablesMade = java.util.Set.of();

    /**
     * Makes what the snapshot's source held beside its tables (a PostgreSQL schema's views and
     * sequences), once the tables are complete, where the target lacks it; returns what could not be
     * made (with {@code dryRun}: makes nothing, and names what it would make). Only for a restore of
     * the whole snapshot: a view over a table left out would fail, and a restore of a part (--only,
     * --where-key) is a repair of those tables, not of the schema; it makes the objects bound to the
     * tables it made (their triggers, rules, policies, comments, grants: a table made with FORCE ROW
     * LEVEL SECURITY and none of its policies was closed to its owner too, acceptance run 20).
     */
    private List<String> schemaObjects(Snapshot snapshot, Sink sink, boolean dryRun) {
        if (snapshot.schema() == null) return List.of();
        if (!wholeSnapshot(snapshot)) {
            if (!(sink instanceof cutover.connector.CopyTextSink copying)) return List.of();
            List<String> out = new ArrayList<>();
            if (!tablesMade.isEmpty()) {
                out.addAll(dryRun ? copying.wouldMakeObjectsOfTables(snapshot.schema(), tablesMade) : copying.makeObjectsOfTables(snapshot.schema(), tablesMade));
            }
            List<String> lacking = copying.schemaObjectsLacking(snapshot.schema(), tablesMade);
            if (lacking.isEmpty()) return out;
            out.add("the target lacks " + String.join(" and ", lacking) + " of snapshot " + snapshot.shortId() + ", which this restore "
                    + (dryRun ? "would not make" : "did not make") + ": a restore of part of a snapshot (--only, --where-key) repairs its tables,"
                    + " not the schema; restore the whole snapshot to make them");
            return out;
        }
        if (sink instanceof cutover.connector.CopyTextSink copying) {
            return dryRun ? copying.wouldMakeSchemaObjects(snapshot.schema(), tablesMade)
                    : copying.makeSchemaObjects(snapshot.schema(), cutover.connector.TablesMade.asTheyWere(tablesMade));
        }
        return cutover.connector.CopyTextSink.notMade(snapshot.schema(), dryRun).stream().toList();
    }

    /**
     * Where a dry run lists the rows that would change: a folder of its own beside the run's, which
     * the real restore of the same options uses (acceptance run 26: the two in one folder confused);
     * the next dry run of those options replaces it.
     */
    static Path dryRunChanges(Path state, String runId) {
        return state.resolve("runs").resolve(runId + "-dry-run").resolve("dry-run-changes.ndjson");
    }

    /** Whether this restore is of the whole snapshot and it holds schema objects: a restore of a part repairs its tables, not the schema. */
    private boolean wholeSnapshot(Snapshot snapshot) {
        return snapshot.schema() != null && only.isEmpty() && whereKey == null;
    }

    /**
     * A snapshot written back into a target that keeps documents as read (a Firestore export file):
     * no plan, every field and subcollection as backed up; the target is replaced whole or left as
     * it was. Records the snapshot could not decode when it was taken, and those the target cannot hold
     * (a time outside Firestore's years), go to the dead-letter file.
     */
    private int restoreDocuments(Snapshot snapshot, Source source, DocumentTarget documents, String runId, String sourceName,
                                 Journal journal, Instant started) throws IOException {
        if ((!only.isEmpty() || whereKey != null) && documents.holdsDocuments()) {
            throw new CutoverException(cutover.error.ErrorCode.USAGE, Location.redact(target) + " is written whole: restoring part of snapshot "
                    + snapshot.shortId() + " (--only, --where-key) into it would drop every other document it holds. Restore the part into a new"
                    + " file, or the whole snapshot over this one");
        }
        Path runDirectory = state.state.resolve("runs").resolve(runId); // made below the dry run, which writes nothing there
        long expected = whereKey == null ? snapshot.records() : 0;
        if (dryRun) {
            // the whole write, into a copy dropped at the end: what it would set aside, and what would stop it (a key of two parts), are known
            Map<String, Long> wouldSetAside = new TreeMap<>();
            java.util.function.Consumer<cutover.error.RecordError> aside = error -> wouldSetAside.merge(error.code().name(), 1L, Long::sum);
            DocumentTarget.Written tried = documents.tryReplaceWith(source, whereKey == null ? DocumentTarget.IfNothingRead.REPLACE : DocumentTarget.IfNothingRead.KEEP,
                    u -> aside.accept(u.error()), r -> aside.accept(r.error()), n -> {}, n -> {});
            long records = tried.records(), setAsideCount = wouldSetAside.values().stream().mapToLong(Long::longValue).sum();
            boolean nothingMatched = whereKey != null && records + setAsideCount == 0;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("snapshot", snapshot.id());
            d.put("dryRun", true);
            d.put("whereKey", whereKey);
            d.put("documents", records);
            d.put("deadLettered", setAsideCount);
            d.put("emptyParents", tried.emptyParents());
            d.put("targetWritten", !nothingMatched);
            List<String> warnings = new ArrayList<>();
            if (nothingMatched) warnings.add(nothingMatches(snapshot) + "; " + Location.redact(target) + " would not be written (left as it is, or not made)");
            if (setAsideCount > 0) {
                warnings.add(String.format(java.util.Locale.ROOT, "%,d documents would be set aside, each with its reason in the dead-letter file (%s)",
                        setAsideCount, String.join(", ", wouldSetAside.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList())));
            }
            if (tried.emptyParents() > 0) {
                warnings.add(String.format(java.util.Locale.ROOT, "%,d parent documents are not in what would be restored and would be written with no"
                        + " fields: the export places a subcollection only inside its parent", tried.emptyParents()));
            }
            journal.append(new JournalEntry(started, "restore --dry-run", runId, JournalEntry.SUCCEEDED, sourceName, Location.redact(target),
                    Duration.between(started, Instant.now()).toMillis(), d, warnings, null));
            if (output.json) {
                Map<String, Object> out = new LinkedHashMap<>(d);
                out.put("warnings", warnings);
                withFiles(out);
                emit(out);
            } else if (output.showSummary()) {
                if (nothingMatched) System.out.printf(java.util.Locale.ROOT, "dry run: restoring snapshot %s into %s would write nothing; nothing was written%n",
                        snapshot.shortId(), Location.redact(target));
                else System.out.printf(java.util.Locale.ROOT,
                        "dry run: restoring snapshot %s into %s would write %,d documents%s, and set aside %,d; nothing was written%n",
                        snapshot.shortId(), Location.redact(target), records, documents.holdsDocuments() ? ", replacing what it holds" : "",
                        setAsideCount);
            }
            output.warnings(warnings);
            return 0;
        }
        Files.createDirectories(runDirectory);
        Path deadLetters = runDirectory.resolve("dead-letter.ndjson");
        AtomicLong read = new AtomicLong(), written = new AtomicLong(), setAside = new AtomicLong();
        DocumentTarget.Written result;
        // the target reads (and sorts) every document before it writes one: a line for each
        try (DeadLetterFile dead = DeadLetterFile.open(deadLetters, Map.of());
             ProgressDisplay display = ProgressDisplay.start(output.showProgress(), "documents", () -> {
                 Map<String, ProgressDisplay.Line> lines = new LinkedHashMap<>();
                 lines.put("read", new ProgressDisplay.Line(read.get(), expected));
                 lines.put("written", new ProgressDisplay.Line(written.get(), expected));
                 return lines;
             })) {
            // set aside: what the snapshot could not decode when it was taken, and what the export cannot hold (a time out of Firestore's years)
            // a key pattern that matches no record leaves the file as it is (or unmade): an empty export in its place helps no one
            result = documents.replaceWith(source, whereKey == null ? DocumentTarget.IfNothingRead.REPLACE : DocumentTarget.IfNothingRead.KEEP,
                    u -> dead.append(List.of(new DeadLetterFile.Entry("restore", setAside.incrementAndGet(),
                    u.entity().value(), u.key(), u.error(), null, u.raw()))),
                    r -> dead.append(List.of(new DeadLetterFile.Entry("restore", setAside.incrementAndGet(), r.record().entity().value(),
                            r.record().key().toString(), r.error(), r.record(), null))), read::set, written::set);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("snapshot", snapshot.id());
        d.put("read", result.records() + setAside.get());
        d.put("written", result.records());
        d.put("deadLettered", setAside.get());
        d.put("emptyParentsWritten", result.emptyParents());
        d.put("deadLetterFile", deadLetters.toString());
        boolean nothingMatched = whereKey != null && result.records() + setAside.get() == 0;
        d.put("targetWritten", !nothingMatched);
        List<String> warnings = new ArrayList<>();
        if (result.emptyParents() > 0) {
            // why they were not restored, as far as this run can tell: a filter given leaves parents out as surely as a snapshot that lacks them
            List<String> why = new ArrayList<>();
            if (!only.isEmpty()) why.add("--only " + String.join(",", only));
            if (whereKey != null) why.add("--where-key '" + whereKey + "'");
            String reasons = (why.isEmpty() ? "" : "left out by " + String.join(" and ", why) + ", or ") + "not in the snapshot"
                    + (setAside.get() > 0 ? ", or set aside (dead-letter file)" : "");
            warnings.add(String.format(java.util.Locale.ROOT, "%,d parent documents were not restored (%s) and were written with no fields:"
                    + " the export places a subcollection only inside its parent", result.emptyParents(), reasons));
        }
        if (nothingMatched) warnings.add(nothingMatches(snapshot) + "; " + Location.redact(target) + " is not written (left as it was, or not made)");
        boolean rejects = setAside.get() > 0;
        journal.append(new JournalEntry(started, "restore", runId, rejects ? JournalEntry.SUCCEEDED_WITH_REJECTS : JournalEntry.SUCCEEDED,
                sourceName, Location.redact(target), Duration.between(started, Instant.now()).toMillis(), d, warnings, null));
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>(d);
            out.put("runId", runId);
            out.put("warnings", warnings);
            out.put("durationMillis", Duration.between(started, Instant.now()).toMillis());
            withFiles(out);
            emit(out);
        } else if (output.showSummary()) {
            if (nothingMatched) System.out.printf(java.util.Locale.ROOT, "restored nothing of snapshot %s into %s (%s)%n",
                    snapshot.shortId(), Location.redact(target), ReportCommand.human(Duration.between(started, Instant.now())));
            else System.out.printf(java.util.Locale.ROOT, "restored snapshot %s into %s: %,d documents written, %,d dead-lettered (%s)%n",
                    snapshot.shortId(), Location.redact(target), result.records(), setAside.get(),
                    ReportCommand.human(Duration.between(started, Instant.now())));
            if (rejects) System.out.println("records set aside, each with its reason: " + deadLetters);
        }
        output.warnings(warnings);
        output.setAsideWhenQuiet(setAside.get(), deadLetters);
        return rejects ? 1 : 0;
    }

    /**
     * What a restore says before it writes, its dry run alike: what its tables' definitions do not
     * bring back, the columns it makes text, the tables a key pattern leaves out.
     */
    private static List<String> warnings(List<String> keyless, List<String> widened, List<String> made) {
        List<String> out = new ArrayList<>();
        if (!made.isEmpty()) out.add(notRestoredWithTheirTables(made));
        if (!widened.isEmpty()) {
            out.add("columns that hold values of several kinds in the snapshot are restored as text, each value as its text"
                    + " (bytes as base64): " + String.join("; ", widened));
        }
        if (!keyless.isEmpty()) {
            out.add("left out of this restore by key, having no primary key for --where-key to match: " + String.join(", ", keyless)
                    + " (restore such a table whole, with --only and without --where-key)");
        }
        return out;
    }

    /** The whole snapshot's plan with the entities {@code taken} does not hold skipped (--only): not restored. */
    private static Plan onlyTaken(Plan plan, Snapshot taken) {
        return plan.withEntities(plan.entities().stream().map(e -> e.skip() || taken.entity(cutover.model.EntityName.of(e.source())).isPresent() ? e
                : e.skipped("left out by --only")).toList());
    }

    /**
     * The sentence for the foreign keys a table new in the target does not get, their tables left out
     * (--only): a subcollection's to its parent, a reference column's to the documents it refers to.
     */
    private static Optional<String> noForeignKeysTo(Plan plan, TargetInfo info) {
        java.util.Set<String> leftOut = PlanMapper.skippedTables(plan);
        List<String> missed = new ArrayList<>();
        for (cutover.plan.EntityMapping e : plan.entities()) {
            if (e.skip() || info.tables().containsKey(e.table())) continue;
            java.util.Set<String> to = new java.util.TreeSet<>();
            e.foreignKeys().stream().map(cutover.plan.ForeignKeyMapping::references).filter(leftOut::contains).forEach(to::add);
            e.columns().stream().map(cutover.plan.ColumnMapping::references).filter(r -> r != null && leftOut.contains(r)).forEach(to::add);
            if (!to.isEmpty()) missed.add(e.table() + " (to " + String.join(", ", to) + ")");
        }
        if (missed.isEmpty()) return Optional.empty();
        return Optional.of("the foreign keys to tables --only leaves out are not made: " + String.join(", ", missed)
                + " (restore those tables too, or add the keys by hand once they are there)");
    }

    /**
     * The sentence for the tables, new in the target, whose definitions the snapshot holds but the
     * target does not make (another kind of database: SQLite makes a table from the plan's columns and
     * key), so what the definition held beside them is not there; empty where there are none.
     */
    private static Optional<String> notMadeAsDefined(Map<String, cutover.model.NativeDefinition> definitions, Sink sink, TargetInfo info) {
        List<String> tables = new ArrayList<>();
        java.util.Set<String> formats = new java.util.TreeSet<>();
        definitions.forEach((table, definition) -> {
            boolean made = sink instanceof cutover.connector.CopyTextSink copying && copying.makesAsDefined(definition);
            if (!made && !info.tables().containsKey(table) && holdsMoreThanColumns(definition)) {
                tables.add(table);
                formats.add(definition.format());
            }
        });
        if (tables.isEmpty()) return Optional.empty();
        return Optional.of("the tables' foreign keys, unique and check constraints, indexes, defaults and sequences (" + String.join(", ", formats)
                + ") are not made in the target, which is of another kind and makes a table from its columns and primary key only: " + String.join(", ", tables));
    }

    /**
     * Whether a definition holds what a table made from columns and a key lacks: constraints, indexes,
     * sequences, a column's default, identity or generation (the lists of postgresql/table/1; a
     * definition of another format is taken to hold some).
     */
    private static boolean holdsMoreThanColumns(cutover.model.NativeDefinition definition) {
        if (!definition.format().startsWith("postgresql/table/")) return true;
        com.fasterxml.jackson.databind.JsonNode body = definition.body();
        for (String list : List.of("constraints", "indexes", "sequences")) if (body.path(list).size() > 0) return true;
        for (com.fasterxml.jackson.databind.JsonNode column : body.path("columns")) {
            for (String part : List.of("defaultExpression", "identity", "generated")) if (column.hasNonNull(part)) return true;
        }
        return false;
    }

    private String nothingMatches(Snapshot snapshot) {
        return "no key of snapshot " + snapshot.shortId() + " matches --where-key '" + whereKey + "', so nothing is"
                + " restored; a key is matched whole as written: a document's id (u_1; a subcollection's u_1/p7), a table's key columns joined by /;"
                + " * stands for any characters, ? for one";
    }

    private Map<String, Object> dryRunDetails(Snapshot s, RestoreDryRun.Forecast f) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("snapshot", s.id());
        if (!restoredWith.isEmpty()) d.put("target", Location.redact(target)); // a set's: each into its schema
        d.put("dryRun", true);
        d.put("whereKey", whereKey);
        Map<String, Object> tables = new TreeMap<>();
        for (RestoreDryRun.TableChange t : f.tables()) {
            tables.put(t.table(), Json.fields("insert", t.insert(), "update", t.update(), "unchanged", t.unchanged(),
                    "refused", t.refused(), "onlyInTarget", t.onlyInTarget()));
        }
        d.put("tables", tables);
        d.put("insert", f.insert());
        d.put("update", f.update());
        if (delete) {
            d.put("delete", wouldDelete(f)); // the rows only in the target, but those it would keep (tried)
            if (f.deletion() != null) {
                d.put("deleteByTable", new TreeMap<>(f.deletion().deleted()));
                d.put("keptOnlyInTarget", f.deletion().keptTotal());
            }
        }
        d.put("changesFile", f.changesFile().toString());
        d.put("schemaObjectsNotMade", wouldNotMake);
        if (whereKey != null) d.put("onlyInTargetMatching", f.targetInPattern());
        RestoreDryRun.Trial trial = f.trial();
        d.put("trial", trial.notTried() == null ? Json.fields("rows", trial.rows(), "tables", trial.tables(), "refused", trial.refused())
                : Json.fields("notTried", trial.notTried()));
        return d;
    }

    private void printDryRun(Snapshot s, RestoreDryRun.Forecast f, List<String> warnings) {
        if (output.json) {
            Map<String, Object> d = dryRunDetails(s, f);
            d.put("warnings", warnings);
            withFiles(d);
            emit(d);
            return;
        }
        if (!output.showSummary()) {
            output.warnings(warnings);
            return;
        }
        System.out.printf(java.util.Locale.ROOT, "dry run: restoring snapshot %s into %s would insert %,d rows and update %,d%s; nothing was written%n",
                s.shortId(), Location.redact(target), f.insert(), f.update(), delete ? String.format(java.util.Locale.ROOT, ", and delete %,d only in"
                        + " the target (--delete)%s", wouldDelete(f), f.deletion() != null && f.deletion().keptTotal() > 0
                        ? String.format(java.util.Locale.ROOT, ", keeping %,d (other rows refer to them, or a rule or trigger keeps them)", f.deletion().keptTotal()) : "") : "");
        System.out.printf(java.util.Locale.ROOT, "  %-28s %12s %12s %12s %10s %14s%n", "table", "insert", "update", "unchanged", "refused", "only in target");
        for (RestoreDryRun.TableChange t : f.tables()) {
            System.out.printf(java.util.Locale.ROOT, "  %-28s %,12d %,12d %,12d %,10d %,14d%n", t.table(), t.insert(), t.update(), t.unchanged(), t.refused(), t.onlyInTarget());
        }
        if (whereKey != null) {
            System.out.println(f.targetInPattern() ? "only in target: the target's rows whose key matches " + whereKey + " and the snapshot lacks"
                    : "only in target: every target row the snapshot's matching records lack (the plan gives records other keys than the pattern's)");
        }
        RestoreDryRun.Trial trial = f.trial();
        if (trial.notTried() == null && trial.rows() > 0) {
            System.out.printf(java.util.Locale.ROOT, "tried: the rows that would change in existing tables (%,d) were written in a transaction"
                    + " rolled back; the target refused %,d of them (counted as refused)%n", trial.rows(), trial.refused());
        }
        System.out.println("every row that would change: " + f.changesFile());
        output.warnings(warnings);
    }

    /** The files --files-to restored (or would), beside the records in a result for --json. */
    private void withFiles(Map<String, Object> out) {
        if (filesRestored != null) out.put("files", filesRestored);
    }

    private static Map<String, ProgressDisplay.Line> lines(MigrationProgress progress) {
        Map<String, ProgressDisplay.Line> out = new TreeMap<>();
        progress.snapshot().forEach((entity, s) -> out.put(entity.value(), new ProgressDisplay.Line(s.settledInAll(), s.estimated())));
        return out;
    }

    private Map<String, Object> details(Snapshot s, MigrateResult r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("snapshot", s.id());
        if (!restoredWith.isEmpty()) d.put("target", Location.redact(target)); // a set's: each into its schema
        d.put("read", r.totals().read());
        d.put("written", r.totals().written());
        d.put("deadLettered", r.totals().deadLettered());
        d.put("skipped", r.totals().skipped());
        d.put("splits", r.splits());
        d.put("splitsCopiedAsText", r.splitsCopiedAsText()); // loaded as the backup's COPY text, no record decoded
        d.put("deadLetterFile", r.deadLetterFile().toString());
        d.put("tablesWritten", restoredTables); // which tables it wrote: a migration of others is not undone by it
        // also among the warnings: here for a script to tell them apart; with the tables' own steps not restored (a foreign key to
        // another schema's table restored later, schema by schema: acceptance run 23 found it among the warnings only)
        List<String> notMade = new ArrayList<>(r.warnings().stream().filter(w -> w.startsWith("table ") && w.contains(" was not restored: ")).toList());
        notMade.addAll(schemaObjectsNotMade);
        d.put("schemaObjectsNotMade", notMade);
        if (deletion != null) {
            d.put("deleted", deletion.deletedTotal());
            d.put("deletedByTable", new TreeMap<>(deletion.deleted()));
            d.put("keptOnlyInTarget", deletion.keptTotal());
            d.put("deleteMillis", deletionTook.toMillis());
        }
        return d;
    }

    /**
     * The tables' definitions, by the plan's table name, of the entities stored as their database's
     * own rows: a sink of that database makes such a table as it was (a table stored as records gets
     * the plan's types, which its records were decoded to).
     */
    private static Map<String, cutover.model.NativeDefinition> definitions(Snapshot snapshot, Plan plan) {
        Map<String, cutover.model.NativeDefinition> out = new LinkedHashMap<>();
        for (cutover.plan.EntityMapping m : plan.entities()) {
            if (m.skip()) continue;
            snapshot.entity(cutover.model.EntityName.of(m.source())).filter(e -> e.copyText() != null && e.definition() != null)
                    .ifPresent(e -> out.put(m.table(), e.definition()));
        }
        return out;
    }

    /**
     * The target tables the plan made (they were not in the target) for entities a PostgreSQL table
     * was stored as, without the table's definition: a snapshot taken before definitions were kept.
     */
    private static List<String> madeFromPostgres(Snapshot snapshot, Plan plan, TargetInfo before, java.util.Set<String> defined) {
        java.util.Set<String> fromPostgres = new java.util.HashSet<>();
        for (cutover.backup.EntitySnapshot e : snapshot.entities()) {
            if (e.copyText() != null && e.copyText().format().startsWith("postgresql/")) fromPostgres.add(e.name());
        }
        return plan.entities().stream().filter(m -> !m.skip() && fromPostgres.contains(m.source()) && !before.tables().containsKey(m.table())
                && !defined.contains(m.table())).map(cutover.plan.EntityMapping::table).toList();
    }

    /** What a restore says of a target that is not ready for the snapshot's tables. */
    static final String TARGET_ADVICE = "A restore's plan is made from the snapshot, so the target is what differs (\"the plan\" above is the"
            + " snapshot's tables): restore into an empty database, where the tables are made as they were, or leave these tables out with --only.";

    /** The plan's notes of columns widened to text for values of several kinds (a SQLite column of text and blobs), as table: note. */
    private static List<String> widened(Plan plan) {
        List<String> out = new ArrayList<>();
        for (cutover.plan.EntityMapping m : plan.entities()) {
            if (m.skip()) continue;
            for (String note : m.notes()) if (note.contains("conflict, widened to text")) out.add(m.table() + "." + note);
        }
        return out;
    }

    /** What a restore into new tables leaves out when they are made from the plan, not from their definitions. */
    static String notRestoredWithTheirTables(List<String> made) {
        return "tables made by this restore (" + String.join(", ", made) + ") have the snapshot's columns, typed from their values, NOT NULLs and"
                + " primary keys, but not the source's column types, other indexes, foreign keys, checks, defaults or sequences:"
                + " snapshots taken before version 5 of the format hold no table definitions (`pg_dump --schema-only` the source"
                + " into the target first)";
    }

    /** The restore's summary; {@code took} the whole restore's time (the rows', --delete's and the schema objects'). */
    private void print(Snapshot s, MigrateResult r, Duration took) {
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>(details(s, r));
            out.put("runId", r.runId());
            out.put("warnings", r.warnings());
            out.put("durationMillis", took.toMillis()); // acceptance run 23: the rows' alone, less than deleteMillis beside it
            withFiles(out);
            emit(out);
            return;
        }
        if (!output.showSummary()) {
            output.warnings(r.warnings());
            output.setAsideWhenQuiet(r.totals().deadLettered(), r.deadLetterFile());
            return;
        }
        MigrateResult.Totals t = r.totals();
        System.out.printf(java.util.Locale.ROOT, "restored snapshot %s into %s: %,d read = %,d written + %,d dead-lettered + %,d skipped (%s)%n",
                s.shortId(), Location.redact(target), t.read(), t.written(), t.deadLettered(), t.skipped(), ReportCommand.human(took));
        if (t.deadLettered() > 0) System.out.println("records set aside, each with its reason: " + r.deadLetterFile());
        if (deletion != null && deletion.notDone() == null) {
            System.out.printf(java.util.Locale.ROOT, "deleted %,d row(s) only the target held (--delete, %s)%s%n", deletion.deletedTotal(),
                    ReportCommand.human(deletionTook), deletion.keptTotal() > 0 ? String.format(java.util.Locale.ROOT, "; kept %,d (other rows refer to them, or a rule or trigger kept them)",
                            deletion.keptTotal()) : "");
        }
        output.warnings(r.warnings());
    }
}
