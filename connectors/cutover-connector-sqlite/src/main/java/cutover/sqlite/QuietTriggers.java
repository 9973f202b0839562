package cutover.sqlite;

import cutover.model.Table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A restore's rows go back as they were, not through the tables' own triggers (an {@code updated_at}
 * one would stamp every restored row, an audit one log each again: an acceptance run's finding, the
 * rows a dry run called unchanged among them). SQLite has no statement that turns a trigger off, so
 * the written tables' triggers are dropped in the batch's transaction and made again from their own
 * text before it commits; a rollback, or a crash, leaves them as they were (SQLite's DDL is
 * transactional), and no other connection writes while the batch holds the file's lock. A trigger
 * that writes into a virtual table (an external-content FTS index kept in step with its table) is
 * left to fire: quiet, it left the index out of step with the restored rows, which SQLite later
 * reported as a malformed database (an acceptance run).
 */
final class QuietTriggers {
    private QuietTriggers() {}

    /** Drops the triggers on these tables (but those that keep a virtual table), in the open transaction; returns the statements that make them again. */
    static List<String> drop(Connection c, Collection<Table> tables) throws SQLException {
        List<String> again = new ArrayList<>();
        java.util.Set<String> virtual = virtualTables(c);
        // in the order they were made (the schema table's), made again so: SQLite fires a table's triggers by that order
        try (PreparedStatement ps = c.prepareStatement("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE"
                + " ORDER BY rowid"); Statement s = c.createStatement()) {
            for (Table t : tables) {
                ps.setString(1, Sql.tableName(t.name()));
                List<String> names = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (keepsVirtualTable(rs.getString(2), virtual)) continue;
                        names.add(rs.getString(1));
                        again.add(rs.getString(2));
                    }
                }
                for (String name : names) s.execute("DROP TRIGGER " + Sql.quote(name));
            }
        }
        return again;
    }

    /** The names of the file's virtual tables (FTS indexes, R*Trees, …). */
    static java.util.Set<String> virtualTables(Connection c) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                + " AND upper(sql) LIKE 'CREATE VIRTUAL TABLE%'")) {
            while (rs.next()) out.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    /** Whether a trigger's text names one of these virtual tables (as a word, quoted or not): it keeps that table in step. */
    static boolean keepsVirtualTable(String triggerSql, java.util.Set<String> virtualTables) {
        String text = triggerSql.toLowerCase(java.util.Locale.ROOT);
        for (String table : virtualTables) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(^|[^a-z0-9_$])[\"`\\[]?" + java.util.regex.Pattern.quote(table)
                    + "[\"`\\]]?([^a-z0-9_$]|$)").matcher(text);
            if (m.find()) return true;
        }
        return false;
    }

    /** Makes the dropped triggers again, as their text said. */
    static void makeAgain(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }
}
