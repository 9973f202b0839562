package cutover.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What digests need to know of a table: each column's type (its {@code pg_type} name picks the hash,
 * its modifier says whether a numeric's scale is fixed), the primary key, whether the first key
 * column's own order is code point order (so its index serves range queries), and the planner's
 * row estimate.
 */
record DigestTable(TableName name, List<Column> columns, List<String> primaryKey, boolean keyCollationIsC, long estimatedRows) {

    DigestTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /**
     * A column: {@code type} as {@code format_type} prints it with modifiers ({@code numeric(12,2)}),
     * {@code baseType} without them (for casts of bounds), {@code typname} from {@code pg_type}.
     */
    record Column(String name, String type, String baseType, String typname, int typmod, boolean notNull) {}

    Optional<Column> column(String column) {
        return columns.stream().filter(c -> c.name().equals(column)).findFirst();
    }

    Column firstKey() { return column(primaryKey.get(0)).orElseThrow(); }

    static Optional<DigestTable> load(Connection c, TableName name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT r.oid, r.reltuples::bigint, "
                + "(SELECT datcollate IN ('C', 'POSIX') FROM pg_database WHERE datname = current_database()) "
                + "FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ? AND r.relname = ? AND r.relkind IN ('r', 'p')")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.name());
            long oid, estimate;
            boolean databaseIsC;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                oid = rs.getLong(1);
                estimate = rs.getLong(2);
                databaseIsC = rs.getBoolean(3);
            }
            List<Column> columns = new ArrayList<>();
            List<Long> collations = new ArrayList<>();
            try (PreparedStatement cols = c.prepareStatement("SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), "
                    + "format_type(a.atttypid, NULL), t.typname::text, a.atttypmod, a.attnotnull, a.attcollation::bigint "
                    + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                    + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
                cols.setLong(1, oid);
                try (ResultSet rs = cols.executeQuery()) {
                    while (rs.next()) {
                        columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getBoolean(6)));
                        collations.add(rs.getLong(7));
                    }
                }
            }
            List<String> key = new ArrayList<>();
            try (PreparedStatement pk = c.prepareStatement(Catalog.primaryKeyColumns("?"))) {
                pk.setLong(1, oid);
                try (ResultSet rs = pk.executeQuery()) {
                    while (rs.next()) key.add(rs.getString(1));
                }
            }
            boolean keyIsC = false;
            if (!key.isEmpty()) {
                for (int i = 0; i < columns.size(); i++) {
                    if (!columns.get(i).name().equals(key.get(0))) continue;
                    long collation = collations.get(i);
                    // 950 and 951 are the built-in "C" and "POSIX" collations; 100 is the database default
                    keyIsC = collation == 950 || collation == 951 || (collation == 100 && databaseIsC);
                }
            }
            return Optional.of(new DigestTable(name, columns, key, keyIsC, estimate));
        }
    }
}
