package cutover.cli;

import cutover.backup.KeyGlob;
import cutover.connector.EntityInfo;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.model.Table;
import cutover.connector.Source;
import cutover.model.EntityName;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;
import cutover.plan.PlanMapper;
import cutover.verify.DifferenceLog;
import cutover.verify.TableVerdict;
import cutover.verify.Verifier;
import cutover.verify.VerifyResult;
import cutover.verify.WriteTrial;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a restore would change, found without committing anything: the snapshot is read through the
 * restore's plan and compared with the target as verify compares (counts, digests, then the
 * differing rows). A row only the snapshot has would be inserted, one that differs would be updated
 * (upsert on the key), an equal one is unchanged; rows only the target has are left as they are.
 * Then the rows that would change are written into the target's existing tables in a transaction
 * that is rolled back ({@link WriteTrial}), which finds those the target's own rules would refuse.
 */
final class RestoreDryRun {
    /** One table's forecast; {@code refused} rows the target would not take (the dead-letter file's). */
    record TableChange(String table, long insert, long update, long unchanged, long refused, long onlyInTarget) {}

    /**
     * The forecast, and the file listing every row that would change (the differences file of
     * verify); {@code targetInPattern}: the target's rows were held to the key pattern too, so
     * "only in target" counts its rows whose key matches (else every row the snapshot's lack).
     */
    record Forecast(List<TableChange> tables, Path changesFile, boolean targetInPattern, Trial trial, RestoreDeletion.Outcome deletion) {
        long insert() { return tables.stream().mapToLong(TableChange::insert).sum(); }

        long update() { return tables.stream().mapToLong(TableChange::update).sum(); }

        /** With the rows of the tables without a key --delete would empty counted as only in the target, and going. */
        Forecast withEmptied(java.util.Map<String, Long> emptied) {
            if (emptied.isEmpty()) return this;
            List<TableChange> changed = tables.stream().map(c -> !emptied.containsKey(c.table()) ? c
                    : new TableChange(c.table(), c.insert(), c.update(), c.unchanged(), c.refused(), c.onlyInTarget() + emptied.get(c.table()))).toList();
            return new Forecast(changed, changesFile, targetInPattern, trial, deletion == null ? null : deletion.withEmptied(emptied));
        }
    }

    /**
     * The trial writes: of how many rows, in which tables, how many refused; {@code notTried}: why
     * there was none (null: there was), the target's rules then named, not foreseen.
     */
    record Trial(long rows, List<String> tables, long refused, String notTried, List<String> leftChanged, List<String> notes) {
        static Trial none(String why) { return new Trial(0, List.of(), 0, why, List.of(), List.of()); }
    }

    private RestoreDryRun() {}

    /**
     * With a key pattern ({@code --where-key}, null: none), the target's rows are compared where their
     * key matches it too: a partial restore neither touches nor needs to read again the target's
     * other rows. That holds where the plan keeps the snapshot's keys (a database's table restored);
     * where it gives a record another key, every target row is compared ({@link Verifier#planWithin}).
     */
    static Forecast run(Plan plan, Source snapshot, Source target, Sink sink, Set<String> existingTables, boolean tryWrites, String runId, int parallelism,
                        Path changesFile, KeyGlob pattern) {
        return run(plan, snapshot, target, sink, existingTables, tryWrites, runId, parallelism, changesFile, pattern, false, said -> {});
    }

