package cutover.postgres;

import cutover.model.Table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Completes the tables a run made from their definitions, once every row is in: each table's
 * {@link DefinedTable#completion} (two tables at a time), then every index (two builds at a time, also
 * of one table: a build uses a core), then each table's replica identity, then every foreign key, then
 * what each table still lacks. Each
 * statement is its own transaction and is skipped when already done, so a resumed run finishes what a
 * crash left; one that fails becomes a warning naming the table, the statement and the server's
 * reason, and the others still run.
 */
final class TableCompletion {
    private static final String INDEX_MEMORY = "256MB";

    private final Pool pool;
    private final String schema;
    private final boolean tableObjectsFollow;

    private final Map<String, TableName> renamed;

    /**
     * {@code tableObjectsFollow}: the tables' triggers, rules and policies are made after ({@link
     * SchemaObjectsMaking}), not warned of here; {@code renamed}: the source's tables a plan renames,
     * to which the foreign keys refer by their source names.
     */
    TableCompletion(Pool pool, String schema, boolean tableObjectsFollow, Map<String, TableName> renamed) {
        this.pool = pool;
        this.schema = schema;
        this.tableObjectsFollow = tableObjectsFollow;
        this.renamed = renamed;
    }

    /** Completes the run's tables made from a definition; returns the warnings. */
    List<String> complete(String runId, List<Table> tables, int threads) throws SQLException {
        List<TableName> madeByRun = madeFromDefinitions(runId);
        List<Made> made = new ArrayList<>();
        for (Table t : tables) {
            TableName name = TableName.resolve(t.name(), schema);
            Optional<TableDefinition> d = TableDefinition.of(t);
            if (d.isPresent() && madeByRun.contains(name)) made.add(new Made(name, new DefinedTable(name, d.get()), t.primaryKey()));
        }
        if (made.isEmpty()) return List.of();
        // each table's own steps, then every index (two builds at once, also of one table), then the foreign keys
        List<Job> completions = new ArrayList<>(), indexes = new ArrayList<>();
        for (Made m : made) {
            completions.add(new Job(m.name(), m.table().completion(m.key())));
            for (DefinedTable.Step index : m.table().indexes()) indexes.add(new Job(m.name(), List.of(index)));
        }
        List<String> out = new ArrayList<>(runAll(completions, threads));
        out.addAll(runAll(indexes, threads));
        for (Made m : made) out.addAll(run(m.name(), m.table().replicaIdentity())); // USING INDEX names one made above
        for (Made m : made) out.addAll(run(m.name(), m.table().foreignKeys(renamed)));
        try (Connection c = pool.connection()) {
            for (Made m : made) m.table().differences(c, tableObjectsFollow).forEach(d -> out.add("table " + m.name() + ": " + d));
            out.addAll(DefinedTable.collationDifferences(c, made.stream().map(Made::table).toList()));
        }
        return out;
    }

    /** A table the run made from its definition, and its primary key's columns. */
    private record Made(TableName name, DefinedTable table, List<String> key) {}

    /** Steps of one table, run in order on one connection. */
    private record Job(TableName table, List<DefinedTable.Step> steps) {}

    /** Runs the jobs on up to {@code threads} threads; returns the warnings in the jobs' order. */
    private List<String> runAll(List<Job> jobs, int threads) {
        if (jobs.isEmpty()) return List.of();
        Map<Integer, List<String>> warnings = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Integer> todo = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < jobs.size(); i++) todo.add(i);
        PostgresSink.runOnFinishThreads(Math.min(threads, jobs.size()), () -> {
            for (Integer i = todo.poll(); i != null; i = todo.poll()) {
                Job job = jobs.get(i);
                try {
                    warnings.put(i, run(job.table(), job.steps()));
                } catch (SQLException e) {
                    throw SqlErrors.translate(e, "completing table " + job.table(), pool.location());
                }
            }
            return null;
        });
        List<String> out = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) out.addAll(warnings.get(i));
        return out;
    }

    /** Runs the steps in order on one connection, each in its own transaction; returns a warning for each that failed. */
    private List<String> run(TableName table, List<DefinedTable.Step> steps) throws SQLException {
        List<String> warnings = new ArrayList<>();
        try (Connection c = pool.connection()) {
            c.setAutoCommit(false);
            for (DefinedTable.Step step : steps) {
                try {
                    Catalog.schemaAloneOnPath(c, schema);
                    if (step.doneCheck() == null || !DefinedTable.holds(c, step.doneCheck())) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET LOCAL maintenance_work_mem = '" + INDEX_MEMORY + "'"); // an index's sort in memory, not temp files
                            s.execute(step.sql());
                        }
                    }
                    c.commit();
                } catch (SQLException e) {
                    if (SqlErrors.isConnectionLoss(e)) throw e; // the target is gone: not a statement to report and pass
                    PostgresSink.rollbackQuietly(c);
                    String reason = SqlErrors.reason(e.getMessage());
                    warnings.add("table " + table + ": " + step.what() + " was not restored: " + reason + " (" + step.sql() + ")");
                }
            }
        }
        return warnings;
    }

    private List<TableName> madeFromDefinitions(String runId) throws SQLException {
        List<TableName> out = new ArrayList<>();
        try (Connection c = pool.connection();
             PreparedStatement ps = c.prepareStatement("SELECT table_schema, table_name FROM " + StateTables.RUN_TABLES + " WHERE run_id = ? AND defined")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new TableName(rs.getString(1), rs.getString(2)));
            }
        }
        return out;
    }
}
