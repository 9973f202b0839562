package cutover.postgres;

import cutover.model.Column;
import cutover.model.Table;
import cutover.postgres.TableDefinition.DefinedColumn;
import cutover.postgres.TableDefinition.DefinedConstraint;
import cutover.postgres.TableDefinition.DefinedIndex;
import cutover.postgres.TableDefinition.DefinedSequence;
import cutover.postgres.TableDefinition.Extension;
import cutover.postgres.TableDefinition.Partition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Makes a table as its {@link TableDefinition} says, in {@code pg_restore}'s order: before the rows,
 * the columns with their own types, NOT NULLs and row level security (and the extensions, enum,
 * domain and composite types they need); after the rows, {@link #completion} gives the primary key (one sort, not a btree
 * kept up row by row), the sequences with their last values, defaults, identities, constraints and
 * row level security forced on the owner, and {@link #indexes} the indexes, so the load meets no
 * index and nothing is checked twice. Foreign keys come last of all ({@link #foreignKeys}): they need
 * their parent tables whole. SQL from the definition runs with the target schema alone on the search
 * path, where the source's schema was when it was printed.
 */
final class DefinedTable {
    /** One statement of a table's completion: skipped when {@code doneCheck} (SQL, one boolean) says it is done already. */
    record Step(String what, String doneCheck, String sql) {}

    private final TableName name;
    private final TableDefinition definition;

    TableName name() { return name; }

    DefinedTable(TableName name, TableDefinition definition) {
        this.name = name;
        this.definition = definition;
    }

    /**
     * Creates the table with the plan's columns, each of the definition's type where the target has
     * that type (an enum, domain or composite type the definition holds is created first), else of the plan's type, generated
     * as in the source, and partitioned as in the source, with its partitions. Where the target
     * refuses a generation expression or a partition, the table is made plain instead (generated
     * columns holding the source's values, one table holding every partition's rows): a later
     * warning names what differs ({@link #differences}). Runs in the caller's transaction.
     */
    void create(Connection c, Table table) throws SQLException {
        try (Statement s = c.createStatement()) { // a target location may name a schema the database does not have yet
            s.execute("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(name.schema()));
        }
        String searchPath = Catalog.schemaAloneOnPath(c, name.schema());
        try {
            TypesMaking.createExtensions(c, definition.extensions());
            Set<String> missingTypes = TypesMaking.make(c, definition.enums(), definition.domains(), definition.composites(), definition.ranges()).keySet();
            Savepoint before = c.setSavepoint();
            try {
                createTable(c, table, missingTypes, true);
                c.releaseSavepoint(before);
            } catch (SQLException refused) {
                // an expression calling what the target lacks, a partition's name taken: made as a plain table
                c.rollback(before);
                createTable(c, table, missingTypes, false);
            }
            // On Supabase a table in public is readable over HTTP by anyone holding the anon key until RLS is on.
            if (definition.rowLevelSecurity() || table.rowLevelSecurity()) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + name.sql() + " ENABLE ROW LEVEL SECURITY");
                }
            }
        } catch (SQLException failed) {
            try {
                Catalog.setSearchPath(c, searchPath);
            } catch (SQLException aborted) { // the failed statement aborted the transaction: its own error is the one to tell
                failed.addSuppressed(aborted);
            }
            throw failed;
        }
        Catalog.setSearchPath(c, searchPath);
    }

    /** The table, and with {@code asDefined} its generated columns' expressions, its partition key and its partitions. */
    private void createTable(Connection c, Table table, Set<String> missingTypes, boolean asDefined) throws SQLException {
        StringBuilder ddl = new StringBuilder(definition.unlogged() ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ").append(name.sql()).append(" (");
        for (Column col : table.columns()) {
            DefinedColumn defined = definition.column(col.name()).orElse(null);
            String type = defined != null && !missingTypes.contains(TypesMaking.elementType(defined.type())) && TypesMaking.typeExists(c, defined.type())
                    ? defined.type() : PgTypes.sqlType(col.type());
            ddl.append(TableName.quote(col.name())).append(' ').append(type);
            if (defined != null && defined.collation() != null && type.equals(defined.type()) && TypesMaking.collationExists(c, defined.collation())) {
                ddl.append(" COLLATE ").append(defined.collation());
            }
            if (asDefined && defined != null && defined.generated() != null) ddl.append(" GENERATED ALWAYS AS (").append(defined.generated()).append(") STORED");
            boolean notNull = defined != null ? defined.notNull() : !col.nullable();
            if (notNull || table.primaryKey().contains(col.name())) ddl.append(" NOT NULL");
            ddl.append(", ");
        }
        // the primary key comes after the rows (completion): one sort, not a btree kept up row by row; a table of no column is "()"
        if (!table.columns().isEmpty()) ddl.setLength(ddl.length() - 2);
        ddl.append(')');
        // a snapshot from before partitions were stored has the key only: a partitioned table without partitions would take no row
        boolean partitioned = asDefined && definition.partitionKey() != null && !definition.partitions().isEmpty();
        if (partitioned) ddl.append(" PARTITION BY ").append(definition.partitionKey());
        try (Statement s = c.createStatement()) {
            s.execute(ddl.toString());
            if (!partitioned) return;
            for (Partition p : definition.partitions()) {
                s.execute("CREATE TABLE " + new TableName(name.schema(), p.name()).sql() + " PARTITION OF " + new TableName(name.schema(), p.parent()).sql()
                        + " " + p.bound() + (p.partitionKey() == null ? "" : " PARTITION BY " + p.partitionKey()));
            }
        }
    }

    /**
     * The table's replica identity where the source's was not the default (FULL, NOTHING, or USING
     * INDEX of an index made by then): what UPDATE and DELETE log of a row; a publication whose row
     * filter or column list names columns outside the key needs it, or refuses the application's
     * UPDATE and DELETE. After the indexes; none where the source's was the default.
     */
    List<Step> replicaIdentity() {
        List<Step> steps = new ArrayList<>();
        if (definition.replicaIdentity() != null) steps.add(replicaIdentity(name, "", definition.replicaIdentity()));
        // a partition's own: a row of it is logged by it, whatever its parent's (review: a filter needing FULL refused its writes)
        for (Partition p : definition.partitions()) {
            if (p.replicaIdentity() != null) steps.add(replicaIdentity(partition(p), " of partition " + p.name(), p.replicaIdentity()));
        }
        return steps;
    }

    private static Step replicaIdentity(TableName table, String of, String identity) {
        String kind = identity.equals("FULL") ? "f" : identity.equals("NOTHING") ? "n" : "i";
        return new Step("replica identity " + identity + of, "SELECT relreplident = '" + kind + "' FROM pg_class WHERE oid = " + literal(table.sql())
                + "::regclass", "ALTER TABLE " + table.sql() + " REPLICA IDENTITY " + identity);
    }

    /**
     * What of {@link #completion} a dry run's rehearsal tries on the table it made: the columns'
     * defaults and the CHECK constraints, which may name what the target lacks. Not a default drawing
     * from a sequence of the table's (serial, or named in the default): the rehearsal makes no
     * sequence, and the restore makes it first (acceptance run 28: every serial column was foreseen
     * without its default).
     */
    List<Step> rehearsed() {
        List<Step> steps = new ArrayList<>();
        for (DefinedColumn col : definition.columns()) {
            boolean drawsFromItsSequence = definition.sequences().stream().anyMatch(q -> !q.use().equals(DefinedSequence.IDENTITY) && col.name().equals(q.column()));
            if (col.defaultExpression() != null && !drawsFromItsSequence) steps.add(defaultOf(col));
        }
        for (DefinedConstraint k : definition.constraints()) if (k.kind().equals("check")) steps.add(constraint(name, k));
        for (Partition p : definition.partitions()) for (DefinedConstraint k : p.constraints()) if (k.kind().equals("check")) steps.add(constraint(partition(p), k));
        return steps;
    }

    private Step defaultOf(DefinedColumn col) {
        return new Step("the default of column " + col.name(), null, "ALTER TABLE " + name.sql() + " ALTER COLUMN " + TableName.quote(col.name())
                + " SET DEFAULT " + col.defaultExpression());
    }

    /** The statements that complete the table once its rows are in, indexes and foreign keys aside, in the order they must run. */
    List<Step> completion(List<String> primaryKey) {
        List<Step> steps = new ArrayList<>();
        String table = name.sql();
        steps.addAll(primaryKey(primaryKey));
        for (DefinedSequence s : definition.sequences()) {
            if (s.use().equals(DefinedSequence.IDENTITY)) continue;
            steps.add(new Step("sequence " + s.name(), "SELECT to_regclass(" + literal(s.name()) + ") IS NOT NULL",
                    "CREATE SEQUENCE " + s.name() + " AS " + s.type() + options(s)));
            if (s.use().equals(DefinedSequence.OWNED)) {
                steps.add(new Step("sequence " + s.name() + " owned by " + s.column(), null,
                        "ALTER SEQUENCE " + s.name() + " OWNED BY " + table + "." + TableName.quote(s.column())));
            }
            steps.add(new Step("the last value of sequence " + s.name(), null, setval(literal(s.name()), s)));
        }
        for (DefinedColumn col : definition.columns()) {
            String column = TableName.quote(col.name());
            if (col.defaultExpression() != null) steps.add(defaultOf(col));
            if (col.identity() != null) {
                DefinedSequence s = definition.sequences().stream().filter(q -> q.use().equals(DefinedSequence.IDENTITY) && q.column().equals(col.name()))
                        .findFirst().orElse(null);
                steps.add(new Step("the identity of column " + col.name(), "SELECT attidentity <> '' FROM pg_attribute WHERE attrelid = "
                        + literal(table) + "::regclass AND attname = " + literal(col.name()),
                        "ALTER TABLE " + table + " ALTER COLUMN " + column + " ADD GENERATED " + col.identity().toUpperCase(java.util.Locale.ROOT)
                                + " AS IDENTITY" + (s == null ? "" : " (SEQUENCE NAME " + s.name() + options(s) + ")")));
                if (s != null) {
                    steps.add(new Step("the last value of the identity of column " + col.name(), null,
                            setval("pg_get_serial_sequence(" + literal(table) + ", " + literal(col.name()) + ")", s)));
                }
            }
        }
        for (DefinedConstraint k : definition.constraints()) if (!k.foreignKey()) steps.add(constraint(name, k));
        for (Partition p : definition.partitions()) {
            for (DefinedConstraint k : p.constraints()) if (!k.foreignKey()) steps.add(constraint(partition(p), k));
        }
        // after the rows: forced on its owner, row level security without a policy refuses the owner's COPY
        if (definition.forceRowLevelSecurity()) steps.add(new Step("forced row level security", null, "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY"));
        return steps;
    }

    /**
     * The indexes that back no constraint, one step each: builds of the same table may run at once
     * (each takes a lock that only writers wait for), where the {@link #completion} steps lock it whole.
     */
    List<Step> indexes() {
        List<Step> steps = new ArrayList<>();
        for (DefinedIndex i : definition.indexes()) steps.add(index(name, i));
        for (Partition p : definition.partitions()) for (DefinedIndex i : p.indexes()) steps.add(index(partition(p), i));
        return steps;
    }

    /** An index of the table or of one of its partitions; one of a partition the target lacks (made as one plain table) is not made. */
    private Step index(TableName on, DefinedIndex i) {
        return new Step("index " + i.name(), "SELECT to_regclass(" + literal(TableName.quote(name.schema()) + "." + TableName.quote(i.name()))
                + ") IS NOT NULL" + orNotOurs(on), (i.unique() ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + TableName.quote(i.name()) + " ON "
                + on.sql() + " " + i.definition());
    }

    private TableName partition(Partition p) {
        return new TableName(name.schema(), p.name());
    }

    /**
     * For a partition's own constraint or index: done also when that partition is not one of the
     * table's (the table was made plain, its name perhaps another table's; {@link #differences} says so).
     */
    private String orNotOurs(TableName on) {
        return on.equals(name) ? "" : " OR " + notOurPartition(on);
    }

    private String notOurPartition(TableName on) {
        return "NOT EXISTS (SELECT 1 FROM pg_partition_tree(" + literal(name.sql()) + "::regclass) t WHERE t.relid = to_regclass(" + literal(on.sql()) + "))";
    }

    /** Adds the primary key now, in the caller's transaction, unless the table has one: rows are about to come by upsert. */
    void ensurePrimaryKey(Connection c, List<String> columns) throws SQLException {
        for (Step step : primaryKey(columns)) {
            if (holds(c, step.doneCheck())) continue;
            try (Statement s = c.createStatement()) {
                s.execute(step.sql());
            }
        }
    }

    /**
     * The primary key: under the source's name where no relation of the schema has that name, else
     * under the server's; added after the rows ({@link #completion}), or before rows come by upsert,
     * which needs it ({@link TargetSchema#prepare} on a restarted run).
     */
    List<Step> primaryKey(List<String> columns) {
        if (columns.isEmpty()) return List.of(); // the source table had none
        String hasKey = "EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = " + literal(name.sql()) + "::regclass AND contype = 'p')";
        String add = "ALTER TABLE " + name.sql() + " ADD ";
        String key = "PRIMARY KEY (" + TargetSchema.quotedList(columns) + ")";
        List<Step> steps = new ArrayList<>();
        String pk = definition.primaryKeyName();
        if (pk != null) { // skipped where another relation has the name: the next step then names it as the server does
            String taken = "to_regclass(" + literal(TableName.quote(name.schema()) + "." + TableName.quote(pk)) + ") IS NOT NULL";
            steps.add(new Step("primary key " + pk, "SELECT " + taken + " OR " + hasKey, add + "CONSTRAINT " + TableName.quote(pk) + " " + key));
        }
        steps.add(new Step("primary key", "SELECT " + hasKey, add + key));
        return steps;
    }

    /**
     * The table's foreign keys, added once every table of the restore is complete; one referring to
     * a table of the source that {@code renamed} gives another name refers to that table.
     */
    List<Step> foreignKeys(java.util.Map<String, TableName> renamed) {
        List<Step> steps = new ArrayList<>();
        for (DefinedConstraint k : definition.constraints()) if (k.foreignKey()) steps.add(constraint(name, referringTo(k, renamed)));
        for (Partition p : definition.partitions()) {
            for (DefinedConstraint k : p.constraints()) if (k.foreignKey()) steps.add(constraint(partition(p), referringTo(k, renamed)));
        }
        return steps;
    }

    /**
     * The foreign key with the table it refers to renamed: {@code pg_get_constraintdef} prints {@code
     * REFERENCES parent(id)}, the name bare where it needs no quotes and the source's schema was the
     * search path, as the definition was read.
     */
    private static DefinedConstraint referringTo(DefinedConstraint k, java.util.Map<String, TableName> renamed) {
        String definition = k.definition();
        for (java.util.Map.Entry<String, TableName> r : renamed.entrySet()) {
            String to = "REFERENCES " + r.getValue().sql() + "(";
            definition = definition.replace("REFERENCES " + TableName.quote(r.getKey()) + "(", to);
            if (r.getKey().matches("[a-z_][a-z0-9_$]*")) definition = definition.replace("REFERENCES " + r.getKey() + "(", to);
        }
        return definition.equals(k.definition()) ? k : new DefinedConstraint(k.name(), k.kind(), definition);
    }

    /**
     * What the table lacks against its definition, once complete: columns of another type (the
     * target has no such type), generated columns that hold their values but are not generated (the
     * target refused the expression, or the table was there before),
     * and, unless {@code tableObjectsFollow}, the triggers, policies and rules the table's definition
     * names but does not hold (a restore of part of a snapshot, or of one from before they were kept).
     */
    List<String> differences(Connection c, boolean tableObjectsFollow) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Extension e : definition.extensions()) {
            if (!extensionThere(c, e.name())) {
                out.add("it uses extension " + e.name() + ", which the target does not have and could not be created here"
                        + " (not available, or not allowed for this role): CREATE EXTENSION " + TableName.quote(e.name()));
            }
        }
        for (java.util.Map.Entry<String, String> actual : actualTypes(c).entrySet()) {
            DefinedColumn d = definition.column(actual.getKey()).filter(col -> !col.type().equals(actual.getValue())).orElse(null);
            if (d == null) continue;
            String searchPath = Catalog.schemaAloneOnPath(c, name.schema()); // the type named as the definition names it
            boolean there;
            try {
                there = TypesMaking.typeExists(c, d.type());
            } finally {
                Catalog.setSearchPath(c, searchPath);
            }
            String why = !there ? "the target has no type " + d.type() + elsewhere(c, d.type())
                    : madeOfLabelsOrAttributes(c, d.type()) ? "the target's type " + d.type() + " is not the source's (an enum without all its"
                    + " labels, a composite type of other attributes, or a type made of one)"
                    // acceptance run 26: the type made after the table, the reason given was the enum's
                    : "the target has type " + d.type() + " now, but the column was made without it (by an earlier run, before the type"
                    + " was there, or the type takes no " + actual.getValue() + "): ALTER TABLE " + name.sql() + " ALTER COLUMN "
                    + TableName.quote(actual.getKey()) + " TYPE " + d.type() + " USING " + TableName.quote(actual.getKey()) + "::" + d.type()
                    + " (which rewrites the table under an exclusive lock), or drop the table and restore it again";
            out.add("column " + actual.getKey() + " is " + actual.getValue() + ", not " + d.type() + " as in the source: " + why);
        }
        Set<String> generatedHere = Catalog.generatedColumns(c, name);
        for (DefinedColumn col : definition.columns()) {
            if (col.collation() != null && !TypesMaking.collationExists(c, col.collation())) {
                out.add("column " + col.name() + " has its type's collation, not " + col.collation() + " as in the source: the target has no"
                        + " such collation (CREATE COLLATION, then ALTER TABLE … ALTER COLUMN … TYPE … COLLATE)");
            }
            if (col.generated() != null && !generatedHere.contains(col.name())) {
                out.add("column " + col.name() + " holds the source's values but is not generated (GENERATED ALWAYS AS (" + col.generated()
                        + ") STORED in the source): the target did not take the expression when the table was made, and PostgreSQL"
                        + " adds one only with its column");
            }
        }
        if (definition.partitionKey() != null && !holds(c, "SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(?) AND relkind = 'p')", name.sql())) {
            long own = definition.partitions().stream().mapToLong(p -> p.constraints().size() + p.indexes().size()).sum();
            out.add("it was partitioned (PARTITION BY " + definition.partitionKey() + ") in the source and holds all its partitions' rows as one"
                    + " table here: the target did not take its partitions when the table was made (a partition's name taken, or a"
                    + " snapshot from before partitions were stored)" + (own == 0 ? "" : "; the " + own
                    + " constraints and indexes made on single partitions were not made"));
        }
        List<String> outside = new ArrayList<>();
        if (tableObjectsFollow) return out;
        if (!definition.triggers().isEmpty()) outside.add("triggers " + String.join(", ", definition.triggers()));
        if (!definition.policies().isEmpty()) outside.add("policies " + String.join(", ", definition.policies()));
        if (!definition.rules().isEmpty()) outside.add("rules " + String.join(", ", definition.rules()));
        if (!outside.isEmpty()) {
            out.add(String.join("; ", outside) + " of the source were not restored (they run functions or name roles a table's backup does not hold):"
                    + " `pg_dump --schema-only --table=" + name.name() + "` of the source prints them");
        }
        return out;
    }

    /** The existing table's columns whose type is the one the definition gives them: their values load as the source's. */
    java.util.Set<String> columnsAsDefined(Connection c) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        actualTypes(c).forEach((col, type) -> {
            if (definition.column(col).map(d -> d.type().equals(type)).orElse(false)) out.add(col);
        });
        return out;
    }

    /**
     * Whether the existing table has each of these columns of its definition's type: then the
     * source's COPY text loads into it as the same values (a snapshot restored over the tables it
     * came from).
     */
    boolean takesTheSourceText(Connection c, List<String> columns) throws SQLException {
        return columnsAsDefined(c).containsAll(columns);
    }

    /** The table's columns and their types as {@code format_type} prints them with the table's schema alone on the search path. */
    private java.util.Map<String, String> actualTypes(Connection c) throws SQLException {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        String searchPath = Catalog.schemaAloneOnPath(c, name.schema());
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
        return out;
    }

    private Step constraint(TableName on, DefinedConstraint k) {
        boolean own = on.equals(name);
        String exists = "EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = " + literal(on.sql()) + "::regclass AND conname = " + literal(k.name()) + ")";
        // whether it is our partition is asked first: a name that is no relation stops ::regclass
        return new Step((k.foreignKey() ? "foreign key " : "constraint ") + k.name() + (own ? "" : " of partition " + on.name()),
                own ? "SELECT " + exists : "SELECT CASE WHEN " + notOurPartition(on) + " THEN true ELSE " + exists + " END",
                "ALTER TABLE " + on.sql() + " ADD CONSTRAINT " + TableName.quote(k.name()) + " " + k.definition());
    }

    /**
     * Moves the sequence to where the source's stood: its last value, or, unknown, the column's
     * greatest value; never back (a resumed or repeated restore must not hand out a value again).
     */
    private String setval(String sequence, DefinedSequence s) {
        String ahead = s.increment() > 0 ? " < " : " > ";
        String notBack = "coalesce(pg_sequence_last_value(" + sequence + ")" + ahead + "v, true)";
        if (s.lastValue() != null) return "SELECT setval(" + sequence + ", v, true) FROM (SELECT " + s.lastValue() + "::bigint AS v) x WHERE " + notBack;
        String column = TableName.quote(s.column());
        String extreme = s.increment() > 0 ? "max" : "min";
        return "SELECT setval(" + sequence + ", v, true) FROM (SELECT " + extreme + "(" + column + ")::bigint AS v FROM " + name.sql() + ") x"
                + " WHERE v IS NOT NULL AND " + notBack;
    }

    private static String options(DefinedSequence s) {
        return " INCREMENT BY " + s.increment() + " MINVALUE " + s.min() + " MAXVALUE " + s.max() + " START WITH " + s.start()
                + " CACHE " + s.cache() + (s.cycle() ? " CYCLE" : " NO CYCLE");
    }

    /**
     * The composite types of these tables whose attributes' collations here are not the source's,
     * each named once however many tables use it (review: a sentence a table repeated it).
     */
    static List<String> collationDifferences(Connection c, java.util.Collection<DefinedTable> tables) throws SQLException {
        java.util.Map<String, java.util.Map<String, TableDefinition.CompositeType>> bySchema = new java.util.TreeMap<>();
        for (DefinedTable t : tables) {
            for (TableDefinition.CompositeType type : t.definition.composites()) bySchema.computeIfAbsent(t.name.schema(), k -> new java.util.LinkedHashMap<>()).putIfAbsent(type.name(), type);
        }
        List<String> out = new ArrayList<>();
        for (java.util.Map.Entry<String, java.util.Map<String, TableDefinition.CompositeType>> e : bySchema.entrySet()) {
            String path = Catalog.schemaAloneOnPath(c, e.getKey()); // the types named as the definitions name them
            try {
                out.addAll(TypesMaking.collationDifferences(c, List.copyOf(e.getValue().values())));
            } finally {
                Catalog.setSearchPath(c, path);
            }
        }
        return out;
    }

    /** Whether the query's one boolean, given these text parameters, is true (a step's check that it is done, a lookup). */
    /** Runs the statements under a savepoint; the server's message when one fails (all of them undone), else null. A null statement is passed over. */
    static String attempt(Connection c, String first, String... then) throws SQLException {
        Savepoint before = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            s.execute(first);
            for (String sql : then) if (sql != null) s.execute(sql);
            c.releaseSavepoint(before);
            return null;
        } catch (SQLException e) {
            c.rollback(before);
            return e.getMessage();
        }
    }

    static boolean holds(Connection c, String sql, String... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) ps.setString(i + 1, parameters[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Whether the type (or an array's element) is an enum or a composite: one the target can have under the name, unlike the source's. */
    private boolean madeOfLabelsOrAttributes(Connection c, String type) throws SQLException {
        String searchPath = Catalog.schemaAloneOnPath(c, name.schema()); // the type named as the definition names it
        try {
            return holds(c, "SELECT coalesce(e.typtype, t.typtype) IN ('e', 'c') FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem"
                    + " AND t.typcategory = 'A' WHERE t.oid = to_regtype(?)", type);
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    /**
     * Where the extension that made a type of the source's is in the target's another schema than in
     * the source's (citext in {@code public}, the source's in {@code extensions}, as on Supabase): the
     * definition names the type in the source's, which the target's does not answer to. Empty otherwise.
     */
    private String elsewhere(Connection c, String type) throws SQLException {
        for (Extension e : definition.extensions()) {
            if (!type.startsWith(TableName.quote(e.schema()) + ".") && !type.startsWith(e.schema() + ".")) continue;
            try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace"
                    + " WHERE x.extname = ? AND n.nspname <> ?")) {
                ps.setString(1, e.name());
                ps.setString(2, e.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return " (extension " + e.name() + " is in schema " + rs.getString(1) + " here, in " + e.schema() + " in the source:"
                                + " ALTER EXTENSION " + TableName.quote(e.name()) + " SET SCHEMA " + TableName.quote(e.schema())
                                + " (the schema made first) before restoring, where nothing else here names its objects by the other schema)";
                    }
                }
            }
        }
        return "";
    }

    static boolean extensionThere(Connection c, String extension) throws SQLException {
        return holds(c, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = ?)", extension);
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
