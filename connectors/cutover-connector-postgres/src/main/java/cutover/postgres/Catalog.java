package cutover.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** SQL over PostgreSQL's catalog that more than one reader of it needs. */
final class Catalog {
    private Catalog() {}

    /** A condition on {@code pg_class c}: the relation is not an extension's own (the user did not make it). */
    static final String NOT_AN_EXTENSIONS = "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass"
            + " AND e.objid = c.oid AND e.deptype = 'e')";

    /**
     * Puts {@code schema} alone on the search path, for the rest of the transaction (for the session
     * where none is open): what the server prints then names that schema's objects bare, and bare
     * names resolve in it. Returns the path it replaced.
     */
    static String schemaAloneOnPath(Connection c, String schema) throws SQLException {
        String before;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('search_path')")) {
            rs.next();
            before = rs.getString(1);
        }
        setSearchPath(c, TableName.quote(schema));
        return before;
    }

    /** Sets the search path, as {@link #schemaAloneOnPath} does. */
    static void setSearchPath(Connection c, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, " + !c.getAutoCommit() + ")")) {
            ps.setString(1, path);
            ps.execute();
        }
    }

    /**
     * The statement that sets a trigger or rule ({@code what}: TRIGGER or RULE) of {@code relation}
     * (as SQL) as {@code enabled} holds it ({@code pg_trigger.tgenabled}, {@code pg_rewrite.ev_enabled}:
     * O fires, D disabled, R on replicas only, A always). {@code only}: not recursing to partitions.
     */
    static String enabledAs(String relation, boolean only, String what, String name, String enabled) {
        String how = switch (enabled) {
            case "D" -> "DISABLE ";
            case "R" -> "ENABLE REPLICA ";
            case "A" -> "ENABLE ALWAYS ";
            default -> "ENABLE ";
        };
        return "ALTER TABLE " + (only ? "ONLY " : "") + relation + " " + how + what + " " + TableName.quote(name);
    }

    /**
     * A subquery of one column, {@code relid}: the relation {@code oid} (an SQL expression) and, a
     * partitioned one, its partitions at every level (rows are routed to them, and fire their
     * triggers). {@code pg_partition_tree} gives none for a table without partitions; before
     * PostgreSQL 12 there is none, and the relation alone is given.
     */
    static String withPartitions(Connection c, String oid) throws SQLException {
        return c.getMetaData().getDatabaseMajorVersion() >= 12
                ? "(SELECT " + oid + " AS relid UNION SELECT relid FROM pg_partition_tree(" + oid + "))" : "(SELECT " + oid + " AS relid)";
    }

    /** A {@code text[]} value as a list (empty for SQL NULL), as the catalog queries' {@code array(…)} columns give them. */
    static java.util.List<String> texts(java.sql.Array array) throws SQLException {
        return array == null ? java.util.List.of() : java.util.List.of((String[]) array.getArray());
    }

    /** The table's generated columns (empty for one the target lacks): COPY and INSERT must leave them out, the server computes them. */
    static java.util.Set<String> generatedColumns(Connection c, TableName table) throws SQLException {
        return columnsWhere(c, table, "attgenerated <> ''");
    }

    /**
     * Each column's type by name, without its length or precision ({@code character varying}, {@code
     * numeric}, a domain's or enum's name): a value cast to it keeps what the column would refuse (a
     * text too long), for the column to refuse. {@code char(n)} and {@code bit(n)} are given as {@code
     * bpchar} and {@code varbit}: cast to {@code character} or {@code bit}, which mean length 1, a
     * value is cut to its first character or bit (an {@code 'XYZ'} key matched {@code 'X'}).
     */
    static java.util.Map<String, String> columnTypes(Connection c, TableName table) throws SQLException {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname, CASE atttypid WHEN 'bpchar'::regtype THEN 'bpchar' WHEN 'bpchar[]'::regtype"
                + " THEN 'bpchar[]' WHEN 'bit'::regtype THEN 'varbit' WHEN 'bit[]'::regtype THEN 'varbit[]' ELSE format_type(atttypid, NULL) END"
                + " FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, table.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /**
     * {@code expression}, a text, as a value of {@code type} (one of {@link #columnTypes}), read as
     * COPY reads it: by the type's input. A cast does so for every type but regclass, whose cast
     * from text looks the name up and refuses {@code -} (OID 0), which its input takes.
     */
    static String fromText(String expression, String type) {
        return "regclass".equals(type) ? "regclassin((" + expression + ")::cstring)" : expression + "::" + type;
    }

    /**
     * The table's json and json[] columns (not jsonb), each with the jsonb type it compares as: their
     * text is the document as written, whitespace and repeated keys kept.
     */
    static java.util.Map<String, String> jsonTextColumns(Connection c, TableName table) throws SQLException {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (String column : columnsWhere(c, table, "atttypid = 'json'::regtype")) out.put(column, "jsonb");
        for (String column : columnsWhere(c, table, "atttypid = 'json[]'::regtype")) out.put(column, "jsonb[]");
        return out;
    }

    /** The table's GENERATED ALWAYS identity columns: an upsert inserts their values (OVERRIDING SYSTEM VALUE) but may not update them. */
    static java.util.Set<String> identityAlwaysColumns(Connection c, TableName table) throws SQLException {
        return columnsWhere(c, table, "attidentity = 'a'");
    }

    /** The names of the table's columns that meet {@code condition} (SQL over {@code pg_attribute}). */
    private static java.util.Set<String> columnsWhere(Connection c, TableName table, String condition) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 "
                + "AND NOT attisdropped AND " + condition)) {
            ps.setString(1, table.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A query for the primary key columns of the relation whose oid is {@code relation} (SQL), in key order. */
    static String primaryKeyColumns(String relation) {
        return "SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = " + relation
                + " AND i.indisprimary ORDER BY k.pos";
    }
}
