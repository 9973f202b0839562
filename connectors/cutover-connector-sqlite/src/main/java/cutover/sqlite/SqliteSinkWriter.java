package cutover.sqlite;

import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one split's batches: every row upserted on its primary key and the split's checkpoint,
 * in one transaction on the sink's connection, so a batch is committed whole or not at all.
 */
final class SqliteSinkWriter implements SinkWriter {
    private final SqliteSink sink;
    private final String runId;
    private final String splitId;
    private final Map<String, Table> tables = new HashMap<>();
    private boolean closed;

    SqliteSinkWriter(SqliteSink sink, String runId, String splitId, List<Table> tables) {
        this.sink = sink;
        this.runId = runId;
        this.splitId = splitId;
        for (Table t : tables) this.tables.put(t.name(), t);
    }

    @Override
    public void write(List<Record> rows, Sink.Checkpoint checkpoint) {
        write(rows, List.of(), checkpoint);
    }

    @Override
    public void write(List<Record> rows, List<KeyClaim> claims, Sink.Checkpoint checkpoint) {
        if (closed) throw new IllegalStateException("writer of split " + splitId + " is closed");
        Map<Table, List<Record>> byTable = group(rows);
        synchronized (sink) {
            sink.stateTablesReady();
            Connection c = sink.connection();
            try {
                SqliteSink.inTransaction(c, () -> {
                    Map<Integer, String> taken = KeyClaimTable.claim(c, runId, claims);
                    if (!taken.isEmpty()) throw new KeysTaken(taken); // rolls the transaction back
                    List<String> triggers = quietTriggers(c);
                    for (Map.Entry<Table, List<Record>> e : byTable.entrySet()) upsert(c, e.getKey(), e.getValue());
                    dropElementsPast(c, byTable);
                    QuietTriggers.makeAgain(c, triggers);
                    CheckpointTable.upsert(c, runId, splitId, checkpoint);
                });
            } catch (SQLException e) {
                throw WriteFailures.of(e, sink.database().path(), "writing a batch of " + rows.size() + " rows of split " + splitId);
            }
        }
    }

    /**
     * Halves the groups until each refused one stands alone, in one transaction rolled back at the
     * end: a part that writes is kept (its savepoint released) so later groups see its rows, a refused
     * part is rolled back to its savepoint and halved.
     */
    @Override
    public Map<Integer, RecordError> refused(List<List<Record>> groups) {
        if (closed) throw new IllegalStateException("writer of split " + splitId + " is closed");
        Map<Integer, RecordError> refused = new TreeMap<>();
        synchronized (sink) {
            Connection c = sink.connection();
            try {
                SqliteSink.rolledBack(c, () -> {
                    quietTriggers(c); // as the write will be: the rollback makes them again
                    probe(c, groups, 0, groups.size(), refused);
                });
            } catch (SQLException e) {
                throw WriteFailures.of(e, sink.database().path(), "finding the rows split " + splitId + " refused");
            }
        }
        return refused;
    }

    /**
     * A dry run's trial writes: {@link #refused}'s halving, the parts that write kept in one
     * transaction across calls, rolled back on close. Foreign keys are not enforced while a run
     * writes (they are checked when it finishes), so no row is refused for its parent here.
     */
    @Override
    public java.util.Optional<Trial> trial() {
        return java.util.Optional.of(new Trial() {
            private boolean open;

            @Override
            public Map<Integer, RecordError> refused(List<List<Record>> groups) {
                synchronized (sink) {
                    Connection c = sink.connection();
                    Map<Integer, RecordError> refused = new TreeMap<>();
                    try {
                        if (!open) {
                            c.setAutoCommit(false);
                            open = true; // from here, close rolls back: the triggers dropped below too
                            quietTriggers(c); // as the restore will be: the rollback makes them again
                        }
                        probe(c, groups, 0, groups.size(), refused);
                    } catch (SQLException e) {
                        close();
                        throw WriteFailures.of(e, sink.database().path(), "trying the rows that would change");
                    }
                    return refused;
                }
            }

            @Override
            public void close() {
                synchronized (sink) {
                    if (!open) return;
                    open = false;
                    try {
                        SqliteSink.rolledBack(sink.connection(), () -> {}); // rolls back what the trial wrote, and ends the transaction
                    } catch (SQLException e) {
                        throw WriteFailures.of(e, sink.database().path(), "rolling back the rows tried");
                    }
                }
            }
        });
    }

    /** A restore's: drops the triggers of the writer's tables in the open transaction; the statements that make them again. */
    private List<String> quietTriggers(Connection c) throws SQLException {
        return sink.quietTriggers() ? QuietTriggers.drop(c, tables.values()) : List.of();
    }

