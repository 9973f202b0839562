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
 * transactional), and no other connection writes while the batch holds the file's lock.
 */
final class QuietTriggers {
    private QuietTriggers() {}

    /** Drops the triggers on these tables, in the open transaction; returns the statements that make them again. */
    static List<String> drop(Connection c, Collection<Table> tables) throws SQLException {
        List<String> again = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE"
                + " ORDER BY name"); Statement s = c.createStatement()) {
            for (Table t : tables) {
                ps.setString(1, Sql.tableName(t.name()));
                List<String> names = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                        again.add(rs.getString(2));
                    }
                }
                for (String name : names) s.execute("DROP TRIGGER " + Sql.quote(name));
            }
        }
        return again;
    }

    /** Makes the dropped triggers again, as their text said. */
    static void makeAgain(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }
}
