package cutover.postgres;

import cutover.postgres.SchemaObjects.Comment;
import cutover.postgres.SchemaObjects.DefaultPrivilege;
import cutover.postgres.SchemaObjects.Function;
import cutover.postgres.SchemaObjects.Grant;
import cutover.postgres.SchemaObjects.Owner;
import cutover.postgres.SchemaObjects.Policy;
import cutover.postgres.SchemaObjects.Rule;
import cutover.postgres.SchemaObjects.Sequence;
import cutover.postgres.SchemaObjects.Trigger;
import cutover.postgres.SchemaObjects.View;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a schema's {@link SchemaObjects} from PostgreSQL's catalog, in one transaction with the
 * schema alone on the search path: what the server prints then names the schema's own objects bare.
 */
final class SchemaObjectsReading {
    /** A condition on {@code pg_proc p}: the routine is not an extension's own. */
    private static final String NOT_AN_EXTENSIONS_ROUTINE = "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass"
            + " AND e.objid = p.oid AND e.deptype = 'e')";
    /** The schema's relations not made by an extension, as {@code c}, joined to their namespace {@code n}. */
    private static final String RELATIONS = " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace";
    /** Functions and procedures (not aggregates, which {@code pg_get_functiondef} cannot print: {@link LeftOut} names them). */
    // not a range type's own constructors (an internal dependency on it): made again, each made the type a shell, and its table failed
    private static final String ROUTINES = " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.prokind IN ('f', 'p') AND "
            + NOT_AN_EXTENSIONS_ROUTINE + " AND NOT EXISTS (SELECT 1 FROM pg_depend t WHERE t.classid = 'pg_proc'::regclass AND t.objid = p.oid"
            + " AND t.refclassid = 'pg_type'::regclass AND t.deptype = 'i')";
    private static final String ROLE = "CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END";

    private SchemaObjectsReading() {}

