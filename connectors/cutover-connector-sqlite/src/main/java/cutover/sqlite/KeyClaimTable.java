package cutover.sqlite;

import cutover.connector.SinkWriter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table {@code _cutover_key_claims}: which source record wrote each key of a table whose key the
 * plan derives, per run, until the run finishes (see {@link SinkWriter#write(List, List,
 * cutover.connector.Sink.Checkpoint)}). One connection writes the file, so claims need no ordering.
 */
final class KeyClaimTable {
    private static final String T = Sql.quote(Sql.KEY_CLAIMS);

    private KeyClaimTable() {}

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + T + " (run_id TEXT NOT NULL, table_name TEXT NOT NULL, key_digest BLOB NOT NULL,"
                    + " holder TEXT NOT NULL, PRIMARY KEY (run_id, table_name, key_digest)) WITHOUT ROWID");
        }
    }

    /**
     * Claims the keys in the open transaction, as one batch of inserts; returns, by claim index, the
     * holders of keys another record holds (looked up for the claims the insert did not take).
     */
    static Map<Integer, String> claim(Connection c, String runId, List<SinkWriter.KeyClaim> claims) throws SQLException {
        Map<Integer, String> taken = new TreeMap<>();
        if (claims.isEmpty()) return taken;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + T + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
             PreparedStatement held = c.prepareStatement("SELECT holder FROM " + T + " WHERE run_id = ? AND table_name = ? AND key_digest = ?")) {
            for (SinkWriter.KeyClaim claim : claims) {
                insert.setString(1, runId);
                insert.setString(2, claim.table());
                insert.setBytes(3, HexFormat.of().parseHex(claim.key()));
                insert.setString(4, claim.holder());
                insert.addBatch();
            }
            int[] inserted = insert.executeBatch();
            for (int i = 0; i < claims.size(); i++) {
                if (inserted[i] == 1) continue; // the key was free
                SinkWriter.KeyClaim claim = claims.get(i);
                held.setString(1, runId);
                held.setString(2, claim.table());
                held.setBytes(3, HexFormat.of().parseHex(claim.key()));
                try (ResultSet rs = held.executeQuery()) {
                    if (rs.next() && !rs.getString(1).equals(claim.holder())) taken.put(i, rs.getString(1));
                }
            }
        }
        return taken;
    }

    static boolean exists(Connection c) throws SQLException {
        return Sql.tableExists(c, Sql.KEY_CLAIMS);
    }

    static void delete(Connection c, String runId) throws SQLException {
        if (!exists(c)) return;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + T + " WHERE run_id = ?")) {
            p.setString(1, runId);
            p.executeUpdate();
        }
    }
}
