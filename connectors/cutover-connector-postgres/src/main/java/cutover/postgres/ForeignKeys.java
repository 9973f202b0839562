package cutover.postgres;

import cutover.model.ForeignKey;
import cutover.model.Table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Adds the plan's foreign keys once every row is in (splits load in any order, so earlier a child
 * could arrive before its parent). Rows whose parent is missing are never deleted: the constraint is
 * then added {@code NOT VALID} (enforced for new rows, not checked for old ones) and a warning names
 * the table, the columns and how many rows are orphans. Each foreign key's columns get an index, which
 * PostgreSQL does not create by itself and joins and cascades need.
 */
final class ForeignKeys {
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final String defaultSchema;

    ForeignKeys(String defaultSchema) { this.defaultSchema = defaultSchema; }

    /** One foreign key to add: the child table, the parent table, and the key. */
    record Job(TableName child, TableName parent, ForeignKey key) {
        boolean touches(TableName table) { return child.equals(table) || parent.equals(table); }
    }

    /** Every foreign key of the plan's tables, in plan order. */
    List<Job> jobs(List<Table> tables) {
        List<Job> out = new ArrayList<>();
        for (Table table : tables) {
            TableName child = TableName.resolve(table.name(), defaultSchema);
            for (ForeignKey fk : table.foreignKeys()) out.add(new Job(child, TableName.resolve(fk.referencedTable(), defaultSchema), fk));
        }
        return out;
    }

    /**
     * Adds one foreign key, within the caller's transaction. It is first added as it should be,
     * validated; only when PostgreSQL finds a row without its parent is it added {@code NOT VALID} and
     * the orphans counted, so the common case reads the child table once. Returns the warning, if any.
     */
    Optional<String> add(Connection c, Job job) throws SQLException {
        TableName child = job.child(), parent = job.parent();
        ForeignKey fk = job.key();
        String constraint = name("fk", child, fk.columns());
        if (constraintExists(c, child, constraint) || equivalentExists(c, job)) return Optional.empty();
        String ddl = "ALTER TABLE " + child.sql() + " ADD CONSTRAINT " + TableName.quote(constraint) + " FOREIGN KEY ("
                + TargetSchema.quotedList(fk.columns()) + ") REFERENCES " + parent.sql() + " ("
                + TargetSchema.quotedList(fk.referencedColumns()) + ")";
        Savepoint before = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
            c.releaseSavepoint(before);
            return Optional.empty();
        } catch (SQLException e) {
            if (!FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) throw e;
            c.rollback(before);
        }
        long orphans = orphans(c, child, parent, fk);
        try (Statement s = c.createStatement()) {
            s.execute(ddl + " NOT VALID");
        }
        return Optional.of("table " + child + ": " + orphans + " row(s) have " + String.join(", ", fk.columns())
                + " values with no matching row in " + parent + "; the foreign key " + constraint
                + " was added NOT VALID (new rows are checked, these are kept). Find them with: SELECT * FROM "
                + child.sql() + " c WHERE NOT EXISTS (SELECT 1 FROM " + parent.sql() + " p WHERE " + join(fk) + ")");
    }

    /**
     * The statements that index every foreign key's columns (PostgreSQL does not, and joins and
     * cascades need them), unless an index of the table's own already leads with them (in any order,
     * not partial). Independent of each other, so they can run at once on several connections.
     */
    List<String> indexStatements(List<Table> tables) {
        List<String> out = new ArrayList<>();
        for (Table table : tables) {
            TableName child = TableName.resolve(table.name(), defaultSchema);
            for (ForeignKey fk : table.foreignKeys()) {
                int n = fk.columns().size();
                String columns = "ARRAY[" + String.join(", ", fk.columns().stream().map(DefinedTable::literal).toList()) + "]::name[]";
                out.add("DO $cutover$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(" + DefinedTable.literal(child.sql()) + ")"
                        + " AND i.indpred IS NULL AND i.indnkeyatts >= " + n + " AND (SELECT array_agg(a.attname) FROM unnest((i.indkey::int2[])[0:"
                        + (n - 1) + "]) AS k(attnum) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) @> " + columns
                        + ") THEN CREATE INDEX IF NOT EXISTS " + TableName.quote(name("ix", child, fk.columns())) + " ON " + child.sql()
                        + " (" + TargetSchema.quotedList(fk.columns()) + "); END IF; END $cutover$");
            }
        }
        return out;
    }

    private static long orphans(Connection c, TableName child, TableName parent, ForeignKey fk) throws SQLException {
        StringBuilder notNull = new StringBuilder();
        for (String col : fk.columns()) notNull.append(" AND c.").append(TableName.quote(col)).append(" IS NOT NULL");
        // MATCH SIMPLE, PostgreSQL's default: a row with any null key column references nothing and is no orphan.
        String sql = "SELECT count(*) FROM " + child.sql() + " c WHERE TRUE" + notNull + " AND NOT EXISTS (SELECT 1 FROM "
                + parent.sql() + " p WHERE " + join(fk) + ")";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String join(ForeignKey fk) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
            parts.add("p." + TableName.quote(fk.referencedColumns().get(i)) + " = c." + TableName.quote(fk.columns().get(i)));
        }
        return String.join(" AND ", parts);
    }

    /**
     * Whether the child already has a foreign key of its own on the same columns to the same parent
     * columns (the application's, deferrable or not, whatever its name): a second one would only
     * check every row twice and stand in the way of the application's changes to its own.
     */
    private static boolean equivalentExists(Connection c, Job job) throws SQLException {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < job.key().columns().size(); i++) pairs.add(job.key().columns().get(i) + "\u0001" + job.key().referencedColumns().get(i));
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_constraint k WHERE k.contype = 'f'"
                + " AND k.conrelid = to_regclass(?) AND k.confrelid = to_regclass(?) AND cardinality(k.conkey) = ?"
                + " AND (SELECT array_agg(ca.attname || chr(1) || pa.attname) FROM unnest(k.conkey, k.confkey) AS u(c, p)"
                + " JOIN pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = u.c"
                + " JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.p) @> ?::text[]")) {
            ps.setString(1, job.child().sql());
            ps.setString(2, job.parent().sql());
            ps.setInt(3, pairs.size());
            ps.setArray(4, c.createArrayOf("text", pairs.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean constraintExists(Connection c, TableName table, String constraint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid "
                + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ? AND r.relname = ? AND k.conname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            ps.setString(3, constraint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A readable name within PostgreSQL's 63 bytes, made unique by a short hash of the full one. */
    static String name(String prefix, TableName table, List<String> columns) {
        String full = prefix + "_" + table.name() + "_" + String.join("_", columns);
        String hash = hash(table + "|" + String.join("|", columns));
        String readable = full;
        while (readable.getBytes(StandardCharsets.UTF_8).length > 50) readable = readable.substring(0, readable.length() - 1);
        return readable + "_" + hash;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
