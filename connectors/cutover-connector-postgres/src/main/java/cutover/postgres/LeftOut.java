package cutover.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read of one schema's tables leaves out of the database, for a backup to warn of: the tables
 * of other schemas (on Supabase, {@code auth.users} among them), and tables inheriting from another
 * (their link) and aggregates. Functions, views, sequences and types no column uses, triggers,
 * rules, policies, comments and grants are backed up as the schema's objects
 * ({@link SchemaObjects}); unlogged tables and columns of a collation of their own by the tables'
 * definitions.
 * Objects an extension made are its own, and left out of the lists.
 */
final class LeftOut {

    private LeftOut() {}

    /**
     * Where the database has no schema {@code schema}: the schemas it has tables in (the one meant
     * among them, likely: a backup of a misspelt schema would store nothing, every run). Empty where it has it.
     */
    static java.util.Optional<List<String>> missing(Connection c, String schema) throws SQLException {
        if (!texts(c, schema, "SELECT nspname::text FROM pg_namespace WHERE nspname = ?").isEmpty()) return java.util.Optional.empty();
        return java.util.Optional.of(texts(c, schema, "SELECT DISTINCT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cutover') AND n.nspname NOT LIKE 'pg\\_%'"
                + " AND n.nspname <> ? ORDER BY 1"));
    }

    /** What a backup of {@code schema} leaves out, where {@code readTogether} (the schema among them) are backed up at the same moment. */
    static List<String> of(Connection c, String schema, List<String> readTogether) throws SQLException {
        List<String> out = new ArrayList<>();
        Map<String, Long> schemas = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname <> ALL (?) AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cutover')"
                + " AND n.nspname NOT LIKE 'pg\\_%' AND " + Catalog.NOT_AN_EXTENSIONS + " GROUP BY n.nspname ORDER BY n.nspname")) {
            ps.setArray(1, c.createArrayOf("text", readTogether.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) schemas.put(rs.getString(1), rs.getLong(2));
            }
        }
        if (!schemas.isEmpty()) {
            List<String> each = new ArrayList<>();
            schemas.forEach((name, tables) -> each.add(TableName.quote(name) + " (" + tables + (tables == 1 ? " table)" : " tables)")));
            List<String> read = readTogether.stream().map(TableName::quote).toList();
            out.add((read.size() == 1 ? "only schema " + read.get(0) + " is read: the tables of " + String.join(", ", each) + " are not in this snapshot"
                    : "only schemas " + String.join(", ", read) + " are read: the tables of " + String.join(", ", each) + " are not in these snapshots")
                    + " (a backup of ?schema=" + inLocation(readTogether) + "," + inLocation(List.copyOf(schemas.keySet()))
                    + " reads them too, at the same moment, each schema a snapshot)");
        }
        names(c, schema, "c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid"
                + " AND p.relkind = 'r')", "tables that inherit from another are backed up as tables of their own, each its own rows,"
                + " and come back without the INHERITS link: ", out);
        List<String> aggregates = texts(c, schema, "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = ? AND p.prokind = 'a' AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass"
                + " AND e.objid = p.oid AND e.deptype = 'e') ORDER BY 1");
        if (!aggregates.isEmpty()) {
            out.add("aggregates are not backed up: " + String.join(", ", aggregates) + " (`pg_dump --schema-only` of the source prints them)");
        }
        return out;
    }

    /** Schema names as a location's {@code ?schema=} lists them. */
    private static String inLocation(List<String> schemas) {
        return String.join(",", schemas.stream().map(name -> java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")).toList());
    }

    private static void names(Connection c, String schema, String condition, String sentence, List<String> out) throws SQLException {
        List<String> names = texts(c, schema, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND " + condition + " AND " + Catalog.NOT_AN_EXTENSIONS + " ORDER BY 1");
        if (!names.isEmpty()) out.add(sentence + String.join(", ", names));
    }

    /** The first column of a catalog query whose one parameter is the schema's name. */
    private static List<String> texts(Connection c, String schema, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }
    }
}
