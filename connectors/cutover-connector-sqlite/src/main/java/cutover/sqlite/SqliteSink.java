package cutover.sqlite;

import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.ForeignKey;
import cutover.model.Record;
import cutover.model.Table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes plan tables into a SQLite file, creating it when missing. One connection serves every
 * writer, and each batch holds it for its transaction: SQLite lets one writer in at a time anyway,
 * and taking turns in Java avoids SQLITE_BUSY between our own threads. Column types are stored as
 * {@link SqliteTypes} says; checkpoints live in {@code _cutover_checkpoints} ({@link CheckpointTable}).
 */
final class SqliteSink implements Sink, AutoCloseable {
    private final SqliteDatabase db;
    private Connection connection;
    /** Set once the checkpoint table is known to exist, so opening a writer costs nothing after that. */
    private boolean checkpointTableReady;
    /** The plan's tables whose key is the table's own rowid ({@link TableDdl#keyedByRowid}), made so or found so. */
    private final Set<String> keyedByOwnRowid = java.util.concurrent.ConcurrentHashMap.newKeySet(); // read for every row checked
    /** A restore's: the written tables' triggers do not fire for its rows ({@link QuietTriggers}). */
    private volatile boolean quietTriggers;
    /** By plan table, its columns whose values the existing column's affinity may convert, checked value by value (read for every row checked). */
    private final Map<String, List<String>> convertedByAffinity = new java.util.concurrent.ConcurrentHashMap<>();

    SqliteSink(SqliteDatabase db) {
        this.db = db;
    }

    synchronized Connection connection() {
        if (connection == null) connection = db.openForWriting();
        return connection;
    }

    SqliteDatabase database() { return db; }

