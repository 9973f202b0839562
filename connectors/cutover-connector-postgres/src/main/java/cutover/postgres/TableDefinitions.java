package cutover.postgres;

import cutover.postgres.TableDefinition.Attribute;
import cutover.postgres.TableDefinition.CompositeType;
import cutover.postgres.TableDefinition.DefinedColumn;
import cutover.postgres.TableDefinition.DefinedConstraint;
import cutover.postgres.TableDefinition.DefinedIndex;
import cutover.postgres.TableDefinition.DefinedSequence;
import cutover.postgres.TableDefinition.Domain;
import cutover.postgres.TableDefinition.EnumType;
import cutover.postgres.TableDefinition.Extension;
import cutover.postgres.TableDefinition.Partition;
import cutover.postgres.TableDefinition.RangeType;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tables' {@link TableDefinition}s from the catalog, all tables at once (a few queries however
 * many there are: a scheduled backup reads them every run). The queries run with the schema alone
 * on the search path, so what they print names that schema's objects bare.
 */
final class TableDefinitions {
    private TableDefinitions() {}

    private static final String CONSTRAINT_KINDS = "CASE k.contype WHEN 'c' THEN 'check' WHEN 'u' THEN 'unique' WHEN 'x' THEN 'exclusion' "
            + "WHEN 'f' THEN '" + DefinedConstraint.FOREIGN_KEY + "' END";

