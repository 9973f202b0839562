package cutover.postgres;

import cutover.connector.Position;
import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextSink;
import cutover.connector.SinkWriter;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * PostgreSQL as a target. Each batch is written in one transaction together with its split's
 * checkpoint in {@code cutover.checkpoints}; see {@link PostgresWriter} for the write path.
 */
final class PostgresSink implements CopyTextSink, cutover.connector.RowDeletion {
    private static final int FINISH_PARALLELISM = 2;
    private static final String FINISH_MEMORY = "256MB";

    private final Pool pool;
    private final String schema;
    /** The existing columns that take values within a limit, found by {@link #prepare}: table → column → limit. */
    private final Map<String, Map<String, ColumnLimit>> limits = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Map<String, ArrayColumn>> arrays = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Set<String>> textColumns = new java.util.concurrent.ConcurrentHashMap<>();
    /** The existing tables, found by {@link #prepare}, whose columns are of their definition's types: they take the source's text by upsert. */
    private final Set<String> takingSourceText = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The target's encoding where text must be checked against it (not UTF-8), read at prepare; null: none. */
    private volatile ServerEncoding encoding;
    /** Set once the schema's objects were begun before the run: the tables' triggers and policies then come after it, not warned of. */
    private volatile boolean tableObjectsFollow;
    /** The source's tables the plan renames: source name → the target's table ({@link #tablesRenamed}). */
    private volatile Map<String, TableName> renamedTables = Map.of();
    /** Set by a restore, and a migration from a database: writers turn the tables' own triggers off in each batch's transaction ({@link PostgresWriter}). */
    private volatile boolean quietTriggers;
    /** Cleared by {@link #ownWhatItMakes}: what the sink makes goes to the source's owner where the target has that role. */
    private volatile boolean keepOwners = true;
    /** Set where {@link #describe} found no schema: the run makes it, and gives it to the source schema's owner with its grants. */
    private volatile boolean schemaMadeHere;
    /** The schema was not in the target when {@link #describe} looked: this run makes it (recorded by prepare). */
    private volatile boolean schemaAbsentAtDescribe;
    /** The routines made before the tables ({@link #makeSchemaObjectsTablesUse}): given to their owners with the other objects. */
    private volatile List<SchemaObjectsMaking.Made> routinesMadeFirst = List.of();
    /** The relations whose triggers fired for rows kept quiet otherwise (the role does not own them), with the triggers: said at the end. */
    private final Set<String> triggersFiring = java.util.concurrent.ConcurrentHashMap.newKeySet();

    PostgresSink(Pool pool, String schema) {
        this.pool = pool;
        this.schema = schema;
    }

    /**
     * A table this run created, whose columns are the shape's, each of the type the record path would
     * have written its values as ({@link PgCopyText#loadsAs}), or of the source's own type (a table
     * made from its definition): COPY then stores the same values. Or an existing table whose columns
     * are of its definition's types (the snapshot's own table): the text goes through staging, by upsert.
     */
    @Override
    public boolean takesCopy(String runId, Table table, CopyShape shape) {
        if (!PgCopyText.NAME.equals(shape.format()) || table.columns().size() != shape.columns().size()) return false;
        // a table made from its definition has the source's own column types: its COPY text loads as it was
        boolean defined = TableDefinition.of(table).isPresent();
        for (CopyColumn source : shape.columns()) {
            boolean same = table.columns().stream().anyMatch(c -> c.name().equals(source.name()) && (defined || c.type() == PgCopyText.loadsAs(source.type())));
            if (!same) return false;
        }
        if (defined && takingSourceText.contains(table.name())) return true; // loaded through staging, by upsert
        TableName name = TableName.resolve(table.name(), schema);
        return withConnection("reading the tables of run " + runId, c -> StateTables.runTable(c, runId, name, StateTables.FAST_PATH));
    }

    @Override
    public boolean makesAsDefined(cutover.model.NativeDefinition definition) {
        return TableDefinition.FORMAT.equals(definition.format());
    }

    @Override
    public void tablesRenamed(Map<String, String> sourceToTarget) {
        Map<String, TableName> renamed = new java.util.HashMap<>();
        sourceToTarget.forEach((source, target) -> renamed.put(source, TableName.resolve(target, schema)));
        renamedTables = Map.copyOf(renamed);
    }

    @Override
    public void keepTriggersQuiet() {
        quietTriggers = true;
    }

    /** Restore --delete: a table without a key holding rows is emptied in the prepare's transaction, then loaded whole. */
    private volatile boolean replacesKeyless;
    private final Map<String, Long> replaced = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void replacesTablesWithoutKey() {
        replacesKeyless = true;
    }

    @Override
    public Map<String, Long> replacedWhole() {
        return Map.copyOf(replaced);
    }

    @Override
    public void makeSchemaObjectsTablesUse(String runId, cutover.model.NativeDefinition objects) {
        Optional<SchemaObjects> own = toMake(objects);
        if (own.isEmpty()) return;
        routinesMadeFirst = inTransaction("making the functions of schema " + schema, c -> {
            StateTables.create(c);
            // made here with the functions, before the tables: recorded now (review: an attempt that stopped in prepare
            // left a schema the next one took for the target's)
            if (schemaAbsentAtDescribe) StateTables.schemaMadeBy(c, runId, schema, true);
            List<SchemaObjectsMaking.Made> made = new SchemaObjectsMaking(c, schema, own.get()).makeRoutines();
            // with those an earlier attempt made, which it stopped before giving to their owners (they are the target's now)
            return StateTables.routinesMadeBy(c, runId, made.stream().map(m -> new String[] {m.name(), m.arguments()}).toList()).stream()
                    .map(r -> new SchemaObjectsMaking.Made("routine", r[0], r[1])).toList();
        });
        tableObjectsFollow = SchemaObjects.holdsTableObjects(objects);
    }

