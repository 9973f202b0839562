package cutover.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Cutover's own tables, in schema {@code cutover} and never in {@code public} (Supabase serves
 * {@code public} over HTTP). {@code checkpoints} holds each split's committed position, written in the
 * transaction of the batch it ends; {@code run_tables} remembers which tables a run created empty and
 * may therefore fill by direct COPY, and which it made from their definition ({@link DefinedTable}),
 * to complete once the rows are in, also when the run is resumed. {@code key_claims} names the source
 * record that wrote each key of a table whose key the plan derives (see {@link
 * cutover.connector.SinkWriter#write(java.util.List, java.util.List, cutover.connector.Sink.Checkpoint)}),
 * until the run finishes.
 */
final class StateTables {
    static final String CHECKPOINTS = "cutover.checkpoints";
    static final String RUN_TABLES = "cutover.run_tables";
    static final String KEY_CLAIMS = "cutover.key_claims";
    /** The schemas a run made (the target lacked them when it began): an attempt run again after one that failed still makes theirs. */
    static final String RUN_SCHEMAS = "cutover.run_schemas";
    private static final String RUN_SCHEMAS_DDL = "CREATE TABLE IF NOT EXISTS " + RUN_SCHEMAS
            + " (run_id text NOT NULL, schema_name text NOT NULL, PRIMARY KEY (run_id, schema_name))";
    /** The routines a run made before its tables: an attempt after one that stopped gives them to their owners too. */
    static final String RUN_ROUTINES = "cutover.run_routines";
    private static final String RUN_ROUTINES_DDL = "CREATE TABLE IF NOT EXISTS " + RUN_ROUTINES
            + " (run_id text NOT NULL, name text NOT NULL, arguments text NOT NULL, PRIMARY KEY (run_id, name, arguments))";

    /** Flags of {@code run_tables}: the run may COPY straight into the table; the run made it from its definition. */
    static final String FAST_PATH = "fast_path", DEFINED = "defined";

    private StateTables() {}

    /** The flag ({@link #FAST_PATH} or {@link #DEFINED}) of the run's table; false when the run has no row for it. */
    static boolean runTable(Connection c, String runId, TableName name, String flag) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT " + flag + " FROM " + RUN_TABLES
                + " WHERE run_id = ? AND table_schema = ? AND table_name = ?")) {
            ps.setString(1, runId);
            ps.setString(2, name.schema());
            ps.setString(3, name.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Whether the run has a row for the table, whatever its flags: it made or found the table in an earlier attempt. */
    static boolean knowsTable(Connection c, String runId, TableName name) throws SQLException {
        return runTable(c, runId, name, "true");
    }

    /** Puts the run's table on the fast path, whether or not the run has a row for it yet: it holds no rows but this run's. */
    static void markFastPath(Connection c, String runId, TableName name) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + RUN_TABLES + " (run_id, table_schema, table_name, " + FAST_PATH
                + ") VALUES (?, ?, ?, true) ON CONFLICT (run_id, table_schema, table_name) DO UPDATE SET " + FAST_PATH + " = true")) {
            ps.setString(1, runId);
            ps.setString(2, name.schema());
            ps.setString(3, name.name());
            ps.executeUpdate();
        }
    }

    /**
     * Whether the run made {@code schema}: recorded now where {@code madeNow} (with the prepare's
     * commit), else read, for an attempt that finds it made by an earlier one of the same run.
     */
    static boolean schemaMadeBy(Connection c, String runId, String schema, boolean madeNow) throws SQLException {
        if (!there(c, RUN_SCHEMAS)) return madeNow; // state of an older build this role could not add the table to
        String sql = madeNow ? "INSERT INTO " + RUN_SCHEMAS + " (run_id, schema_name) VALUES (?, ?) ON CONFLICT DO NOTHING"
                : "SELECT 1 FROM " + RUN_SCHEMAS + " WHERE run_id = ? AND schema_name = ?";
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, schema);
            if (madeNow) {
                ps.executeUpdate();
                return true;
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Forgets which schemas and routines the run made: started over, the run takes them as it finds them. */
    static void forgetMade(Connection c, String runId) throws SQLException {
        deleteRun(c, RUN_SCHEMAS, runId);
        deleteRun(c, RUN_ROUTINES, runId);
    }

    /**
     * The routines (name, identity arguments) the run made before its tables: {@code madeNow} recorded,
     * then all it made in this attempt and earlier ones returned. Where an older build's state lacks
     * the table and this role cannot add it, those made now alone.
     */
    static List<String[]> routinesMadeBy(Connection c, String runId, List<String[]> madeNow) throws SQLException {
        if (!there(c, RUN_ROUTINES)) return madeNow;
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + RUN_ROUTINES + " (run_id, name, arguments) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            for (String[] r : madeNow) {
                ps.setString(1, runId);
                ps.setString(2, r[0]);
                ps.setString(3, r[1]);
                ps.executeUpdate();
            }
        }
        List<String[]> all = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT name, arguments FROM " + RUN_ROUTINES + " WHERE run_id = ? ORDER BY 1, 2")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) all.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return all;
    }

    /** Drops the run's key claims, where there are any (the table is made by the first prepare of a Cutover that claims). */
    static void forgetClaims(Connection c, String runId) throws SQLException {
        deleteRun(c, KEY_CLAIMS, runId);
    }

    /** Whether the state table is there: a build before it made the state, or none was made yet. */
    static boolean there(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Deletes the run's rows of a state table, where the table is there (made by a later build than the state's). */
    private static void deleteRun(Connection c, String table, String runId) throws SQLException {
        if (!there(c, table)) return;
        try (java.sql.PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
            del.setString(1, runId);
            del.executeUpdate();
        }
    }

    static void create(Connection c) throws SQLException {
        try {
            make(c);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) throw e;
            throw new SQLException(e.getMessage() + "; Cutover keeps its state (checkpoints, the run's tables, key claims) in schema cutover"
                    + " of the target, which this role may not make: grant it CREATE on the database, or make the schema for it first"
                    + " (CREATE SCHEMA cutover AUTHORIZATION the_role)", e.getSQLState(), e);
        }
    }

    private static void make(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // there already, with the column added last: nothing to make, and nothing asked of a role that may not create
            // (CREATE … IF NOT EXISTS needs the privilege to create even where the object is there)
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + CHECKPOINTS + "') IS NOT NULL AND to_regclass('" + KEY_CLAIMS + "') IS NOT NULL"
                    + " AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('" + RUN_TABLES + "') AND attname = 'defined'),"
                    + " to_regclass('" + RUN_SCHEMAS + "') IS NOT NULL AND to_regclass('" + RUN_ROUTINES + "') IS NOT NULL")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    // state made by a build before run_schemas (review: every run on such a target failed on it): added where
                    // this role may; without it, a schema a failed attempt made is taken for the target's, as before
                    if (!rs.getBoolean(2)) {
                        DefinedTable.attempt(c, RUN_SCHEMAS_DDL);
                        DefinedTable.attempt(c, RUN_ROUTINES_DDL);
                    }
                    return;
                }
            }
            // made only where missing: CREATE SCHEMA IF NOT EXISTS asks for CREATE on the database even where it is there
            try (ResultSet rs = s.executeQuery("SELECT to_regnamespace('cutover') IS NULL")) {
                rs.next();
                if (rs.getBoolean(1)) s.execute("CREATE SCHEMA cutover");
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + CHECKPOINTS + " ("
                    + "run_id text NOT NULL, split_id text NOT NULL, position_ordinal bigint NOT NULL, position_token text NOT NULL, "
                    + "read bigint NOT NULL, written bigint NOT NULL, dead_lettered bigint NOT NULL, skipped bigint NOT NULL, "
                    + "done boolean NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, split_id))");
            s.execute("CREATE TABLE IF NOT EXISTS " + RUN_TABLES + " ("
                    + "run_id text NOT NULL, table_schema text NOT NULL, table_name text NOT NULL, fast_path boolean NOT NULL, "
                    + "created_at timestamptz NOT NULL DEFAULT now(), defined boolean NOT NULL DEFAULT false, "
                    + "PRIMARY KEY (run_id, table_schema, table_name))");
            s.execute("CREATE TABLE IF NOT EXISTS " + KEY_CLAIMS + " (run_id text NOT NULL, table_name text NOT NULL, key_digest bytea NOT NULL, "
                    + "holder text NOT NULL, PRIMARY KEY (run_id, table_name, key_digest))");
            s.execute(RUN_SCHEMAS_DDL);
            s.execute(RUN_ROUTINES_DDL);
            // made before definitions were kept: the column is added once (ADD COLUMN would lock the table on every run)
            try (ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '" + RUN_TABLES
                    + "'::regclass AND attname = 'defined')")) {
                rs.next();
                if (rs.getBoolean(1)) s.execute("ALTER TABLE " + RUN_TABLES + " ADD COLUMN IF NOT EXISTS defined boolean NOT NULL DEFAULT false");
            }
        }
    }
}
