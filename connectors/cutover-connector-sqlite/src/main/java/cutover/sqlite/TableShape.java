package cutover.sqlite;

import cutover.model.ColumnType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A table as SQLite describes it: columns with declared types, primary key, unique keys. */
record TableShape(String name, List<ColumnShape> columns, List<String> primaryKey, List<Set<String>> uniqueKeys, boolean hasRowid) {

    record ColumnShape(String name, String declaredType, boolean notNull) {
        Affinity affinity() { return Affinity.of(declaredType); }

        /** The portable type the declared type stands for, or null when it says nothing in particular. */
        ColumnType recognised() { return SqliteTypes.recognise(declaredType); }
    }

    /**
     * The name that reaches the table's rowid: {@code rowid}, or where a column takes that name
     * (it then names the column), {@code oid}, then {@code _rowid_} (which a plan's snake case would
     * make {@code rowid}); null where columns take all three.
     */
    String rowidName() {
        for (String name : List.of("rowid", "oid", "_rowid_")) if (column(name).isEmpty()) return name;
        return null;
    }

    Optional<ColumnShape> column(String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    /** True if an upsert can name these columns as its conflict target. */
    boolean isUniqueOn(Set<String> columns) {
        Set<String> wanted = lower(columns);
        if (lower(primaryKey).equals(wanted)) return true;
        return uniqueKeys.stream().anyMatch(u -> lower(u).equals(wanted));
    }

    private static Set<String> lower(java.util.Collection<String> names) {
        Set<String> out = new HashSet<>();
        for (String n : names) out.add(n.toLowerCase(java.util.Locale.ROOT));
        return out;
    }

    static Optional<TableShape> read(Connection c, String table) throws SQLException {
        List<ColumnShape> columns = new ArrayList<>();
        List<int[]> pkOrder = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    columns.add(new ColumnShape(rs.getString(1), rs.getString(2), rs.getInt(3) != 0));
                    if (rs.getInt(4) > 0) pkOrder.add(new int[] {rs.getInt(4), columns.size() - 1});
                }
            }
        }
        if (columns.isEmpty()) return Optional.empty();
        pkOrder.sort(Comparator.comparingInt(a -> a[0]));
        List<String> pk = new ArrayList<>();
        for (int[] p : pkOrder) pk.add(columns.get(p[1]).name());
        return Optional.of(new TableShape(table, columns, pk, uniqueKeys(c, table), hasRowid(c, table)));
    }

    private static List<Set<String>> uniqueKeys(Connection c, String table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1 AND partial = 0")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) indexes.add(rs.getString(1));
            }
        }
        List<Set<String>> keys = new ArrayList<>();
        for (String index : indexes) {
            Set<String> cols = new HashSet<>();
            try (PreparedStatement p = c.prepareStatement("SELECT name FROM pragma_index_info(?)")) {
                p.setString(1, index);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) cols.add(rs.getString(1));
                }
            }
            // an index on an expression has a null column name and cannot serve as a conflict target
            if (!cols.contains(null)) keys.add(cols);
        }
        return keys;
    }

    private static boolean hasRowid(Connection c, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                String sql = rs.next() ? rs.getString(1) : null;
                return sql == null || !sql.toUpperCase(java.util.Locale.ROOT).replaceAll("\\s+", " ").contains("WITHOUT ROWID");
            }
        }
    }

    /**
     * Names of the user's tables (not SQLite's nor Cutover's own), sorted. Not a virtual table (an FTS
     * index, an R*Tree) nor the shadow tables that hold its data: derived from other tables, they are
     * rebuilt, not restored (an acceptance run: an FTS index's shadow tables upserted over a changed
     * index broke the application's next insert).
     */
    static List<String> userTables(Connection c) throws SQLException {
        java.util.Set<String> shadow = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA main.table_list")) {
            while (rs.next()) if ("shadow".equals(rs.getString("type"))) shadow.add(rs.getString("name"));
        }
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                String name = rs.getString(1), sql = rs.getString(2);
                boolean virtual = sql != null && sql.toUpperCase(java.util.Locale.ROOT).startsWith("CREATE VIRTUAL");
                if (!Sql.isInternal(name) && !virtual && !shadow.contains(name)) names.add(name);
            }
        }
        return names;
    }
}