    @Override
    public void ownWhatItMakes() {
        keepOwners = false;
    }

    /** The objects to make of a definition: without their owners where this sink was told to own what it makes. */
    private Optional<SchemaObjects> toMake(cutover.model.NativeDefinition objects) {
        return SchemaObjects.of(objects).map(o -> keepOwners ? o : o.withoutOwners());
    }

    @Override
    public List<String> makeSchemaObjects(cutover.model.NativeDefinition objects, cutover.connector.TablesMade tables) {
        Optional<SchemaObjects> own = toMake(objects);
        if (own.isEmpty()) return CopyTextSink.super.makeSchemaObjects(objects, tables);
        Map<String, Optional<String>> movedTables = tables.moved();
        Set<String> tablesKept = tables.kept();
        List<String> problems = new java.util.ArrayList<>();
        List<String> bound = movedTables.entrySet().stream().filter(e -> own.get().bindsTo(e.getKey()))
                .map(e -> TableName.shown(e.getKey()) + e.getValue().map(t -> " (now " + t + ")").orElse(" (left out)")).toList();
        if (!bound.isEmpty()) {
            problems.add("the triggers, rules, policies, comments, grants and publications of tables the plan renames or leaves out were not made: " + String.join(", ", bound));
        }
        // a table the target had keeps its own security: the source's grants or permissive policies on it could open it
        List<String> kept = tablesKept.stream().filter(own.get()::bindsTo).sorted().map(TableName::shown).toList();
        if (!kept.isEmpty()) {
            problems.add("the tables the target had before keep their own grants, policies, triggers, rules, comments, publications and row-level security;"
                    + " the source's were not made on them: " + String.join(", ", kept));
        }
        Set<String> notOnThem = new java.util.HashSet<>(movedTables.keySet());
        notOnThem.addAll(tablesKept);
        SchemaObjects onTheirTables = own.get().without(notOnThem);
        // a trigger's function may set a column the plan renamed or left out: only the application's writes would find it
        List<String> retyped = onTheirTables.triggers().stream().filter(t -> tables.fromPlanTypes().contains(t.table()))
                .map(t -> TableName.shown(t.name()) + " on " + TableName.shown(t.table())).sorted().toList();
        if (!retyped.isEmpty()) {
            problems.add("the triggers of tables made from the plan's types were not made (their functions may set columns the plan"
                    + " changed, which only the application's writes would show); make them by hand once checked: " + String.join(", ", retyped));
        }
        SchemaObjects made = onTheirTables.withoutTriggersOn(tables.fromPlanTypes());
        // the application's schema keeps its own default privileges: the source's would open the tables it makes from now on
        SchemaObjects notSet = tablesKept.isEmpty() ? null : made;
        if (!tablesKept.isEmpty()) made = made.withoutDefaultPrivileges();
        Map<String, TableName> renamed = new java.util.LinkedHashMap<>();
        movedTables.forEach((source, target) -> target.filter(t -> !tablesKept.contains(source)).ifPresent(t -> renamed.put(source, TableName.resolve(t, schema))));
        SchemaObjects toMakeHere = made;
        problems.addAll(inTransaction("making the views, functions, triggers and policies of schema " + schema, c -> {
            List<String> out = new java.util.ArrayList<>(new SchemaObjectsMaking(c, schema, toMakeHere).make(tables.made(), routinesMadeFirst, schemaMadeHere,
                    schemaMadeHere || tablesKept.isEmpty()));
            out.addAll(new SchemaObjectsMaking(c, schema, own.get()).closeRenamed(renamed));
            List<String> defaults = notSet == null ? List.of() : new SchemaObjectsMaking(c, schema, notSet).defaultPrivilegesLacking();
            if (!defaults.isEmpty()) {
                out.add("the source's default privileges were not set (" + String.join(", ", defaults) + "): the target's schema is the"
                        + " application's own (it had tables of the plan before the run); set them by hand where wanted");
            }
            List<String> schemaGrants = schemaMadeHere || tablesKept.isEmpty() ? List.of() : new SchemaObjectsMaking(c, schema, own.get()).schemaGrantsLacking();
            if (!schemaGrants.isEmpty()) {
                out.add("the source's grants on schema " + TableName.shown(schema) + " (" + String.join(", ", schemaGrants) + ") were not made: the target's"
                        + " schema is the application's own (it had tables of the plan before the run); grant them by hand where wanted");
            }
            return out;
        }));
        return elsewhereHinted(problems);
    }

    /** The sentences, each saying what to do where what it lacks is another schema's (noted: {@link #schemasLacked}). */
    private List<String> elsewhereHinted(List<String> sentences) {
        sentences.forEach(w -> SqlErrors.elsewhere(w, schema).ifPresent(lacked::add));
        return sentences.stream().map(w -> SqlErrors.elsewhere(w, schema).filter(restoredAfter::contains)
                .map(other -> w + " (schema " + other + " is restored after this one by the same restore, which then makes it)")
                .orElseGet(() -> SqlErrors.withElsewhereHint(w, schema))).toList();
    }

    /** The other schemas whose missing objects kept something of this sink's tables or objects from being made. */
    private final java.util.Set<String> lacked = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public java.util.Set<String> schemasLacked() {
        return java.util.Set.copyOf(lacked);
    }

    @Override
    public void makesObjectsOfTablesAfter(cutover.model.NativeDefinition objects) {
        tableObjectsFollow = SchemaObjects.holdsTableObjects(objects);
    }

