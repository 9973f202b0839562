package cutover.sqlite;

import cutover.connector.Position;
import cutover.connector.Sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The table {@code _cutover_checkpoints} in the target file, one row per run and split. SQLite has no
 * schemas to keep Cutover's state apart (PostgreSQL targets use schema {@code cutover}), so the
 * name's prefix does, and the source side skips every {@code _cutover_} table.
 */
final class CheckpointTable {
    private static final String T = Sql.quote(Sql.CHECKPOINTS);

    private CheckpointTable() {}

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + T + " (run_id TEXT NOT NULL, split_id TEXT NOT NULL, ordinal INTEGER NOT NULL,"
                    + " token TEXT NOT NULL, read_count INTEGER NOT NULL, written_count INTEGER NOT NULL,"
                    + " dead_lettered_count INTEGER NOT NULL, skipped_count INTEGER NOT NULL, done INTEGER NOT NULL,"
                    + " updated_at TEXT NOT NULL, PRIMARY KEY (run_id, split_id))");
        }
    }

    static boolean exists(Connection c) throws SQLException {
        return Sql.tableExists(c, Sql.CHECKPOINTS);
    }

    static void upsert(Connection c, String runId, String splitId, Sink.Checkpoint cp) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + T + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
                + " ON CONFLICT (run_id, split_id) DO UPDATE SET ordinal = excluded.ordinal, token = excluded.token,"
                + " read_count = excluded.read_count, written_count = excluded.written_count,"
                + " dead_lettered_count = excluded.dead_lettered_count, skipped_count = excluded.skipped_count,"
                + " done = excluded.done, updated_at = excluded.updated_at")) {
            p.setString(1, runId);
            p.setString(2, splitId);
            p.setLong(3, cp.position().ordinal());
            p.setString(4, cp.position().token());
            p.setLong(5, cp.read());
            p.setLong(6, cp.written());
            p.setLong(7, cp.deadLettered());
            p.setLong(8, cp.skipped());
            p.setInt(9, cp.done() ? 1 : 0);
            p.executeUpdate();
        }
    }

    static Map<String, Sink.Checkpoint> read(Connection c, String runId) throws SQLException {
        Map<String, Sink.Checkpoint> out = new HashMap<>();
        if (!exists(c)) return out;
        try (PreparedStatement p = c.prepareStatement("SELECT split_id, ordinal, token, read_count, written_count, dead_lettered_count,"
                + " skipped_count, done FROM " + T + " WHERE run_id = ?")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Sink.Checkpoint(new Position(rs.getLong(2), rs.getString(3)),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getInt(8) != 0));
                }
            }
        }
        return out;
    }

    static void delete(Connection c, String runId, java.util.Set<String> splitIds) throws SQLException {
        if (!exists(c)) return;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + T + " WHERE run_id = ? AND split_id = ?")) {
            for (String split : splitIds) {
                p.setString(1, runId);
                p.setString(2, split);
                p.executeUpdate();
            }
        }
    }

    static void delete(Connection c, String runId) throws SQLException {
        if (!exists(c)) return;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + T + " WHERE run_id = ?")) {
            p.setString(1, runId);
            p.executeUpdate();
        }
    }
}