    static SchemaObjects read(Connection c, String schema) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Catalog.schemaAloneOnPath(c, schema);
            List<String> rowSecurity = rows(c, "SELECT c.relname" + RELATIONS + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND c.relrowsecurity AND "
                    + Catalog.NOT_AN_EXTENSIONS + " ORDER BY 1", schema, rs -> rs.getString(1));
            List<String> forced = rows(c, "SELECT c.relname" + RELATIONS + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND c.relforcerowsecurity AND "
                    + Catalog.NOT_AN_EXTENSIONS + " ORDER BY 1", schema, rs -> rs.getString(1));
            return new SchemaObjects(functions(c, schema), views(c, schema), sequences(c, schema), triggers(c, schema), rules(c, schema),
                    rowSecurity, forced, policies(c, schema), comments(c, schema), grants(c, schema), owners(c, schema), defaultPrivileges(c, schema),
                    schemaItself(c, schema), TableDefinitions.typesNoColumnUses(c, schema), publications(c, schema), collations(c, schema));
        } finally {
            c.rollback(); // read only; the search path goes with the transaction
            c.setAutoCommit(autoCommit);
        }
    }

    private static List<Function> functions(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT p.proname, pg_get_function_identity_arguments(p.oid), p.prokind = 'p', pg_get_functiondef(p.oid), quote_ident(n.nspname) || '.', "
                + "p.proacl IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')"
                + ROUTINES + " ORDER BY p.oid", schema, rs -> {
            boolean procedure = rs.getBoolean(3);
            // pg_get_functiondef names the routine with its schema, whatever the path: made again, it goes in the target's
            String head = "CREATE OR REPLACE " + (procedure ? "PROCEDURE " : "FUNCTION ");
            String definition = rs.getString(4);
            if (definition.startsWith(head + rs.getString(5))) definition = head + definition.substring(head.length() + rs.getString(5).length());
            return new Function(rs.getString(1), rs.getString(2), procedure, definition, rs.getBoolean(6));
        });
    }

    private static List<View> views(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT c.relname, c.relkind = 'm', pg_get_viewdef(c.oid), coalesce(c.reloptions, '{}')::text[], "
                + "array(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1), c.relkind = 'm' AND NOT c.relispopulated, "
                // the schema's relations its query reads (its rule's dependencies): a copy without one of them cannot make it
                + "array(SELECT DISTINCT r.relname::text FROM pg_rewrite w JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid"
                + " AND d.refclassid = 'pg_class'::regclass JOIN pg_class r ON r.oid = d.refobjid WHERE w.ev_class = c.oid AND r.oid <> c.oid"
                + " AND r.relnamespace = c.relnamespace ORDER BY 1)"
                + RELATIONS + " WHERE n.nspname = ? AND c.relkind IN ('v', 'm') AND " + Catalog.NOT_AN_EXTENSIONS
                + " ORDER BY c.oid", schema, // in order of creation: a view's views were made before it, most often
                rs -> new View(rs.getString(1), rs.getBoolean(2), rs.getString(3), Catalog.texts(rs.getArray(4)), Catalog.texts(rs.getArray(5)),
                        rs.getBoolean(6), Catalog.texts(rs.getArray(7))));
    }

    private static List<Sequence> sequences(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT c.relname, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle, "
                + "CASE WHEN has_sequence_privilege(c.oid, 'SELECT') THEN pg_sequence_last_value(c.oid) END"
                + RELATIONS + " JOIN pg_sequence q ON q.seqrelid = c.oid WHERE n.nspname = ? AND c.relkind = 'S' AND " + Catalog.NOT_AN_EXTENSIONS
                // owned by a column (serial, identity) or named in a default: in that table's definition
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid = c.oid) ORDER BY c.relname", schema, rs -> {
            Long last = rs.getObject(9, Long.class); // null: none drawn yet, or not readable by the backup's role
            return new Sequence(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                    rs.getBoolean(8), last);
        });
    }

    private static List<Trigger> triggers(Connection c, String schema) throws SQLException {
        String from = " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND NOT t.tgisinternal AND " + Catalog.NOT_AN_EXTENSIONS;
        if (c.getMetaData().getDatabaseMajorVersion() < 13) {
            return rows(c, "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled::text" + from + " ORDER BY 1, 2", schema, SchemaObjectsReading::trigger);
        }
        // the copy of a partitioned table's trigger on each partition is made again with the trigger: only one enabled
        // otherwise than its parent's is kept, without a definition (PostgreSQL 13 on marks the copies)
        return rows(c, "SELECT c.relname, t.tgname, CASE WHEN t.tgparentid = 0 THEN pg_get_triggerdef(t.oid, true) END, t.tgenabled::text" + from
                + " AND (t.tgparentid = 0 OR t.tgenabled <> (SELECT p.tgenabled FROM pg_trigger p WHERE p.oid = t.tgparentid))"
                + " ORDER BY t.tgparentid <> 0, 1, 2", schema, SchemaObjectsReading::trigger); // the parents' first: their copies come with them
    }

    private static Trigger trigger(ResultSet rs) throws SQLException {
        return new Trigger(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }

    private static List<Rule> rules(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT c.relname, r.rulename, pg_get_ruledef(r.oid, true), r.ev_enabled::text FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND r.rulename <> '_RETURN' AND " + Catalog.NOT_AN_EXTENSIONS
                + " ORDER BY c.relname, r.rulename", schema, rs -> new Rule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    private static List<Policy> policies(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT c.relname, p.polname, p.polpermissive, CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
                + " WHEN 'd' THEN 'DELETE' ELSE 'ALL' END, array(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END"
                + " FROM unnest(p.polroles) r ORDER BY 1), pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)"
                + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND " + Catalog.NOT_AN_EXTENSIONS + " ORDER BY c.relname, p.polname", schema,
                rs -> new Policy(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), Catalog.texts(rs.getArray(5)),
                        rs.getString(6), rs.getString(7)));
    }

    private static List<Comment> comments(Connection c, String schema) throws SQLException {
        List<Comment> out = new ArrayList<>(rows(c, "SELECT CASE WHEN d.objsubid <> 0 THEN 'column' WHEN c.relkind = 'v' THEN 'view' WHEN c.relkind = 'm' THEN 'materialized view'"
                + " WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, c.relname, NULL::text, a.attname::text, d.description"
                + " FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid <> 0"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND " + Catalog.NOT_AN_EXTENSIONS
                + " AND (d.objsubid = 0 OR NOT a.attisdropped) ORDER BY c.relname, d.objsubid", schema,
                rs -> new Comment(rs.getString(1), rs.getString(2), null, rs.getString(4), rs.getString(5), null)));
        out.addAll(rows(c, "SELECT i.relname, t.relname, d.description FROM pg_description d JOIN pg_class i ON d.classoid = 'pg_class'::regclass"
                + " AND d.objoid = i.oid AND d.objsubid = 0 JOIN pg_index x ON x.indexrelid = i.oid JOIN pg_class t ON t.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND i.relkind IN ('i', 'I') AND t.relkind IN ('r', 'p', 'm')"
                + " AND " + Catalog.NOT_AN_EXTENSIONS.replace("c.oid", "t.oid") + " ORDER BY 2, 1", schema,
                rs -> new Comment("index", rs.getString(1), null, null, rs.getString(3), rs.getString(2))));
        out.addAll(rows(c, "SELECT k.conname, t.relname, d.description FROM pg_description d JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass"
                + " AND d.objoid = k.oid JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE n.nspname = ? AND t.relkind IN ('r', 'p') AND " + Catalog.NOT_AN_EXTENSIONS.replace("c.oid", "t.oid") + " ORDER BY 2, 1", schema,
                rs -> new Comment("constraint", rs.getString(1), null, null, rs.getString(3), rs.getString(2))));
        out.addAll(rows(c, "SELECT k.conname, t.typname, d.description FROM pg_description d JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass"
                + " AND d.objoid = k.oid JOIN pg_type t ON t.oid = k.contypid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ?"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e') ORDER BY 2, 1", schema,
                rs -> new Comment("domain constraint", rs.getString(1), null, null, rs.getString(3), rs.getString(2))));
        // enums, domains, ranges and composite types, not a table's own row type; made with the tables whose columns use them
        out.addAll(rows(c, "SELECT t.typname, d.description FROM pg_description d JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typtype IN ('e', 'd', 'r', 'c')"
                + " AND (t.typrelid = 0 OR (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e') ORDER BY 1", schema,
                rs -> new Comment("type", rs.getString(1), null, null, rs.getString(2), null)));
        out.addAll(rows(c, "SELECT p.proname, pg_get_function_identity_arguments(p.oid), d.description FROM pg_description d"
                + " JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = ? AND p.prokind IN ('f', 'p') AND " + NOT_AN_EXTENSIONS_ROUTINE + " ORDER BY p.oid", schema,
                rs -> new Comment("routine", rs.getString(1), rs.getString(2), null, rs.getString(3), null)));
        return out;
    }

    /** The privileges granted on the schema's relations, their columns and routines, to roles other than each object's owner. */
    private static List<Grant> grants(Connection c, String schema) throws SQLException {
        String granted = ROLE + ", array_agg(a.privilege_type::text ORDER BY a.privilege_type), a.is_grantable";
        List<Grant> out = new ArrayList<>(rows(c, "SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, c.relname, NULL::text, NULL::text, " + granted
                + RELATIONS + " CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                + " AND a.grantee <> c.relowner AND " + Catalog.NOT_AN_EXTENSIONS
                + " GROUP BY c.relkind, c.relname, a.grantee, a.is_grantable ORDER BY 2, 5", schema, SchemaObjectsReading::grant));
        out.addAll(rows(c, "SELECT 'column', c.relname, NULL::text, t.attname::text, " + granted + RELATIONS
                + " JOIN pg_attribute t ON t.attrelid = c.oid AND t.attnum > 0 AND NOT t.attisdropped CROSS JOIN LATERAL aclexplode(t.attacl) a"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm') AND a.grantee <> c.relowner AND "
                + Catalog.NOT_AN_EXTENSIONS + " GROUP BY c.relname, t.attnum, t.attname, a.grantee, a.is_grantable ORDER BY 2, t.attnum, 5", schema,
                SchemaObjectsReading::grant));
        out.addAll(rows(c, "SELECT 'routine', p.proname, pg_get_function_identity_arguments(p.oid), NULL::text, " + granted
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN LATERAL aclexplode(p.proacl) a"
                + " WHERE n.nspname = ? AND p.prokind IN ('f', 'p') AND a.grantee <> p.proowner AND NOT (a.grantee = 0 AND a.privilege_type = 'EXECUTE') AND "
                + NOT_AN_EXTENSIONS_ROUTINE
                + " GROUP BY p.oid, p.proname, a.grantee, a.is_grantable ORDER BY p.oid, 5", schema, SchemaObjectsReading::grant));
        return out;
    }

    /**
     * The owners of the schema's relations (partitions too) and routines. A sequence a column owns
     * (serial, identity) is left out: it goes with its table's owner.
     */
    private static List<Owner> owners(Connection c, String schema) throws SQLException {
        List<Owner> out = new ArrayList<>(rows(c, "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'"
                + " ELSE 'table' END, c.relname, pg_get_userbyid(c.relowner)::text,"
                // what it is made with: a partition with its parent, a sequence a default draws from with the (first) table drawing
                + " CASE WHEN c.relkind IN ('r', 'p') THEN (SELECT r.relname FROM pg_inherits i JOIN pg_class r ON r.oid = i.inhparent"
                + " WHERE i.inhrelid = c.oid AND c.relispartition AND r.relnamespace = c.relnamespace)"
                + " WHEN c.relkind = 'S' THEN (SELECT min(t.relname) FROM pg_depend d JOIN pg_attrdef a ON d.classid = 'pg_attrdef'::regclass"
                + " AND d.objid = a.oid JOIN pg_class t ON t.oid = a.adrelid WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid"
                + " AND t.relnamespace = c.relnamespace) END"
                + RELATIONS + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                + " AND " + Catalog.NOT_AN_EXTENSIONS + " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                + " AND d.objid = c.oid AND d.deptype IN ('a', 'i'))) ORDER BY 2", schema,
                rs -> new Owner(rs.getString(1), rs.getString(2), null, rs.getString(3), rs.getString(4))));
        out.addAll(rows(c, "SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_userbyid(p.proowner)::text" + ROUTINES + " ORDER BY p.oid",
                schema, rs -> new Owner("routine", rs.getString(1), rs.getString(2), rs.getString(3), null)));
        return out;
    }

    /** The default privileges of the schema (not those of every schema, which are the database's), by role, kind of object and grantee. */
    private static List<DefaultPrivilege> defaultPrivileges(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT pg_get_userbyid(d.defaclrole)::text, CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'"
                + " WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' END, " + ROLE + ", array_agg(a.privilege_type::text ORDER BY a.privilege_type), a.is_grantable"
                + " FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace CROSS JOIN LATERAL aclexplode(d.defaclacl) a"
                + " WHERE n.nspname = ? AND d.defaclobjtype IN ('r', 'S', 'f', 'T') GROUP BY d.defaclrole, d.defaclobjtype, a.grantee, a.is_grantable"
                + " ORDER BY 1, 2, 3", schema,
                rs -> new DefaultPrivilege(rs.getString(1), rs.getString(2), rs.getString(3), Catalog.texts(rs.getArray(4)), rs.getBoolean(5)));
    }

    /** The schema's owner and the privileges granted on it to other roles. */
    private static SchemaObjects.SchemaItself schemaItself(Connection c, String schema) throws SQLException {
        List<String> owner = rows(c, "SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = ?", schema, rs -> rs.getString(1));
        // those initdb made (pg_init_privs: PostgreSQL 14's public let everyone CREATE) apart, as pg_dump tells them apart
        String initial = "EXISTS (SELECT 1 FROM pg_init_privs i CROSS JOIN LATERAL aclexplode(i.initprivs) d WHERE i.classoid = 'pg_namespace'::regclass"
                + " AND i.objoid = n.oid AND d.grantee = a.grantee AND d.privilege_type = a.privilege_type)";
        String granted = "SELECT 'schema', n.nspname, NULL::text, NULL::text, " + ROLE + ", array_agg(a.privilege_type::text ORDER BY"
                + " a.privilege_type), a.is_grantable FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a WHERE n.nspname = ?"
                + " AND a.grantee <> n.nspowner AND ";
        String grouped = " GROUP BY n.nspname, a.grantee, a.is_grantable ORDER BY 5";
        List<Grant> grants = rows(c, granted + "NOT " + initial + grouped, schema, SchemaObjectsReading::grant);
        List<Grant> initialGrants = rows(c, granted + initial + grouped, schema, SchemaObjectsReading::grant);
        return owner.isEmpty() ? null : new SchemaObjects.SchemaItself(owner.get(0), grants, initialGrants);
    }

    /**
     * The publications that publish tables of the schema: of all tables, of the schema (PostgreSQL
     * 15), or of some of its tables, each with its column list and row filter (15). One named as a
     * replication slot of the database is change capture's own (a backup's {@code follow-changes}
     * makes its publication of the slot's name): not the application's, and left out.
     */
    private static List<SchemaObjects.Publication> publications(Connection c, String schema) throws SQLException {
        int version = c.getMetaData().getDatabaseMajorVersion();
        String inSchema = "c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)";
        String wholeSchema = version >= 15 ? "EXISTS (SELECT 1 FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid"
                + " WHERE pn.pnpubid = p.oid AND n.nspname = ?)" : "false AND ? IS NULL";
        List<Object[]> heads = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.oid, p.pubname, concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END,"
                + " CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END"
                + (version >= 11 ? ", CASE WHEN p.pubtruncate THEN 'truncate' END" : "") + "), " + (version >= 13 ? "p.pubviaroot" : "false")
                + ", p.puballtables, " + wholeSchema + " FROM pg_publication p WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots s WHERE s.slot_name = p.pubname"
                + " AND s.database = current_database())"
                + " AND (p.puballtables OR " + wholeSchema + " OR EXISTS (SELECT 1 FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid"
                + " WHERE r.prpubid = p.oid AND " + inSchema + ")) ORDER BY p.pubname")) {
            for (int i = 1; i <= 3; i++) ps.setString(i, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) heads.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)});
            }
        }
        List<SchemaObjects.Publication> out = new ArrayList<>();
        String columns = version >= 15 ? "CASE WHEN r.prattrs IS NULL THEN '{}'::text[] ELSE array(SELECT a.attname::text FROM unnest(r.prattrs::int2[]) WITH ORDINALITY k (n, i)"
                + " JOIN pg_attribute a ON a.attrelid = r.prrelid AND a.attnum = k.n ORDER BY k.i) END, pg_get_expr(r.prqual, r.prrelid)" : "'{}'::text[], NULL::text";
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, " + columns + " FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid"
                + " WHERE r.prpubid = ? AND " + inSchema + " ORDER BY c.relname")) {
            for (Object[] head : heads) {
                ps.setLong(1, (Long) head[0]);
                ps.setString(2, schema);
                List<SchemaObjects.PublishedTable> tables = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) tables.add(new SchemaObjects.PublishedTable(rs.getString(1), Catalog.texts(rs.getArray(2)), rs.getString(3)));
                }
                out.add(new SchemaObjects.Publication((String) head[1], (String) head[2], (Boolean) head[3], (Boolean) head[4], (Boolean) head[5], tables));
            }
        }
        return out;
    }

    /**
     * The schema's own collations (not an extension's), read from {@code pg_collation} whatever the
     * server's version names its columns (the ICU locale was {@code collcollate} before 15,
     * {@code colliculocale} in 15 and 16, {@code colllocale} since 17).
     */
    private static List<SchemaObjects.Collation> collations(Connection c, String schema) throws SQLException {
        return rows(c, "SELECT co.collname, CASE co.collprovider WHEN 'i' THEN 'icu' ELSE 'libc' END, j ->> 'colllocale', j ->> 'colliculocale', co.collcollate,"
                + " co.collctype, coalesce((j ->> 'collisdeterministic')::boolean, true), j ->> 'collicurules' FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace"
                + " CROSS JOIN LATERAL to_jsonb(co) j WHERE n.nspname = ? AND co.collprovider IN ('i', 'c') AND NOT EXISTS (SELECT 1 FROM pg_depend e"
                + " WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid AND e.deptype = 'e') ORDER BY co.oid", schema, rs -> {
            boolean icu = rs.getString(2).equals("icu");
            String locale = rs.getString(3) != null ? rs.getString(3) : rs.getString(4) != null ? rs.getString(4) : icu ? rs.getString(5) : null;
            return new SchemaObjects.Collation(rs.getString(1), rs.getString(2), locale, icu ? null : rs.getString(5), icu ? null : rs.getString(6),
                    rs.getBoolean(7), rs.getString(8));
        });
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), Catalog.texts(rs.getArray(6)),
                rs.getBoolean(7));
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The rows of a catalog query whose one parameter is the schema's name, each read as a {@code T}. */
    private static <T> List<T> rows(Connection c, String sql, String schema, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row.read(rs));
            }
        }
        return out;
    }
}
