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
 * (their link), aggregates, and types no table's column uses. Functions, views, sequences no column
 * uses, triggers, rules, policies, comments and grants are backed up as the schema's objects
 * ({@link SchemaObjects}); unlogged tables and columns of a collation of their own by the tables'
 * definitions.
 * Objects an extension made are its own, and left out of the lists.
 */
final class LeftOut {

    private LeftOut() {}

    static List<String> of(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        Map<String, Long> schemas = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname <> ? AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cutover')"
                + " AND n.nspname NOT LIKE 'pg\\_%' AND " + Catalog.NOT_AN_EXTENSIONS + " GROUP BY n.nspname ORDER BY n.nspname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) schemas.put(rs.getString(1), rs.getLong(2));
            }
        }
        if (!schemas.isEmpty()) {
            List<String> each = new ArrayList<>();
            schemas.forEach((name, tables) -> each.add(TableName.quote(name) + " (" + tables + (tables == 1 ? " table)" : " tables)")));
            out.add("only schema " + TableName.quote(schema) + " is read: the tables of " + String.join(", ", each) + " are not in this"
                    + " snapshot (back each schema up on its own, with ?schema=NAME in the location)");
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
        // a type a column uses is in its table's definition, with the types it is made of (a domain's base, a composite's attributes' types, in turn)
        List<String> types = texts(c, schema, "WITH RECURSIVE s AS (SELECT ?::text AS nspname), used (oid) AS (SELECT CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END"
                + " FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE rn.nspname = (SELECT nspname FROM s) AND r.relkind IN ('r', 'p') AND NOT a.attisdropped AND a.attnum > 0"
                + " UNION SELECT CASE WHEN pt.typelem <> 0 AND pt.typlen = -1 THEN pt.typelem ELSE pt.oid END FROM used u JOIN pg_type x ON x.oid = u.oid"
                + " JOIN LATERAL (SELECT x.typbasetype AS part WHERE x.typtype = 'd' UNION ALL SELECT xa.atttypid FROM pg_attribute xa"
                + " WHERE x.typtype = 'c' AND xa.attrelid = x.typrelid AND xa.attnum > 0 AND NOT xa.attisdropped) p ON true JOIN pg_type pt ON pt.oid = p.part)"
                + " SELECT t.typname || ' (' || CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite'"
                + " WHEN 'd' THEN 'domain' ELSE 'range' END || ')' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE n.nspname = (SELECT nspname FROM s) AND t.typtype IN ('e', 'c', 'd', 'r')"
                + " AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')"
                + " AND t.oid NOT IN (SELECT oid FROM used) ORDER BY t.typname");
        if (!types.isEmpty()) {
            out.add("types no table's column uses are not backed up: " + String.join(", ", types) + "; a function or view that uses one"
                    + " will not be made where the target lacks it (`pg_dump --schema-only` of the source prints them)");
        }
        return out;
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