    /** The definitions of the named tables of {@code schema}, by table name; a name that is not a table there is left out. */
    static Map<String, TableDefinition> read(Connection c, String schema, Collection<String> tables) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Catalog.schemaAloneOnPath(c, schema);
            return readAll(c, schema, tables);
        } finally {
            c.rollback(); // read only; the search path goes with the transaction
            c.setAutoCommit(autoCommit);
        }
    }

    private static Map<String, TableDefinition> readAll(Connection c, String schema, Collection<String> tables) throws SQLException {
        Map<Long, Builder> byOid = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.oid, r.relname, r.relrowsecurity, r.relforcerowsecurity, "
                + "(SELECT k.conname FROM pg_constraint k WHERE k.conrelid = r.oid AND k.contype = 'p'), "
                + "array(SELECT t.tgname::text FROM pg_trigger t WHERE t.tgrelid = r.oid AND NOT t.tgisinternal ORDER BY 1), "
                + "array(SELECT p.polname::text FROM pg_policy p WHERE p.polrelid = r.oid ORDER BY 1), "
                + "array(SELECT w.rulename::text FROM pg_rewrite w WHERE w.ev_class = r.oid AND w.rulename <> '_RETURN' ORDER BY 1), "
                + "CASE WHEN r.relkind = 'p' THEN pg_get_partkeydef(r.oid) END, r.relpersistence = 'u', "
                // what UPDATE and DELETE log of a row (a publication's subscribers and filters need it), where not the key
                // an index dropped since leaves it 'i' with none: PostgreSQL then logs as NOTHING (review)
                + REPLICA_IDENTITY.formatted("r") + " "
                + "FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE n.nspname = ? AND r.relname = ANY (?) AND r.relkind IN ('r', 'p')")) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byOid.put(rs.getLong(1), new Builder(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getString(5),
                            Catalog.texts(rs.getArray(6)), Catalog.texts(rs.getArray(7)), Catalog.texts(rs.getArray(8)), rs.getString(9), rs.getBoolean(10),
                            rs.getString(11)));
                }
            }
        }
        if (byOid.isEmpty()) return Map.of();
        Array oids = c.createArrayOf("int8", byOid.keySet().toArray());
        columns(c, oids, byOid);
        types(c, oids, byOid);
        extensions(c, oids, byOid);
        sequences(c, oids, byOid);
        // constraints and indexes are each the table's own, or a partition's own
        Map<Long, Owned> owners = new LinkedHashMap<>();
        byOid.forEach((oid, b) -> owners.put(oid, b.owned));
        if (byOid.values().stream().anyMatch(b -> b.partitionKey != null)) partitions(c, oids, byOid, owners);
        Array owning = c.createArrayOf("int8", owners.keySet().toArray());
        constraints(c, owning, owners);
        indexes(c, owning, owners);
        Map<String, TableDefinition> out = new LinkedHashMap<>();
        for (Builder b : byOid.values()) out.put(b.table, b.build());
        return out;
    }

    private static void columns(Connection c, Array oids, Map<Long, Builder> byOid) throws SQLException {
        // an array column's enum is its element type's
        eachRow(c, "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                + "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                + enumOf("e") + ", "
                + OWN_COLLATION.formatted("a") + " "
                + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                + elementOf("t", "e") + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum", oids, 1, rs -> {
            Builder b = byOid.get(rs.getLong(1));
            String expression = rs.getString(5);
            boolean generated = !rs.getString(7).isEmpty();
            String identity = switch (rs.getString(6)) {
                case "a" -> "always";
                case "d" -> "by default";
                default -> null;
            };
            b.columns.add(new DefinedColumn(rs.getString(2), rs.getString(3), rs.getBoolean(4), generated ? null : expression,
                    identity, generated ? expression : null, rs.getString(10)));
            b.types.addEnum(rs.getString(8), rs.getArray(9));
        });
    }

    /** Joins {@code pg_type element}: the type {@code type} is an array of, or {@code type} itself (an array column's enum or domain is its element's). */
    private static String elementOf(String type, String element) {
        return "JOIN pg_type " + element + " ON " + element + ".oid = CASE WHEN " + type + ".typelem <> 0 AND " + type + ".typlen = -1 THEN "
                + type + ".typelem ELSE " + type + ".oid END";
    }

    /** Two columns: the name and the labels, in order, of {@code type} where it is an enum, else NULLs. */
    private static String enumOf(String type) {
        return "CASE WHEN " + type + ".typtype = 'e' THEN format_type(" + type + ".oid, NULL) END, CASE WHEN " + type + ".typtype = 'e' THEN array(SELECT"
                + " l.enumlabel::text FROM pg_enum l WHERE l.enumtypid = " + type + ".oid ORDER BY l.enumsortorder) END";
    }

    /**
     * The collation of an attribute ({@code %1$s}: a column, a composite's) where it is its own, not
     * its type's, named as the schema sees it (the search path here); else null.
     */
    static final String OWN_COLLATION = "(SELECT CASE WHEN pg_collation_is_visible(co.oid) THEN quote_ident(co.collname)"
            + " ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"
            + " WHERE co.oid = %1$s.attcollation AND %1$s.attcollation <> (SELECT ty.typcollation FROM pg_type ty WHERE ty.oid = %1$s.atttypid))";
    /**
     * A range's multirange type's name where {@code MULTIRANGE_TYPE_NAME} gave it another than
     * PostgreSQL derives ({@code range} in the name becomes {@code multirange}, else {@code _multirange}
     * is added), as {@code format_type} prints it; else null. PostgreSQL 14 made multiranges.
     */
    private static final String OWN_MULTIRANGE = "(SELECT format_type(m.oid, NULL) FROM pg_type m WHERE m.oid = r.rngmultitypid AND (m.typnamespace <> x.typnamespace"
            + " OR m.typname::text <> CASE WHEN strpos(x.typname, 'range') > 0 THEN overlay(x.typname::text PLACING 'multirange' FROM strpos(x.typname, 'range') FOR 5)"
            + " ELSE x.typname::text || '_multirange' END))";

    /** Enums, domains, composite and range types: those made by {@code CREATE TYPE} or {@code CREATE DOMAIN}, not a table's row type. */
    private static final String MADE = "(%1$s.typtype IN ('d', 'r') OR (%1$s.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class cr WHERE cr.oid = %1$s.typrelid AND cr.relkind = 'c')))";
    /** Joins {@code p.part}: what the type {@code x} is made of, a domain's base, a composite's attributes' types, a range's subtype. */
    private static final String PARTS = "JOIN LATERAL (SELECT x.typbasetype AS part WHERE x.typtype = 'd' UNION ALL SELECT xa.atttypid FROM pg_attribute xa "
            + "WHERE x.typtype = 'c' AND xa.attrelid = x.typrelid AND xa.attnum > 0 AND NOT xa.attisdropped "
            + "UNION ALL SELECT xr.rngsubtype FROM pg_range xr WHERE x.typtype = 'r' AND xr.rngtypid = x.oid) p ON true ";

    /**
     * The domains, composite and range types the table's columns (or their elements) are of, and
     * the domains, composite and range types and enums those are made of (a domain's base, a
     * composite's attributes, a range's subtype, or their elements), each listed after every one it is made of: a domain over a
     * domain names the inner as its base, a composite its attributes' types, and an enum among them
     * is among the table's enums.
     */
    private static void types(Connection c, Array oids, Map<Long, Builder> byOid) throws SQLException {
        typesFrom(c, "", "SELECT a.attrelid AS rel, e.oid FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid " + elementOf("t", "e")
                + " WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND " + MADE.formatted("e") + " AND " + NOT_AN_EXTENSIONS.formatted("e"),
                "", ps -> ps.setArray(1, oids), rel -> byOid.get(rel).types);
    }

    /** A condition: the type {@code %1$s} is not an extension's own (its extension makes it, and a CREATE TYPE of it stopped the extension's). */
    private static final String NOT_AN_EXTENSIONS = "NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = 'pg_type'::regclass AND xd.objid = %1$s.oid"
            + " AND xd.deptype = 'e')";

    /**
     * The enums, domains, composite and range types of {@code schema} that no column of its tables
     * uses (nor a type one uses is made of), and those they are made of in turn, each after every
     * one it is made of. Run with the schema alone on the search path, as the tables' definitions.
     */
    static SchemaObjects.Types typesNoColumnUses(Connection c, String schema) throws SQLException {
        Types out = new Types();
        String namespace = "(SELECT oid FROM pg_namespace WHERE nspname = ?)";
        String used = "used (oid) AS (SELECT e.oid FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
                + elementOf("t", "e") + " WHERE r.relnamespace = " + namespace + " AND r.relkind IN ('r', 'p')"
                + " AND a.attnum > 0 AND NOT a.attisdropped UNION SELECT b.oid FROM used u JOIN pg_type x ON x.oid = u.oid " + PARTS
                + "JOIN pg_type b0 ON b0.oid = p.part " + elementOf("b0", "b") + "), ";
        // made of another schema's type: not made here, where the server names it missing (as a function of that schema's is)
        typesFrom(c, used, "SELECT 0::oid AS rel, t.oid FROM pg_type t WHERE t.typnamespace = " + namespace + " AND (t.typtype = 'e' OR " + MADE.formatted("t") + ")"
                + " AND " + NOT_AN_EXTENSIONS.formatted("t") + " AND t.oid NOT IN (SELECT oid FROM used)", " AND b.typnamespace = " + namespace, ps -> {
            for (int i = 1; i <= 3; i++) ps.setString(i, schema);
        }, rel -> out);
        SchemaObjects.Types read = new SchemaObjects.Types(List.of(), out.enums, out.domains, out.composites, out.ranges, List.of());
        if (read.isEmpty()) return SchemaObjects.Types.NONE;
        List<String> names = read.names();
        List<Extension> extensions = new ArrayList<>();
        List<String> ofColumns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ext.extname::text, xn.nspname::text FROM unnest(?::text[]) n (name)"
                + " JOIN pg_type x ON x.oid = to_regtype(n.name) " + PARTS + "JOIN pg_type b0 ON b0.oid = p.part "
                + elementOf("b0", "b") + " JOIN pg_depend xd ON xd.classid = 'pg_type'::regclass AND xd.objid = b.oid AND xd.deptype = 'e'"
                + " JOIN pg_extension ext ON ext.oid = xd.refobjid JOIN pg_namespace xn ON xn.oid = ext.extnamespace ORDER BY 1")) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) extensions.add(new Extension(rs.getString(1), rs.getString(2)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE " + used.substring(0, used.length() - 2) + " SELECT n.name FROM unnest(?::text[]) n (name)"
                + " WHERE to_regtype(n.name) IN (SELECT oid FROM used)")) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ofColumns.add(rs.getString(1));
            }
        }
        return new SchemaObjects.Types(extensions, read.enums(), read.domains(), read.composites(), read.ranges(), ofColumns);
    }

    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    /**
     * The types {@code seed} (a query of {@code rel} and the type's {@code oid}, after the common
     * table expressions {@code ctes}) names, and those they are made of in turn (but an extension's,
     * and those {@code partsCondition} on {@code b} leaves out), each added to its relation's
     * {@link Types} after every one it is made of.
     */
    private static void typesFrom(Connection c, String ctes, String seed, String partsCondition, Parameters parameters,
                                  java.util.function.LongFunction<Types> of) throws SQLException {
        String sql = "WITH RECURSIVE " + ctes + "d (rel, oid, depth) AS (SELECT s.rel, s.oid, 0 FROM (" + seed + ") s "
                // what a domain or a composite is made of: its base, its attributes' types (of an array, the element)
                + "UNION SELECT d.rel, b.oid, d.depth + 1 FROM d JOIN pg_type x ON x.oid = d.oid " + PARTS
                + "JOIN pg_type b0 ON b0.oid = p.part " + elementOf("b0", "b") + " WHERE (b.typtype = 'e' OR " + MADE.formatted("b") + ") AND "
                + NOT_AN_EXTENSIONS.formatted("b") + partsCondition + ") "
                + "SELECT d.rel, x.typtype::text, format_type(x.oid, NULL), format_type(x.typbasetype, x.typtypmod), x.typnotnull, x.typdefault, "
                + "array(SELECT k.conname::text FROM pg_constraint k WHERE k.contypid = x.oid AND k.contype = 'c' ORDER BY k.conname), "
                + "array(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.contypid = x.oid AND k.contype = 'c' ORDER BY k.conname), "
                + "array(SELECT l.enumlabel::text FROM pg_enum l WHERE l.enumtypid = x.oid ORDER BY l.enumsortorder), "
                + "array(SELECT xa.attname::text FROM pg_attribute xa WHERE xa.attrelid = x.typrelid AND xa.attnum > 0 AND NOT xa.attisdropped ORDER BY xa.attnum), "
                + "array(SELECT format_type(xa.atttypid, xa.atttypmod) FROM pg_attribute xa WHERE xa.attrelid = x.typrelid AND xa.attnum > 0 "
                + "AND NOT xa.attisdropped ORDER BY xa.attnum), "
                + "array(SELECT coalesce(" + OWN_COLLATION.formatted("xa") + ", '') FROM pg_attribute xa WHERE xa.attrelid = x.typrelid AND xa.attnum > 0 "
                + "AND NOT xa.attisdropped ORDER BY xa.attnum), "
                // a range's subtype, and its operator class, collation, canonical and difference functions where they are not the defaults
                + "format_type(r.rngsubtype, NULL), CASE WHEN NOT oc.opcdefault THEN quote_ident(oc.opcname) END, "
                + "CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> (SELECT st.typcollation FROM pg_type st WHERE st.oid = r.rngsubtype) "
                + "THEN (SELECT quote_ident(co.collname) FROM pg_collation co WHERE co.oid = r.rngcollation) END, "
                + "CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END, CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END, "
                + (c.getMetaData().getDatabaseMajorVersion() >= 14 ? OWN_MULTIRANGE : "NULL::text") + " "
                + "FROM (SELECT rel, oid, max(depth) AS depth FROM d GROUP BY rel, oid) d JOIN pg_type x ON x.oid = d.oid "
                + "LEFT JOIN pg_range r ON r.rngtypid = x.oid LEFT JOIN pg_opclass oc ON oc.oid = r.rngsubopc "
                + "ORDER BY d.rel, d.depth DESC, x.oid";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            parameters.set(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) of.apply(rs.getLong(1)).add(rs);
            }
        }
    }

    /**
     * The extensions the table, its defaults, constraints and indexes use directly: a column's type,
     * an index's operator class, a default's function (a type within an array type is not followed).
     */
    private static void extensions(Connection c, Array oids, Map<Long, Builder> byOid) throws SQLException {
        eachRow(c, "WITH parts AS ("
                + "SELECT 'pg_class'::regclass AS classid, r.oid AS objid, r.oid AS rel FROM pg_class r WHERE r.oid = ANY (?::oid[]) "
                + "UNION ALL SELECT 'pg_class'::regclass, i.indexrelid, i.indrelid FROM pg_index i WHERE i.indrelid = ANY (?::oid[]) "
                + "UNION ALL SELECT 'pg_attrdef'::regclass, d.oid, d.adrelid FROM pg_attrdef d WHERE d.adrelid = ANY (?::oid[]) "
                + "UNION ALL SELECT 'pg_constraint'::regclass, k.oid, k.conrelid FROM pg_constraint k WHERE k.conrelid = ANY (?::oid[])) "
                + "SELECT DISTINCT p.rel, x.extname, s.nspname FROM parts p "
                + "JOIN pg_depend d ON d.classid = p.classid AND d.objid = p.objid "
                + "JOIN pg_depend e ON e.classid = d.refclassid AND e.objid = d.refobjid AND e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e' "
                + "JOIN pg_extension x ON x.oid = e.refobjid JOIN pg_namespace s ON s.oid = x.extnamespace ORDER BY 1, 2", oids, 4,
                rs -> byOid.get(rs.getLong(1)).extensions.add(new Extension(rs.getString(2), rs.getString(3))));
    }

    /** Sequences a column owns (serial, identity) or names in its default; a serial column's appears once, as owned. */
    private static void sequences(Connection c, Array oids, Map<Long, Builder> byOid) throws SQLException {
        eachRow(c, "WITH used AS ("
                + "SELECT d.refobjid AS rel, d.refobjsubid AS attnum, d.objid AS seq, CASE d.deptype WHEN 'i' THEN 0 ELSE 1 END AS rank "
                + "FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
                + "AND d.refobjid = ANY (?::oid[]) "
                + "UNION ALL SELECT ad.adrelid, ad.adnum, d.refobjid, 2 FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass "
                + "AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass WHERE ad.adrelid = ANY (?::oid[])) "
                + "SELECT DISTINCT ON (u.rel, u.seq) u.rel, a.attname, u.rank, u.seq::regclass::text, format_type(q.seqtypid, NULL), q.seqstart, "
                + "q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle, "
                + "CASE WHEN has_sequence_privilege(u.seq, 'SELECT,USAGE') THEN pg_sequence_last_value(u.seq) END "
                + "FROM used u JOIN pg_sequence q ON q.seqrelid = u.seq JOIN pg_attribute a ON a.attrelid = u.rel AND a.attnum = u.attnum "
                + "ORDER BY u.rel, u.seq, u.rank", oids, 2, rs -> {
            String use = switch (rs.getInt(3)) {
                case 0 -> DefinedSequence.IDENTITY;
                case 1 -> DefinedSequence.OWNED;
                default -> DefinedSequence.DEFAULT;
            };
            Long last = rs.getObject(12, Long.class); // null: none drawn yet, or not readable by the backup's role
            byOid.get(rs.getLong(1)).sequences.add(new DefinedSequence(rs.getString(4), rs.getString(2), use, rs.getString(5),
                    rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getBoolean(11), last));
        });
    }

    /**
     * Check, unique, exclusion and foreign key constraints the table or partition declares itself (not
     * inherited; of a partition, not one a parent's constraint made on it).
     */
    private static void constraints(Connection c, Array oids, Map<Long, Owned> owners) throws SQLException {
        eachRow(c, "SELECT k.conrelid, k.conname, " + CONSTRAINT_KINDS + ", pg_get_constraintdef(k.oid) "
                + "FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid WHERE k.conrelid = ANY (?::oid[]) "
                + "AND k.contype IN ('c', 'u', 'x', 'f') AND k.conislocal AND (NOT r.relispartition OR (k.coninhcount = 0 AND k.conparentid = 0)) "
                + "ORDER BY k.conrelid, k.contype = 'f', k.conname", oids, 1,
                rs -> owners.get(rs.getLong(1)).constraints.add(new DefinedConstraint(rs.getString(2), rs.getString(3), rs.getString(4))));
    }

    /**
     * Indexes that back none of the table's (or partition's) constraints and that no parent's index
     * made, each as what follows the table's name in its {@code CREATE INDEX} (the server prints the
     * table schema-qualified; the restore names its own).
     */
    private static void indexes(Connection c, Array oids, Map<Long, Owned> owners) throws SQLException {
        eachRow(c, "SELECT i.indrelid, x.relname, i.indisunique, pg_get_indexdef(i.indexrelid), "
                + "CASE WHEN i.indisunique THEN 'CREATE UNIQUE INDEX ' ELSE 'CREATE INDEX ' END || quote_ident(x.relname) || ' ON ' "
                + "|| CASE WHEN r.relkind = 'p' THEN 'ONLY ' ELSE '' END || quote_ident(n.nspname) || '.' || quote_ident(r.relname) || ' ' "
                + "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class r ON r.oid = i.indrelid "
                + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE i.indrelid = ANY (?::oid[]) AND NOT EXISTS "
                + "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) "
                + "AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) "
                + "ORDER BY i.indrelid, x.relname", oids, 1, rs -> {
            String statement = rs.getString(4);
            String prefix = rs.getString(5);
            if (!statement.startsWith(prefix)) {
                throw new SQLException("index " + rs.getString(2) + " is printed as \"" + statement + "\", which does not start \"" + prefix + "\"");
            }
            owners.get(rs.getLong(1)).indexes.add(new DefinedIndex(rs.getString(2), rs.getBoolean(3), statement.substring(prefix.length())));
        });
    }

    /** The partitions of the partitioned tables, at every level, parents first; each one's constraints and indexes go to {@code owners}. */
    private static void partitions(Connection c, Array oids, Map<Long, Builder> byOid, Map<Long, Owned> owners) throws SQLException {
        eachRow(c, "SELECT pg_partition_root(p.oid)::oid::int8, p.relname, up.relname, "
                + "pg_get_expr(p.relpartbound, p.oid), CASE WHEN p.relkind = 'p' THEN pg_get_partkeydef(p.oid) END, p.oid::int8, "
                + REPLICA_IDENTITY.formatted("p") + " "
                + "FROM pg_class p JOIN pg_inherits i ON i.inhrelid = p.oid JOIN pg_class up ON up.oid = i.inhparent "
                + "WHERE p.relispartition AND pg_partition_root(p.oid) = ANY (?::oid[]) "
                + "ORDER BY 1, (SELECT count(*) FROM pg_partition_ancestors(p.oid)), p.relname", oids, 1, rs -> {
            PartitionBuilder p = new PartitionBuilder(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(7));
            byOid.get(rs.getLong(1)).partitions.add(p);
            owners.put(rs.getLong(6), p.owned);
        });
    }

    /**
     * The replica identity of the relation {@code %1$s} where it is not the default, as {@code ALTER
     * TABLE … REPLICA IDENTITY} takes it; an index dropped since leaves it 'i' with none, which
     * PostgreSQL logs as NOTHING (review).
     */
    private static final String REPLICA_IDENTITY = "CASE %1$s.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING' WHEN 'i' THEN coalesce('USING INDEX '"
            + " || (SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = %1$s.oid AND i.indisreplident),"
            + " 'NOTHING') END";

    /** What is read of one row of a catalog query. */
    private interface RowReading {
        void read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql}, each of its {@code parameters} the tables' {@code oids}, and reads every row it gives. */
    private static void eachRow(Connection c, String sql, Array oids, int parameters, RowReading row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= parameters; i++) ps.setArray(i, oids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) row.read(rs);
            }
        }
    }

    private static final class Builder {
        final String table;
        final boolean rowLevelSecurity, forceRowLevelSecurity;
        final String primaryKeyName;
        final List<String> triggers, policies, rules;
        final String partitionKey;
        final boolean unlogged;
        final String replicaIdentity;
        final List<DefinedColumn> columns = new ArrayList<>();
        final List<Extension> extensions = new ArrayList<>();
        final Types types = new Types();
        final List<DefinedSequence> sequences = new ArrayList<>();
        final Owned owned = new Owned();
        final List<PartitionBuilder> partitions = new ArrayList<>();

        Builder(String table, boolean rowLevelSecurity, boolean forceRowLevelSecurity, String primaryKeyName,
                List<String> triggers, List<String> policies, List<String> rules, String partitionKey, boolean unlogged, String replicaIdentity) {
            this.table = table;
            this.rowLevelSecurity = rowLevelSecurity;
            this.forceRowLevelSecurity = forceRowLevelSecurity;
            this.primaryKeyName = primaryKeyName;
            this.triggers = triggers;
            this.policies = policies;
            this.rules = rules;
            this.partitionKey = partitionKey;
            this.unlogged = unlogged;
            this.replicaIdentity = replicaIdentity;
        }

        TableDefinition build() {
            return new TableDefinition(primaryKeyName, columns, extensions, types.enums, sequences, owned.constraints, owned.indexes, rowLevelSecurity,
                    forceRowLevelSecurity, triggers, policies, rules, partitionKey, partitions.stream().map(PartitionBuilder::build).toList(), unlogged,
                    types.domains, types.composites, types.ranges, replicaIdentity);
        }
    }

    /** Enums, domains, composite and range types as read, each once. */
    private static final class Types {
        final List<EnumType> enums = new ArrayList<>();
        final List<Domain> domains = new ArrayList<>();
        final List<CompositeType> composites = new ArrayList<>();
        final List<RangeType> ranges = new ArrayList<>();

        /** The enum of that name (none: null) with its labels, unless it is here already. */
        void addEnum(String name, Array labels) throws SQLException {
            if (name != null && enums.stream().noneMatch(e -> e.name().equals(name))) enums.add(new EnumType(name, Catalog.texts(labels)));
        }

        /** The type of a row of {@link #typesFrom}'s query. */
        void add(ResultSet rs) throws SQLException {
            switch (rs.getString(2)) {
                case "e" -> addEnum(rs.getString(3), rs.getArray(9));
                case "r" -> ranges.add(new RangeType(rs.getString(3), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16),
                        rs.getString(17), rs.getString(18)));
                case "c" -> {
                    List<String> names = Catalog.texts(rs.getArray(10)), types = Catalog.texts(rs.getArray(11)), collations = Catalog.texts(rs.getArray(12));
                    List<Attribute> attributes = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        attributes.add(new Attribute(names.get(i), types.get(i), collations.get(i).isEmpty() ? null : collations.get(i)));
                    }
                    composites.add(new CompositeType(rs.getString(3), attributes));
                }
                default -> {
                    List<String> names = Catalog.texts(rs.getArray(7)), definitions = Catalog.texts(rs.getArray(8));
                    List<DefinedConstraint> checks = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) checks.add(new DefinedConstraint(names.get(i), "check", definitions.get(i)));
                    domains.add(new Domain(rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getString(6), checks));
                }
            }
        }
    }

    /** The constraints and indexes a table or a partition declares itself. */
    private static final class Owned {
        final List<DefinedConstraint> constraints = new ArrayList<>();
        final List<DefinedIndex> indexes = new ArrayList<>();
    }

    private record PartitionBuilder(String name, String parent, String bound, String partitionKey, String replicaIdentity, Owned owned) {
        PartitionBuilder(String name, String parent, String bound, String partitionKey, String replicaIdentity) {
            this(name, parent, bound, partitionKey, replicaIdentity, new Owned());
        }

        Partition build() { return new Partition(name, parent, bound, partitionKey, owned.constraints, owned.indexes, replicaIdentity); }
    }
}
