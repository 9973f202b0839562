package cutover.cli;

import cutover.backup.KeyGlob;
import cutover.connector.EntityInfo;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.model.EntityName;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;
import cutover.plan.PlanMapper;
import cutover.verify.DifferenceLog;
import cutover.verify.TableVerdict;
import cutover.verify.Verifier;
import cutover.verify.VerifyResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restore would change, found without writing: the snapshot is read through the restore's
 * plan and compared with the target as verify compares (counts, digests, then the differing rows).
 * A row only the snapshot has would be inserted, one that differs would be updated (upsert on the
 * key), an equal one is unchanged; rows only the target has are left as they are.
 */
final class RestoreDryRun {
    /** One table's forecast; {@code refused} rows the target would not take (the dead-letter file's). */
    record TableChange(String table, long insert, long update, long unchanged, long refused, long onlyInTarget) {}

    /**
     * The forecast, and the file listing every row that would change (the differences file of
     * verify); {@code targetInPattern}: the target's rows were held to the key pattern too, so
     * "only in target" counts its rows whose key matches (else every row the snapshot's lack).
     */
    record Forecast(List<TableChange> tables, Path changesFile, boolean targetInPattern) {
        long insert() { return tables.stream().mapToLong(TableChange::insert).sum(); }

        long update() { return tables.stream().mapToLong(TableChange::update).sum(); }
    }

    private RestoreDryRun() {}

    /**
     * With a key pattern ({@code --where-key}, null: none), the target's rows are compared where their
     * key matches it too: a partial restore neither touches nor needs to read again the target's
     * other rows. That holds where the plan keeps the snapshot's keys (a database's table restored);
     * where it gives a record another key, every target row is compared ({@link Verifier#planWithin}).
     */
    static Forecast run(Plan plan, Source snapshot, Source target, Sink sink, int parallelism, Path changesFile, KeyGlob pattern) {
        // a table without a key has no rows to compare by key: it is inserted whole
        List<EntityMapping> keyless = plan.entities().stream().filter(e -> !e.skip() && e.key().isEmpty()).toList();
        List<TableChange> tables = new ArrayList<>(wholeTables(keyless, snapshot));
        Plan keyed = plan.withEntities(plan.entities().stream().map(e -> keyless.contains(e) ? e.skipped("compared apart: a table without a key") : e).toList());
        Verifier.Scoped compared;
        DifferenceLog log = DifferenceLog.ofChanges(changesFile, entity -> plan.entity(entity).map(EntityMapping::table).orElse(entity));
        try (log) {
            Verifier.Options options = new Verifier.Options(1.0, 0, parallelism, Verifier.Options.DEFAULTS.rowsPerRound());
            // compared, not made: no foreign key to a table the plan leaves out (--only) or compares apart is wanted
            compared = Verifier.planWithin(keyed, PlanMapper.ofPart(keyed, java.util.Map.of()), snapshot, target, sink, options, cutover.verify.VerifyProgress.NONE, log,
                    pattern == null ? null : pattern::matches);
        }
        VerifyResult result = compared.result();
        for (TableVerdict v : result.tables()) {
            long refused = result.refused().entrySet().stream()
                    .filter(e -> plan.entity(e.getKey()).map(m -> m.table().equals(v.table())).orElse(false))
                    .mapToLong(java.util.Map.Entry::getValue).sum();
            // a target row of a refused row's key stays as the restore finds it: not a row only the target has
            tables.add(new TableChange(v.table(), v.missing(), v.changed(), v.sourceCount() - v.missing() - v.changed(), refused,
                    v.extra() - log.refusedInTarget(v.table())));
        }
        return new Forecast(tables, changesFile, pattern != null && compared.scoped());
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