    private void probe(Connection c, List<List<Record>> groups, int from, int to, Map<Integer, RecordError> refused) throws SQLException {
        if (from >= to) return;
        List<Record> rows = new ArrayList<>();
        for (List<Record> g : groups.subList(from, to)) rows.addAll(g);
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT cutover_probe");
            try {
                for (Map.Entry<Table, List<Record>> e : group(rows).entrySet()) upsert(c, e.getKey(), e.getValue());
                s.execute("RELEASE cutover_probe");
                return;
            } catch (SQLException e) {
                try {
                    s.execute("ROLLBACK TO cutover_probe");
                    s.execute("RELEASE cutover_probe");
                } catch (SQLException gone) { // a trigger's RAISE(ROLLBACK) ended the whole transaction: the rows cannot be told apart
                    e.addSuppressed(gone);
                    throw e;
                }
                if (!WriteFailures.isRowRefusal(e)) throw e;
                if (to - from == 1) {
                    refused.put(from, WriteFailures.refusal(e));
                    return;
                }
            }
        }
        if (to - from <= 8) { // few left: one by one costs little more than halving, and much less where most are refused
            for (int i = from; i < to; i++) probe(c, groups, i, i + 1, refused);
            return;
        }
        int middle = (from + to) >>> 1;
        probe(c, groups, from, middle, refused);
        probe(c, groups, middle, to, refused);
    }

    /** Rows by table, keeping each table's rows in batch order so a later version of a row wins. */
    private Map<Table, List<Record>> group(List<Record> rows) {
        Map<Table, List<Record>> byTable = new LinkedHashMap<>();
        for (Record r : rows) {
            Table t = tables.get(r.entity().value());
            if (t == null) {
                throw new CutoverException(ErrorCode.PLAN_MISMATCH, "a row of split " + splitId + " is for table " + r.entity()
                        + ", which is not among the plan's tables " + tables.keySet());
            }
            byTable.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
        }
        return byTable;
    }

    /**
     * For each parent row written, the rows of its arrays' element tables past the elements this batch
     * brought (an array that shrank since an earlier write): they are the parent's no more.
     */
    private void dropElementsPast(Connection c, Map<Table, List<Record>> byTable) throws SQLException {
        for (Table elements : tables.values()) {
            cutover.model.ForeignKey toParent = elements.elementsOf();
            Table parent = toParent == null ? null : tables.get(toParent.referencedTable());
            if (parent == null || !byTable.containsKey(parent)) continue;
            Map<List<Value>, Long> count = new java.util.HashMap<>();
            for (Record r : byTable.getOrDefault(elements, List.of())) {
                count.merge(toParent.columns().stream().map(col -> r.fields().getOrDefault(col, Value.NULL)).toList(), 1L, Long::sum);
            }
            String index = Sql.quote(elements.primaryKey().get(elements.primaryKey().size() - 1));
            StringBuilder sql = new StringBuilder("DELETE FROM " + Sql.quote(Sql.tableName(elements.name())) + " WHERE ");
            for (String col : toParent.columns()) sql.append(Sql.quote(col)).append(" = ? AND ");
            sql.append(index).append(" >= ?");
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                for (Record row : byTable.get(parent)) {
                    List<Value> key = toParent.referencedColumns().stream().map(col -> row.fields().getOrDefault(col, Value.NULL)).toList();
                    int i = 1;
                    for (int k = 0; k < key.size(); k++) {
                        Column column = elements.column(toParent.columns().get(k)).orElseThrow();
                        bind(p, i++, StoredValues.toStored(key.get(k), column.type()));
                    }
                    p.setLong(i, count.getOrDefault(key, 0L));
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
    }

    private static void upsert(Connection c, Table table, List<Record> rows) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(TableDdl.upsert(table))) {
            for (Record r : rows) {
                int i = 1;
                for (Column col : table.columns()) bind(p, i++, StoredValues.toStored(r.fields().getOrDefault(col.name(), Value.NULL), col.type()));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static void bind(PreparedStatement p, int i, Object stored) throws SQLException {
        if (stored == null) p.setNull(i, Types.NULL);
        else if (stored instanceof Long l) p.setLong(i, l);
        else if (stored instanceof Double d) p.setDouble(i, d);
        else if (stored instanceof String s) p.setString(i, s);
        else if (stored instanceof byte[] b) p.setBytes(i, b);
        else throw new IllegalArgumentException("cannot bind " + stored.getClass());
    }

    @Override
    public void close() {
        closed = true; // the connection is the sink's, shared by its writers
    }
}
