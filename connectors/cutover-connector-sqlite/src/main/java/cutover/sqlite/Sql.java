package cutover.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting of SQLite identifiers, and the names Cutover keeps to itself. */
final class Sql {
    /** Where a sink keeps its checkpoints. SQLite has no schemas, so a name prefix sets it apart. */
    static final String CHECKPOINTS = "_cutover_checkpoints";
    /** Where a sink keeps which record wrote each key of a table whose key the plan derives. */
    static final String KEY_CLAIMS = "_cutover_key_claims";
    static final String OWN_PREFIX = "_cutover_";

    private Sql() {}

    /** Whether the file has a table of this name. */
    static boolean tableExists(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String quoteAll(List<String> identifiers) {
        return identifiers.stream().map(Sql::quote).collect(Collectors.joining(", "));
    }

    /**
     * The SQLite table for a plan's table name. SQLite has no schemas: {@code public.users} is
     * written to {@code users}, so one plan serves a PostgreSQL and a SQLite target alike.
     */
    static String tableName(String planName) {
        int dot = planName.lastIndexOf('.');
        return dot < 0 ? planName : planName.substring(dot + 1);
    }

    /** Tables that belong to SQLite or to Cutover, never to the user. */
    static boolean isInternal(String table) {
        return table.startsWith("sqlite_") || table.startsWith(OWN_PREFIX);
    }
}