    @Override
    public synchronized TargetInfo describe() {
        try {
            Connection c = connection();
            String version;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
                rs.next();
                version = rs.getString(1);
            }
            Map<String, Set<String>> tables = new HashMap<>();
            for (String t : TableShape.userTables(c)) {
                Set<String> columns = new LinkedHashSet<>();
                TableShape.read(c, t).ifPresent(shape -> {
                    shape.columns().forEach(col -> columns.add(col.name()));
                    // its rowid is a column by that name too: a plan keys a table without a primary key by it
                    if (shape.hasRowid() && shape.rowidName() != null) columns.add(shape.rowidName());
                });
                tables.put(t, columns);
            }
            return new TargetInfo("SQLite", version, "main", tables, false);
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "cannot read the tables of " + db.path() + ": " + e.getMessage(), e);
        }
    }

    /** The checks of {@link #prepare}, which come before it creates anything. */
    @Override
    public synchronized List<String> wouldPrepare(String runId, List<Table> tables, boolean create) {
        try {
            return problems(connection(), runId, tables, create, new ArrayList<>());
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "checking the tables");
        }
    }

    /** Checks every table first and creates the missing ones only when nothing is wrong, in one transaction. */
    @Override
    public synchronized List<String> prepare(String runId, List<Table> tables, boolean create) {
        Connection c = connection();
        List<Table> missing = new ArrayList<>();
        try {
            List<String> problems = problems(c, runId, tables, create, missing);
            if (!problems.isEmpty()) return problems;
            inTransaction(c, () -> {
                CheckpointTable.create(c);
                KeyClaimTable.create(c);
                try (Statement s = c.createStatement()) {
                    for (Table t : missing) s.execute(TableDdl.create(t));
                }
            });
            checkpointTableReady = true;
            return problems;
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "preparing the tables");
        }
    }

    /** What is wrong with the target for these tables; {@code missing} gets those to create. */
    private List<String> problems(Connection c, String runId, List<Table> tables, boolean create, List<Table> missing) throws SQLException {
        List<String> problems = new ArrayList<>();
        boolean resumed = CheckpointTable.exists(c) && !CheckpointTable.read(c, runId).isEmpty();
        Map<String, String> planNameBySqliteName = new HashMap<>();
        for (Table t : tables) {
            String name = Sql.tableName(t.name());
            String other = planNameBySqliteName.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), t.name());
            if (other != null) {
                problems.add("tables " + other + " and " + t.name() + " both become the SQLite table " + name
                        + " (SQLite has no schemas); rename one in the plan");
                continue;
            }
            Optional<TableShape> existing = TableShape.read(c, name);
            if (existing.isPresent() ? TableCheck.keyedByOwnRowid(t, existing.get()) : TableDdl.keyedByRowid(t)) keyedByOwnRowid.add(t.name());
            // rows keyed by their place (a table without a primary key) match nothing of the table's own: only into one new or empty
            if (existing.isPresent() && TableCheck.keyedByOwnRowid(t, existing.get()) && !resumed && hasRows(c, name)) {
                problems.add("table " + name + " has rows, and its rows are keyed by their place (it has no primary key), which matches"
                        + " nothing of the rows there: a restore or migration writes it only into a new or empty table; empty it"
                        + " (DELETE FROM " + Sql.quote(name) + "), write into a new file, or leave it out");
                continue;
            }
            if (existing.isPresent()) {
                problems.addAll(TableCheck.problems(t, existing.get()));
                List<String> numbers = TableCheck.convertedByAffinity(t, existing.get());
                if (!numbers.isEmpty()) convertedByAffinity.put(t.name(), numbers);
            } else if (create) missing.add(t);
            else problems.add("table " + name + " does not exist in " + db.path() + ", and creating tables is turned off");
        }
        return problems;
    }

    private static boolean hasRows(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + Sql.quote(table) + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Override
    public Optional<RecordError> check(Table table, Record row) {
        Optional<RecordError> problem = RowCheck.check(table, row);
        for (String column : convertedByAffinity.getOrDefault(table.name(), List.of())) {
            if (problem.isEmpty()) problem = RowCheck.numberAsStored(table, column, row);
        }
        return problem.isPresent() || !keyedByOwnRowid.contains(table.name()) ? problem : RowCheck.rowid(table, row);
    }

    @Override
    public synchronized Map<String, Checkpoint> checkpoints(String runId) {
        try {
            Connection c = connection();
            if (!CheckpointTable.exists(c)) return Map.of();
            checkpointTableReady = KeyClaimTable.exists(c); // a writer need not make them (nor wait for the file's lock to)
            return CheckpointTable.read(c, runId);
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "cannot read the checkpoints of run " + runId + " in " + db.path()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void forgetCheckpoints(String runId, Set<String> splitIds) {
        try {
            CheckpointTable.delete(connection(), runId, splitIds);
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "forgetting checkpoints of run " + runId);
        }
    }

    @Override
    public synchronized void resetCheckpoints(String runId) {
        try {
            CheckpointTable.delete(connection(), runId);
            KeyClaimTable.delete(connection(), runId); // the attempt starts over, its records with it: they claim their keys again
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "forgetting the checkpoints of run " + runId);
        }
    }

    /** Existing tables' CHECK and UNIQUE constraints, unique indexes and triggers: rules that may refuse rows no check here foretells. */
    @Override
    public List<String> rulesOfItsOwn(List<Table> tables) {
        return rulesOfItsOwn(tables, Set.of());
    }

    /** Unique indexes and CHECK or UNIQUE clauses (of the tables not in {@code tried}), and triggers: which fire, or do not. */
    @Override
    public synchronized List<String> rulesOfItsOwn(List<Table> tables, Set<String> tried) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement rules = connection().prepareStatement("SELECT group_concat(type || ' ' || name, ', ') FROM sqlite_master WHERE tbl_name = ?"
                + " AND ((type = 'index' AND upper(sql) LIKE '%UNIQUE%') OR (type = 'table' AND (upper(sql) LIKE '%CHECK%' OR upper(sql) LIKE '%UNIQUE%')))");
             PreparedStatement triggers = connection().prepareStatement("SELECT name, sql FROM sqlite_master WHERE tbl_name = ? AND type = 'trigger'"
                     + " ORDER BY name")) {
            java.util.Set<String> virtual = QuietTriggers.virtualTables(connection());
            for (Table t : tables) {
                String name = Sql.tableName(t.name());
                rules.setString(1, name);
                try (ResultSet rs = rules.executeQuery()) {
                    String found = rs.next() ? rs.getString(1) : null;
                    if (found != null && !tried.contains(t.name())) {
                        out.add("table " + name + " has rules of its own (" + found + "): rows they refuse are not foreseen here; the restore sets"
                                + " them aside, each with the database's reason");
                    }
                }
                triggers.setString(1, name);
                List<String> quiet = new ArrayList<>(), firing = new ArrayList<>();
                try (ResultSet rs = triggers.executeQuery()) {
                    while (rs.next()) (quietTriggers && !QuietTriggers.keepsVirtualTable(rs.getString(2), virtual) ? quiet : firing).add(rs.getString(1));
                }
                if (!quiet.isEmpty()) {
                    out.add("table " + name + " has triggers (" + String.join(", ", quiet) + "), which do not fire for the restored rows:"
                            + " the restore drops them in each batch's transaction and makes them again before it commits");
                }
                if (!firing.isEmpty()) {
                    out.add("table " + name + " has triggers (" + String.join(", ", firing) + ")" + (quietTriggers
                            ? ", which keep a virtual table (a search index) in step and fire for the restored rows"
                            : ", which fire for the rows written (they may change or refuse them)"));
                }
            }
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "reading the rules of the target's tables");
        }
        return out;
    }

    @Override
    public void keepTriggersQuiet() {
        quietTriggers = true;
    }

    boolean quietTriggers() {
        return quietTriggers;
    }

    @Override
    public synchronized SinkWriter writer(String runId, String splitId, List<Table> tables) {
        return new SqliteSinkWriter(this, runId, splitId, tables);
    }

    /**
     * Makes sure the state tables are there before a writer commits a batch, so it works even if
     * prepare was not called on this file (or an older Cutover's was). Not when a writer is opened:
     * a dry run's writer only tries rows, and leaves the file as it was.
     */
    synchronized void stateTablesReady() {
        if (checkpointTableReady) return;
        try {
            CheckpointTable.create(connection());
            KeyClaimTable.create(connection());
            checkpointTableReady = true;
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "creating the checkpoint table");
        }
    }

    /** Nothing to add (foreign keys were declared with the tables); reports rows whose parent is missing. */
    @Override
    public synchronized List<String> finish(String runId, List<Table> tables) {
        List<String> warnings = new ArrayList<>();
        try (Statement s = connection().createStatement()) {
            for (Table t : tables) {
                for (ForeignKey fk : t.foreignKeys()) {
                    try (ResultSet rs = s.executeQuery(Orphans.countQuery(t, fk))) {
                        long orphans = rs.next() ? rs.getLong(1) : 0;
                        if (orphans > 0) warnings.add(Orphans.describe(t, fk, orphans));
                    }
                }
            }
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "cannot check the foreign keys in " + db.path() + ": " + e.getMessage(), e);
        }
        try {
            KeyClaimTable.delete(connection(), runId); // every record is in or set aside: nothing claims a key any more
        } catch (SQLException e) {
            throw WriteFailures.of(e, db.path(), "forgetting the key claims of run " + runId);
        }
        return warnings;
    }

    @Override
    public synchronized void close() {
        SqliteDatabase.closeQuietly(connection);
        connection = null;
    }

    interface SqlWork {
        void run() throws SQLException;
    }

    /** Runs the work in one transaction: committed whole, or rolled back whole and the error rethrown. */
    static void inTransaction(Connection c, SqlWork work) throws SQLException {
        inTransaction(c, work, true);
    }

    /** Runs the work in one transaction rolled back whatever it did: a trial that leaves nothing behind. */
    static void rolledBack(Connection c, SqlWork work) throws SQLException {
        inTransaction(c, work, false);
    }

    private static void inTransaction(Connection c, SqlWork work, boolean commit) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            if (commit) c.commit();
            else c.rollback();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        }
        c.setAutoCommit(true);
    }

    /**
     * Rolls back after {@code failure} and turns autocommit on again, whatever state SQLite left the
     * transaction in (a trigger's RAISE(ROLLBACK) ends it itself): the failure stays the one reported.
     */
    private static void rollbackQuietly(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailed) {
            failure.addSuppressed(rollbackFailed);
        }
        try {
            c.setAutoCommit(true);
        } catch (SQLException again) {
            failure.addSuppressed(again);
        }
    }

}