    /**
     * {@link #run}; with {@code delete} (a restore's --delete), the rows only the target holds are
     * deleted in the trial's transaction too, after its writes, as the restore would delete them:
     * the forecast's {@link Forecast#deletion} says how many would go and which the target would keep
     * (null where the trial did not run: every row only in the target is then counted as going).
     */
    static Forecast run(Plan plan, Source snapshot, Source target, Sink sink, Set<String> existingTables, boolean tryWrites, String runId, int parallelism,
                        Path changesFile, KeyGlob pattern, boolean delete, java.util.function.Consumer<String> announce) {
        // a table without a key has no rows to compare by key: it is inserted whole
        List<EntityMapping> keyless = plan.entities().stream().filter(e -> !e.skip() && e.key().isEmpty()).toList();
        List<TableChange> tables = new ArrayList<>(wholeTables(keyless, snapshot));
        Plan keyed = plan.withEntities(plan.entities().stream().map(e -> keyless.contains(e) ? e.skipped("compared apart: a table without a key") : e).toList());
        // compared, not made: no foreign key to a table the plan leaves out (--only) or compares apart is wanted
        PlanMapper mapper = PlanMapper.ofPart(keyed, java.util.Map.of());
        // tried: the tables the target holds (one the restore would make has no rules but the snapshot's, which its rows met)
        List<Table> tried = mapper.tables().stream().filter(t -> existingTables.contains(t.name())).toList();
        Verifier.Scoped compared;
        Trial outcome;
        RestoreDeletion.Outcome[] deletion = {null};
        try (WriteTrial trial = new WriteTrial(tried, table -> sourceOf(plan, table), changesFile.resolveSibling("dry-run-trial"));
             RestoreDeletion.Spool onlyInTarget = new RestoreDeletion.Spool(changesFile.resolveSibling("dry-run-only-in-target"))) {
            DifferenceLog log = DifferenceLog.ofChanges(changesFile, entity -> plan.entity(entity).map(EntityMapping::table).orElse(entity),
                    tryWrites ? trial : (d, line) -> {}, delete ? onlyInTarget : extra -> {});
            try (log) {
                Verifier.Options options = new Verifier.Options(1.0, 0, parallelism, Verifier.Options.DEFAULTS.rowsPerRound());
                compared = Verifier.planWithin(keyed, mapper, snapshot, target, sink, options, cutover.verify.VerifyProgress.NONE, log,
                        pattern == null ? null : pattern::matches);
            }
            boolean deletes = delete && RestoreDeletion.notDone(pattern, compared.scoped(), log).isEmpty();
            // the deletion tried after the writes, in their transaction, as the restore deletes after it writes
            java.util.function.Consumer<SinkWriter.Trial> afterWrites = !deletes ? t -> {} : t -> {
                if (t.deletes() && sink instanceof cutover.connector.RowDeletion deleting) {
                    deletion[0] = RestoreDeletion.deleteSpooled(t::delete, deleting, tried, sink::parentsByForeignKey, onlyInTarget, log, announce);
                }
            };
            outcome = tryWrites ? tryWrites(trial, sink, runId, mapper.tables(), tried, changesFile, afterWrites) : Trial.none("--no-trial: the dry run only read");
            VerifyResult result = compared.result();
            for (TableVerdict v : result.tables()) {
                long refused = result.refused().entrySet().stream()
                        .filter(e -> plan.entity(e.getKey()).map(m -> m.table().equals(v.table())).orElse(false))
                        .mapToLong(java.util.Map.Entry::getValue).sum();
                long[] refusedWritten = trial.refused(v.table()); // by the target's own rules, in the trial: [0] inserts, [1] updates
                // a target row of a refused row's key stays as the restore finds it: not a row only the target has
                tables.add(new TableChange(v.table(), v.missing() - refusedWritten[0], v.changed() - refusedWritten[1],
                        v.sourceCount() - v.missing() - v.changed(), refused + refusedWritten[0] + refusedWritten[1], v.extra() - log.refusedInTarget(v.table())));
            }
        }
        return new Forecast(tables, changesFile, pattern != null && compared.scoped(), outcome, deletion[0]);
    }

    /** The trial writes of the changes spooled, if the target can make them; a failure (a lock waited on too long) says why there were none. */
    private static Trial tryWrites(WriteTrial trial, Sink sink, String runId, List<Table> tables, List<Table> tried, Path changesFile,
                                   java.util.function.Consumer<SinkWriter.Trial> afterWrites) {
        List<String> names = tried.stream().map(Table::name).toList();
        if (tried.isEmpty()) return new Trial(0, names, 0, null, List.of(), List.of());
        try (SinkWriter writer = sink.writer(runId, "dry-run-trial", tables)) {
            java.util.Optional<SinkWriter.Trial> writes = writer.trial();
            if (writes.isEmpty()) return Trial.none("this kind of target cannot try rows in a transaction it rolls back");
            try {
                long refused = trial.run(writes.get(), afterWrites);
                trial.rewrite(changesFile);
                return new Trial(trial.rows(), names, refused, null, writes.get().leftChanged(), writes.get().notes());
            } catch (CutoverException e) {
                // what it drew from sequences before it failed stays drawn
                return new Trial(0, List.of(), 0, "trying the rows failed: " + e.getMessage(), writes.get().leftChanged(), writes.get().notes());
            }
        } catch (CutoverException e) {
            return Trial.none("trying the rows failed: " + e.getMessage());
        }
    }

    /** The source entity whose rows go to {@code table}, or null (a table of a record's lists). */
    private static String sourceOf(Plan plan, String table) {
        return plan.entities().stream().filter(e -> !e.skip() && e.table().equals(table)).map(EntityMapping::source).findFirst().orElse(null);
    }

    /**
     * Tables without a key, as the restore loads them: every row of the snapshot inserted into a table
     * that is new or empty (one with rows of its own is a problem the sink's checks named already).
     */
    private static List<TableChange> wholeTables(List<EntityMapping> keyless, Source snapshot) {
        if (keyless.isEmpty()) return List.of();
        java.util.Map<EntityName, Long> stored = new java.util.HashMap<>();
        for (EntityInfo e : snapshot.entities()) stored.put(e.name(), e.estimatedCount());
        List<TableChange> out = new ArrayList<>();
        for (EntityMapping e : keyless) out.add(new TableChange(e.table(), stored.getOrDefault(EntityName.of(e.source()), 0L), 0, 0, 0, 0));
        return out;
    }
}