    @Override
    public Set<String> tablesMadeBy(String runId) {
        return withConnection("reading the tables run " + runId + " made", c -> {
            Set<String> out = new java.util.TreeSet<>();
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"
                    + StateTables.RUN_TABLES + "') AND attname = '" + StateTables.DEFINED + "')")) {
                if (!rs.next() || !rs.getBoolean(1)) return out; // no run made a table here yet (or one of a version before it was noted)
            }
            try (var ps = c.prepareStatement("SELECT table_schema, table_name FROM " + StateTables.RUN_TABLES + " WHERE run_id = ? AND " + StateTables.DEFINED)) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1).equals(schema) ? rs.getString(2) : rs.getString(1) + "." + rs.getString(2));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> makeObjectsOfTables(cutover.model.NativeDefinition objects, Set<String> tables) {
        Optional<SchemaObjects> own = toMake(objects);
        if (own.isEmpty()) return CopyTextSink.super.makeObjectsOfTables(objects, tables);
        return inTransaction("making the triggers, rules and policies of the tables restored", c -> {
            Set<String> andPartitions = SchemaObjectsMaking.withPartitions(c, schema, tables); // a partition's own trigger, grant, index comment
            // and the sequences their columns own: made with them, their grants are theirs (acceptance run 29)
            Set<String> bound = new java.util.TreeSet<>(andPartitions);
            bound.addAll(SchemaObjectsMaking.sequencesOwnedBy(c, schema, andPartitions));
            return elsewhereHinted(new SchemaObjectsMaking(c, schema, own.get().onlyOn(bound), own.get()).make(tables, List.of(), schemaMadeHere, schemaMadeHere));
        });
    }

    @Override
    public List<String> wouldMakeObjectsOfTables(cutover.model.NativeDefinition objects, Set<String> tables) {
        Optional<SchemaObjects> own = toMake(objects);
        if (own.isEmpty()) return CopyTextSink.super.wouldMakeObjectsOfTables(objects, tables);
        SchemaObjects ofTables = schemaMadeHere ? own.get().onlyOn(tables) : own.get().onlyOn(tables).withoutSchemaGrants();
        List<String> missing = schemaObjectsLacking(ofTables.toNative());
        List<String> out = new java.util.ArrayList<>(ownersNotGiven(own.get().onlyOn(tables), tables));
        if (!missing.isEmpty()) {
            out.add(0, "the restore would make, on the tables it makes, " + String.join(" and ", missing)
                    + " of the snapshot (whether each can be made is known only by making it)");
        }
        return out;
    }

    /** The sentences naming the owners in the source that the objects made, and {@code tablesMade}, would not go to. */
    private List<String> ownersNotGiven(SchemaObjects objects, Set<String> tablesMade) {
        return inTransaction("reading the roles of the target", c -> new SchemaObjectsMaking(c, schema, objects).ownersNotGiven(tablesMade, schemaMadeHere));
    }

    @Override
    public List<String> schemaObjectsLacking(cutover.model.NativeDefinition objects) {
        Optional<SchemaObjects> own = SchemaObjects.of(objects);
        if (own.isEmpty()) return List.of();
        return inTransaction("reading the views, functions, triggers and policies of schema " + schema, c -> new SchemaObjectsMaking(c, schema, own.get()).missing());
    }

    @Override
    public List<String> schemaObjectsLacking(cutover.model.NativeDefinition objects, Set<String> butOfTables) {
        Optional<SchemaObjects> own = SchemaObjects.of(objects);
        return own.isEmpty() ? List.of() : schemaObjectsLacking(own.get().without(butOfTables).toNative());
    }

    @Override
    public List<String> wouldMakeSchemaObjects(cutover.model.NativeDefinition objects, Set<String> tablesMade) {
        Optional<SchemaObjects> own = toMake(objects);
        if (own.isEmpty()) return CopyTextSink.super.wouldMakeSchemaObjects(objects, tablesMade);
        List<String> missing = schemaObjectsLacking(objects);
        List<String> out = new java.util.ArrayList<>(ownersNotGiven(own.get(), tablesMade));
        out.addAll(inTransaction("reading the roles of the target", c -> new SchemaObjectsMaking(c, schema, own.get()).defaultPrivilegesNotSettable()));
        if (!missing.isEmpty()) {
            out.add(0, "the restore would make " + String.join(" and ", missing) + " of the snapshot, which the"
                    + " target lacks (whether each can be made is known only by making it)");
        }
        return out;
    }

    @Override
    public List<String> wouldNotMakeSchemaObjects(cutover.model.NativeDefinition objects) {
        Optional<SchemaObjects> own = toMake(objects);
        if (own.isEmpty()) return List.of();
        return inTransaction("reading the types and publications of the target", c -> new SchemaObjectsMaking(c, schema, own.get()).wouldNotMake());
    }

    @Override
    public List<String> wouldNeedOtherSchemas(cutover.model.NativeDefinition objects, Map<String, cutover.model.NativeDefinition> definitions) {
        Map<String, List<String>> named = otherSchemas(objects, definitions);
        named.keySet().removeAll(restoredWith);
        java.util.Set<String> lacking = lacking(named.keySet());
        List<String> out = new java.util.ArrayList<>();
        for (Map.Entry<String, List<String>> e : named.entrySet()) {
            if (!lacking.contains(e.getKey())) continue;
            List<String> of = e.getValue();
            out.add("schema " + e.getKey() + ", which the target lacks, is named by " + String.join(", ", of.stream().limit(5).toList())
                    + (of.size() > 5 ? " and " + (of.size() - 5) + " more" : "") + ": " + (of.size() == 1 ? "it" : "they") + " would not be made;"
                    + " restore or migrate schema " + e.getKey() + " into this database first (or run this restore again once it is there,"
                    + " which makes them)");
        }
        return out;
    }

    /** Those of {@code schemas} the target lacks. */
    private java.util.Set<String> lacking(java.util.Collection<String> schemas) {
        if (schemas.isEmpty()) return java.util.Set.of();
        return withConnection("reading the schemas of the target", c -> {
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (String schema : schemas) if (!DefinedTable.holds(c, "SELECT to_regnamespace(?) IS NOT NULL", TableName.quote(schema))) out.add(schema);
            return out;
        });
    }

    /** The schemas restored with this one (a set's), which a dry run takes as coming; those restored after it, which a warning says make what needs them. */
    private java.util.Set<String> restoredWith = java.util.Set.of();
    private java.util.Set<String> restoredAfter = java.util.Set.of();

    @Override
    public void schemasRestoredWith(java.util.Set<String> schemas, java.util.Set<String> after) {
        restoredWith = java.util.Set.copyOf(schemas);
        restoredAfter = java.util.Set.copyOf(after);
    }

    @Override
    public java.util.Set<String> otherSchemasMissing(cutover.model.NativeDefinition objects, Map<String, cutover.model.NativeDefinition> definitions) {
        return lacking(otherSchemas(objects, definitions).keySet());
    }

    /** The other schemas the objects and definitions name, each with what names it. */
    private Map<String, List<String>> otherSchemas(cutover.model.NativeDefinition objects, Map<String, cutover.model.NativeDefinition> definitions) {
        Map<String, TableDefinition> tables = new java.util.TreeMap<>();
        definitions.forEach((table, d) -> TableDefinition.of(table, d).ifPresent(t -> tables.put(table, t)));
        return OtherSchemas.named(objects == null ? null : SchemaObjects.of(objects).orElse(null), tables, schema);
    }

    @Override
    public long copyIn(String runId, String splitId, Table table, List<CopyColumn> columns, RowWriter rows, LongFunction<Checkpoint> checkpoint) {
        PostgresWriter writer = new PostgresWriter(pool, schema, runId, splitId, List.of(table), arrays, textColumns, quietTriggers, triggersFiring);
        try {
            return writer.copyText(table, columns, rows, checkpoint);
        } finally {
            writer.close();
        }
    }

    @Override
    public TargetInfo describe() {
        return withConnection("describing the target", c -> {
            String version;
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                version = rs.getString(1);
            }
            Map<String, Set<String>> tables = new TreeMap<>();
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT n.nspname, r.relname, a.attname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace "
                            + "JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
                            + "WHERE r.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cutover') "
                            + "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY n.nspname, r.relname, a.attnum")) {
                while (rs.next()) {
                    String ns = rs.getString(1);
                    String key = ns.equals(schema) ? rs.getString(2) : ns + "." + rs.getString(2);
                    tables.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(rs.getString(3));
                }
            }
            boolean supabase = DefinedTable.holds(c, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') "
                    + "AND (SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated')) = 2");
            boolean schemaExists = DefinedTable.holds(c, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)", schema);
            schemaMadeHere = !schemaExists;
            schemaAbsentAtDescribe = !schemaExists;
            return new TargetInfo("PostgreSQL", version, schema, tables, supabase, schemaExists);
        });
    }

    /** Commits what it made only when nothing is wrong: a refused run leaves the target as it found it. */
    @Override
    public List<String> prepare(String runId, List<Table> tables, boolean create) {
        return prepare(runId, tables, create, true, null);
    }

    /** {@link #prepare} in a transaction rolled back: PostgreSQL's DDL is transactional, so nothing it made stays. */
    @Override
    public List<String> wouldPrepare(String runId, List<Table> tables, boolean create) {
        return checked(() -> prepare(runId, tables, create, false, null)); // plan check: the tables, not their completion (review)
    }

    /** {@link #wouldPrepare}, with the differences of the tables it made as defined, read before it rolls back. */
    /** The schema objects a dry run's rehearsal makes first (its collations), or null. */
    private volatile SchemaObjects rehearsedWith;

    @Override
    public void rehearsesWith(cutover.model.NativeDefinition objects) {
        rehearsedWith = toMake(objects).orElse(null);
    }

    @Override
    public Rehearsal rehearsePrepare(String runId, List<Table> tables, boolean create) {
        List<String> differences = new java.util.ArrayList<>();
        return new Rehearsal(checked(() -> prepare(runId, tables, create, false, differences)), differences);
    }

    /** A rehearsal, where a read-only role cannot rehearse the making of Cutover's state (or of the tables): said so. */
    private static List<String> checked(java.util.function.Supplier<List<String>> rehearsal) {
        try {
            return rehearsal.get();
        } catch (CutoverException e) {
            if (e.getCause() instanceof SQLException s && "42501".equals(s.getSQLState())) {
                throw new NotCheckable("the role may not make or write what the restore would (" + s.getMessage() + ")", e);
            }
            throw e;
        }
    }

    /**
     * Prepares in one transaction, committed when {@code keep} and nothing is wrong, else rolled back;
     * where {@code rehearsed} is given, it gets what completing the tables made as defined tells.
     */
    private List<String> prepare(String runId, List<Table> tables, boolean create, boolean keep, List<String> rehearsed) {
        return withConnection(keep ? "preparing the target tables" : "checking the target tables", c -> {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                TargetSchema target = new TargetSchema(schema, quietTriggers, !replacesKeyless ? TargetSchema.Keyless.REFUSE
                        : keep ? TargetSchema.Keyless.EMPTY : TargetSchema.Keyless.WOULD_EMPTY);
                // rolled back with the rest: the collations the restore makes before its tables (review: said missing, and to be made)
                if (rehearsed != null && rehearsedWith != null) new SchemaObjectsMaking(c, schema, rehearsedWith).rehearseCollations();
                List<String> problems = prepareIn(c, runId, tables, create, target);
                if (rehearsed != null) rehearsed.addAll(rehearseCompletion(c, target.definedNow()));
                if (keep && problems.isEmpty()) {
                    c.commit();
                    committed = true;
                }
                return problems;
            } finally {
                if (!committed) rollbackQuietly(c);
            }
        });
    }

    /**
     * The tables made as defined in a rehearsal, given in its transaction what of {@code finish}'s
     * completion names other objects and makes no relation: the columns' defaults and the CHECK
     * constraints, each in a savepoint (a default of a type the target lacks, a check calling a
     * function it lacks: acceptance run 26 found one said by the restore alone); then compared with
     * their definitions. Not keys, indexes, sequences or foreign keys: each makes a relation or locks
     * another table until the rehearsal ends (a thousand tables' indexes near the server's lock table,
     * a foreign key locking the application's table), sequences are moved outside transactions, and
     * they seldom fail where the rest did not (bench/RESULTS.md, thirty-fourth session: all of them
     * cost 50-80% more than the rehearsal's own time at 1,000 tables).
     */
    private List<String> rehearseCompletion(Connection c, Map<DefinedTable, Table> made) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        String searchPath = Catalog.schemaAloneOnPath(c, schema);
        try {
            for (Map.Entry<DefinedTable, Table> m : made.entrySet()) {
                for (DefinedTable.Step step : m.getKey().rehearsed()) {
                    String failed = DefinedTable.attempt(c, step.sql());
                    if (failed == null) continue;
                    out.add(SqlErrors.withElsewhereHint("table " + m.getKey().name() + ", as the restore would make it: " + step.what()
                            + " would not be restored: " + SqlErrors.reason(failed) + " (" + step.sql() + ")", schema));
                }
            }
            for (DefinedTable t : made.keySet()) t.differences(c, true).forEach(d -> out.add("table " + t.name() + ", as the restore would make it: " + d));
            out.addAll(DefinedTable.collationDifferences(c, made.keySet()));
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
        return out;
    }

    private List<String> prepareIn(Connection c, String runId, List<Table> tables, boolean create, TargetSchema target) throws SQLException {
        StateTables.create(c);
        // made by an earlier attempt of this run that failed: still the run's to give to its owner, with its grants
        schemaMadeHere = StateTables.schemaMadeBy(c, runId, schema, schemaAbsentAtDescribe);
        List<String> problems = target.prepare(c, runId, tables, create);
        limits.clear();
        limits.putAll(target.limits());
        arrays.clear();
        arrays.putAll(target.arrays());
        textColumns.clear();
        textColumns.putAll(target.textColumns());
        takingSourceText.clear();
        takingSourceText.addAll(target.takingSourceText());
        encoding = ServerEncoding.of(c);
        replaced.putAll(target.emptied()); // a restore run again after it finished prepares twice: the second, its checkpoints reset, empties them
        return problems;
    }

    /** The foreign keys between the existing tables, as the catalog holds them, each table's oid found by its name. */
    @Override
    public Set<String> partitionsOf(List<Table> tables) {
        return withConnection("reading the target tables' partitions", c -> {
            Set<String> out = new java.util.TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, r.relname FROM pg_partition_tree(to_regclass(?)) p JOIN pg_class r"
                    + " ON r.oid = p.relid JOIN pg_namespace n ON n.oid = r.relnamespace WHERE p.level > 0")) {
                for (Table table : tables) {
                    ps.setString(1, TableName.resolve(table.name(), schema).sql());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(rs.getString(1).equals(schema) ? rs.getString(2) : rs.getString(1) + "." + rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, Set<String>> parentsByForeignKey(List<Table> tables) {
        return withConnection("reading the target tables' foreign keys", c -> {
            Map<String, String> byOid = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::oid::text")) {
                for (Table table : tables) {
                    ps.setString(1, TableName.resolve(table.name(), schema).sql());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getString(1) != null) byOid.put(rs.getString(1), table.name());
                    }
                }
            }
            Map<String, Set<String>> parents = new HashMap<>();
            if (byOid.isEmpty()) return parents;
            try (PreparedStatement ps = c.prepareStatement("SELECT conrelid::text, confrelid::text FROM pg_constraint WHERE contype = 'f'"
                    + " AND conrelid::text = ANY (?) AND confrelid::text = ANY (?) AND conrelid <> confrelid")) {
                java.sql.Array oids = c.createArrayOf("text", byOid.keySet().toArray());
                ps.setArray(1, oids);
                ps.setArray(2, oids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) parents.computeIfAbsent(byOid.get(rs.getString(1)), t -> new LinkedHashSet<>()).add(byOid.get(rs.getString(2)));
                }
            }
            return parents;
        });
    }

    /** Existing tables' CHECK, UNIQUE (but the key) and exclusion constraints, unique indexes, triggers (not the system's) and rules on INSERT or UPDATE. */
    @Override
    public List<String> rulesOfItsOwn(List<Table> tables) {
        return rulesOfItsOwn(tables, java.util.Set.of());
    }

    @Override
    public List<String> rulesOfItsOwn(List<Table> tables, java.util.Set<String> tried) {
        return withConnection("reading the target tables' constraints", c -> {
            List<String> out = new java.util.ArrayList<>();
            String tree = Catalog.withPartitions(c, "t.oid"); // a partitioned table's rows go to its partitions, and fire their triggers too
            try (PreparedStatement ps = c.prepareStatement("SELECT array_to_string(array(SELECT n FROM (SELECT conname AS n FROM pg_constraint WHERE conrelid = t.oid"
                    + " AND contype = 'u' UNION SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                    + " WHERE i.indrelid = t.oid AND i.indisunique AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
                    + " WHERE k.conindid = i.indexrelid)) r ORDER BY n), ', '), array_to_string(array(SELECT DISTINCT tgname FROM pg_trigger"
                    + " WHERE tgrelid IN " + tree + " AND NOT tgisinternal AND tgenabled <> 'D' ORDER BY tgname), ', '),"
                    + " NOT EXISTS (SELECT 1 FROM pg_class p WHERE p.oid IN " + tree + " AND NOT pg_has_role(p.relowner, 'USAGE')),"
                    + " array_to_string(array(SELECT DISTINCT rulename FROM pg_rewrite WHERE ev_class IN " + tree + " AND ev_type = '3'"
                    + " AND ev_enabled <> 'D' ORDER BY rulename), ', '),"
                    + " array(SELECT conname::text FROM pg_constraint WHERE conrelid = t.oid AND contype IN ('c', 'x') ORDER BY conname),"
                    + " array(SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = t.oid AND contype IN ('c', 'x') ORDER BY conname),"
                    + " array_to_string(array(SELECT conname FROM pg_constraint WHERE conrelid = t.oid AND contype = 'f' ORDER BY conname), ', '),"
                    + " t.relkind = 'p', array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0"
                    + " AND NOT a.attisdropped AND a.attnotnull ORDER BY a.attnum),"
                    + " array_to_string(array(SELECT quote_ident(a.attname) || ' (' || format_type(a.atttypid, NULL) || ')' FROM pg_attribute a"
                    + " JOIN pg_type d ON d.oid = a.atttypid WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND d.typtype = 'd'"
                    + " AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contypid = d.oid AND k.contype = 'c') ORDER BY a.attnum), ', ')"
                    + " FROM pg_class t WHERE t.oid = to_regclass(?)")) {
                for (Table table : tables) {
                    TableName name = TableName.resolve(table.name(), schema);
                    ps.setString(1, name.sql());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) continue; // not there yet: the restore makes it
                        String unique = rs.getString(1), triggers = rs.getString(2);
                        boolean owned = rs.getBoolean(3);
                        // a check the source's table had (of the name and the same definition), its rows met when read: only others may refuse them
                        java.util.Set<String> sourceChecks = new java.util.HashSet<>();
                        TableDefinition.of(table).ifPresent(d -> d.constraints().stream().filter(k -> k.kind().equals("check"))
                                .forEach(k -> sourceChecks.add(k.name() + " " + k.definition())));
                        List<String> names = Catalog.texts(rs.getArray(5)), definitions = Catalog.texts(rs.getArray(6)), checks = new java.util.ArrayList<>();
                        for (int i = 0; i < names.size(); i++) if (!sourceChecks.contains(names.get(i) + " " + definitions.get(i))) checks.add(names.get(i));
                        boolean foreseen = tried.contains(table.name()); // its rows were tried: the refusals are counted
                        if (!checks.isEmpty() && !foreseen) {
                            out.add("table " + name + " has check or exclusion constraints (" + String.join(", ", checks) + "): rows they"
                                    + " refuse are not foreseen here; the restore sets them aside, each with the database's reason");
                        }
                        if (!unique.isEmpty() && !foreseen) {
                            out.add("table " + name + " has unique constraints or indexes (" + unique + "): a row whose value another row of the"
                                    + " table holds is refused, which is not foreseen here; the restore sets such rows aside, each with the database's reason");
                        }
                        String foreignKeys = rs.getString(7), domains = rs.getString(10);
                        if (!foreignKeys.isEmpty() && !foreseen) {
                            out.add("table " + name + " has foreign keys (" + foreignKeys + "): a row whose parent neither the target holds nor the"
                                    + " restore brings is refused, which is not foreseen here; the restore sets such rows aside, each with the database's reason");
                        }
                        if (rs.getBoolean(8) && !foreseen) {
                            out.add("table " + name + " is partitioned: a row no partition takes is refused, which is not foreseen here;"
                                    + " the restore sets such rows aside, each with the database's reason");
                        }
                        // NOT NULL where the plan lets the column be null: a null the snapshot holds there is refused
                        List<String> notNull = Catalog.texts(rs.getArray(9)).stream()
                                .filter(col -> table.column(col).map(cutover.model.Column::nullable).orElse(false)).toList();
                        if (!notNull.isEmpty() && !foreseen) {
                            out.add("table " + name + " has NOT NULL columns the snapshot's rows may leave null (" + String.join(", ", notNull)
                                    + "): such rows are refused, which is not foreseen here; the restore sets them aside, each with the database's reason");
                        }
                        if (!domains.isEmpty() && !foreseen) {
                            out.add("table " + name + " has columns of domains with checks (" + domains + "): a value a check refuses is not"
                                    + " foreseen here; the restore sets its row aside, with the database's reason");
                        }
                        if (!triggers.isEmpty()) {
                            out.add("table " + name + " has triggers (" + triggers + ")" + (owned
                                    ? ", which do not fire for the restored rows: the restore turns them off in each batch's transaction"
                                    : ", which fire for the restored rows (they may change or refuse them): the restore's role does not own the"
                                    + " table, so cannot turn them off"));
                        }
                        // a rule on UPDATE, or on INSERT that stays on, is a problem of prepare's: the upsert is refused
                        String onInsert = rs.getString(4);
                        if (!onInsert.isEmpty() && owned && quietTriggers) {
                            out.add("table " + name + " has rules on INSERT (" + onInsert + "), which do not apply to the rows written: they are"
                                    + " turned off in each batch's transaction");
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Optional<RecordError> check(Table table, Record row) {
        // a column written as the source's own text holds what the source's column of its type held: nothing to check
        Set<String> asWritten = asWrittenColumns(table, row);
        Optional<RecordError> refused = ValueCheck.check(table, row, encoding, asWritten);
        if (refused.isPresent()) return refused;
        return refusal(table, row, limits.getOrDefault(table.name(), Map.of()), asWritten, ErrorCode.RECORD_VALUE_OUT_OF_RANGE)
                .or(() -> refusal(table, row, arrays.getOrDefault(table.name(), Map.of()), asWritten, ErrorCode.RECORD_TYPE_MISMATCH));
    }

    /** The columns of the table that take the row's source line as their text ({@link AsWrittenColumns}), of those the line holds. */
    private Set<String> asWrittenColumns(Table table, Record row) {
        if (row.asWritten() == null || !PgCopyText.NAME.equals(row.asWritten().format())) return Set.of();
        Set<String> out = new java.util.HashSet<>(textColumns.getOrDefault(table.name(), Set.of()));
        out.retainAll(row.asWritten().columns());
        return out;
    }

    /** numeric compares by value (1.50 = 1.5); a timestamp keeps microseconds, the rest cut off as rows are written (CopyText). */
    @Override
    public Value keyAsCompared(cutover.model.ColumnType type, Value value) {
        if (value instanceof Value.Decimal d) return Value.of(d.value().signum() == 0 ? java.math.BigDecimal.ZERO : d.value().stripTrailingZeros());
        if (value instanceof Value.Timestamp t) {
            java.time.Instant at = t.value();
            return PgInfinity.of(at) != null ? value : Value.of(at.minusNanos(at.getNano() % 1000));
        }
        return CopyTextSink.super.keyAsCompared(type, value);
    }

    /** The first of the row's values that one of the table's checked columns cannot hold, as a record error with {@code code}. */
    private static Optional<RecordError> refusal(Table table, Record row, Map<String, ? extends ExistingColumnCheck> columns, Set<String> asWritten,
                                                 ErrorCode code) {
        for (Map.Entry<String, ? extends ExistingColumnCheck> e : columns.entrySet()) {
            if (asWritten.contains(e.getKey())) continue;
            Value value = row.get(e.getKey());
            String problem = value == null || value.kind() == Value.Kind.NULL ? null : e.getValue().problem(value);
            if (problem != null) {
                return Optional.of(RecordError.of(code, e.getKey(), "column " + table.name() + "." + e.getKey()
                        + " is " + e.getValue().type() + " in the target: " + problem));
            }
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Checkpoint> checkpoints(String runId) {
        return withConnection("reading checkpoints", c -> {
            Map<String, Checkpoint> out = new HashMap<>();
            if (!stateExists(c)) return out;
            try (PreparedStatement ps = c.prepareStatement("SELECT split_id, position_ordinal, position_token, read, written, dead_lettered, skipped, done FROM "
                    + StateTables.CHECKPOINTS + " WHERE run_id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Checkpoint(new Position(rs.getLong(2), rs.getString(3)),
                                rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getBoolean(8)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void forgetCheckpoints(String runId, Set<String> splitIds) {
        inTransaction("forgetting checkpoints", c -> {
            if (!stateExists(c)) return null;
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + StateTables.CHECKPOINTS + " WHERE run_id = ? AND split_id = ANY (?)")) {
                del.setString(1, runId);
                del.setArray(2, c.createArrayOf("text", splitIds.toArray()));
                del.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void resetCheckpoints(String runId) {
        inTransaction("resetting checkpoints", c -> {
            if (!stateExists(c)) return null;
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + StateTables.CHECKPOINTS + " WHERE run_id = ?");
                 // Rows from the forgotten attempt stay, so a direct COPY of them again would collide: upsert from now on.
                 PreparedStatement slow = c.prepareStatement("UPDATE " + StateTables.RUN_TABLES + " SET fast_path = false WHERE run_id = ?")) {
                del.setString(1, runId);
                del.executeUpdate();
                StateTables.forgetClaims(c, runId); // the attempt starts over, its records with it: they claim their keys again
                StateTables.forgetMade(c, runId); // started over, the schema is the target's as found (review: a repeated restore granted again)
                slow.setString(1, runId);
                slow.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, cutover.connector.RowDeletion.Deleted> delete(Map<Table, List<cutover.model.Key>> keys) {
        PostgresWriter writer = new PostgresWriter(pool, schema, "delete", "delete", List.copyOf(keys.keySet()), arrays, textColumns, quietTriggers,
                triggersFiring);
        try {
            Map<String, cutover.connector.RowDeletion.Deleted> done = writer.delete(keys);
            firedOnDelete.addAll(writer.firedOnDelete());
            return done;
        } finally {
            writer.close();
        }
    }

    @Override
    public List<String> cannotDelete(List<Table> tables) {
        return inTransaction("checking the role may find and delete the tables' rows", c -> {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute(Pool.ALL_ROWS_OR_NONE);
            }
            List<String> out = new java.util.ArrayList<>();
            for (Table t : tables) {
                TableName name = TableName.resolve(t.name(), schema);
                // a table without a key, or without a unique index on it, deletes nothing: its privileges do not matter
                if (t.primaryKey().isEmpty() || !TargetSchema.hasUniqueOn(c, name, t.primaryKey())) continue;
                KeyedDelete.cannotDelete(c, name, t.primaryKey()).ifPresent(out::add);
            }
            return out;
        });
    }

    /** The triggers and rules on DELETE that stayed on for the rows deleted (tables the role does not own). */
    private final Set<String> firedOnDelete = new java.util.concurrent.ConcurrentSkipListSet<>();

    @Override
    public List<String> deletionWarnings() {
        return PostgresWriter.ranOnDelete(firedOnDelete, false);
    }

    @Override
    public List<String> slowReferences(Table table) {
        return withConnection("looking for the foreign keys to " + table.name() + " without an index", c -> KeyedDelete.unindexedReferences(c,
                TableName.resolve(table.name(), schema)));
    }

    @Override
    public SinkWriter writer(String runId, String splitId, List<Table> tables) {
        return new PostgresWriter(pool, schema, runId, splitId, tables, arrays, textColumns, quietTriggers, triggersFiring);
    }

    @Override
    public List<String> finish(String runId, List<Table> tables) {
        List<String> warnings = new java.util.ArrayList<>();
        // the tables made from their definitions get their keys first: a foreign key of the plan may refer to one
        try {
            warnings.addAll(elsewhereHinted(new TableCompletion(pool, schema, tableObjectsFollow, renamedTables).complete(runId, tables, FINISH_PARALLELISM)));
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "completing the tables made from their definitions", pool.location());
        }
        ForeignKeys keys = new ForeignKeys(schema);
        createInParallel(keys.indexStatements(tables));
        warnings.addAll(addInParallel(keys, keys.jobs(tables)));
        warnings.addAll(inTransaction("moving the tables' sequences past their rows", c -> {
            List<String> out = new java.util.ArrayList<>();
            for (Table t : tables) out.addAll(SequenceCatchUp.advance(c, TableName.resolve(t.name(), schema)));
            return out;
        }));
        if (!triggersFiring.isEmpty()) {
            warnings.add("triggers fired for the rows written (they may have changed or refused them): " + String.join(", ", new java.util.TreeSet<>(triggersFiring))
                    + "; the role does not own those tables, so could not turn them off");
        }
        // every record is in or set aside: nothing claims a key any more
        inTransaction("forgetting the run's key claims", c -> {
            StateTables.forgetClaims(c, runId);
            return null;
        });
        return warnings;
    }

    /**
     * Adds the foreign keys two at a time, each in its own transaction (a re-run skips those already
     * there). Adding a key locks its child and its parent table, so two keys run together only when
     * they touch four different tables; otherwise one waits here rather than inside PostgreSQL.
     */
    private List<String> addInParallel(ForeignKeys keys, List<ForeignKeys.Job> jobs) {
        if (jobs.isEmpty()) return List.of();
        List<ForeignKeys.Job> pending = new java.util.ArrayList<>(jobs);
        List<TableName> busy = new java.util.ArrayList<>();
        Map<ForeignKeys.Job, String> warnings = new java.util.concurrent.ConcurrentHashMap<>();
        Object turn = new Object();
        runOnFinishThreads(Math.min(FINISH_PARALLELISM, jobs.size()), () -> {
            while (true) {
                ForeignKeys.Job job;
                synchronized (turn) {
                    job = null;
                    while (job == null) {
                        if (pending.isEmpty()) return null;
                        for (ForeignKeys.Job j : pending) {
                            if (busy.stream().noneMatch(j::touches)) {
                                job = j;
                                break;
                            }
                        }
                        if (job == null) turn.wait();
                    }
                    pending.remove(job);
                    busy.add(job.child());
                    busy.add(job.parent());
                }
                try {
                    ForeignKeys.Job current = job;
                    inTransaction("adding foreign key " + current.key().columns() + " of " + current.child(), c -> {
                        try (var s = c.createStatement()) {
                            // validating a key joins child and parent: let the join hash in memory (this transaction only)
                            s.execute("SET LOCAL work_mem = '" + FINISH_MEMORY + "'");
                        }
                        keys.add(c, current).ifPresent(w -> warnings.put(current, w));
                        return null;
                    });
                } finally {
                    synchronized (turn) {
                        busy.remove(job.child());
                        busy.remove(job.parent());
                        turn.notifyAll();
                    }
                }
            }
        });
        List<String> out = new java.util.ArrayList<>();
        for (ForeignKeys.Job j : jobs) if (warnings.containsKey(j)) out.add(warnings.get(j));
        return out;
    }

    /** Index builds use one core each in PostgreSQL: two at a time halve the wait on a two-core server. */
    private void createInParallel(List<String> statements) {
        if (statements.isEmpty()) return;
        java.util.concurrent.ConcurrentLinkedQueue<String> todo = new java.util.concurrent.ConcurrentLinkedQueue<>(statements);
        runOnFinishThreads(Math.min(FINISH_PARALLELISM, statements.size()), () -> {
            for (String sql = todo.poll(); sql != null; sql = todo.poll()) {
                String statement = sql;
                withConnection("indexing foreign key columns", c -> {
                    c.setAutoCommit(true);
                    try (var s = c.createStatement()) {
                        // for this session only: sorting a million keys in memory rather than in temp files
                        s.execute("SET maintenance_work_mem = '" + FINISH_MEMORY + "'");
                        s.execute(statement);
                        s.execute("RESET maintenance_work_mem");
                    }
                    return null;
                });
            }
            return null;
        });
    }

    /** Runs {@code worker} on {@code threads} threads and waits for all; the first failure is thrown. */
    static void runOnFinishThreads(int threads, java.util.concurrent.Callable<Object> worker) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cutover-finish");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<Object>> done = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) done.add(pool.submit(worker));
            for (java.util.concurrent.Future<Object> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CutoverException(ErrorCode.INTERRUPTED, "interrupted while adding foreign keys");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean stateExists(Connection c) throws SQLException {
        return StateTables.there(c, StateTables.CHECKPOINTS);
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(String doing, Work<T> work) {
        try (Connection c = pool.connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.translate(e, doing, pool.location());
        }
    }

    private <T> T inTransaction(String doing, Work<T> work) {
        return withConnection(doing, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        });
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the server rolls the transaction back itself
        }
    }
}
