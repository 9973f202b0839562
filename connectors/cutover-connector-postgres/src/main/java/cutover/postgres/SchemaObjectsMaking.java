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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static cutover.postgres.TableName.shown;

/**
 * Makes a schema's {@link SchemaObjects} in a target schema where it lacks them, in the caller's
 * transaction, with that schema alone on the search path (the objects' SQL names its objects bare).
 * One the target has, of the name, is left as it is; one that cannot be made is a sentence naming
 * it with the server's reason, and the others are still made. Function bodies are not checked when
 * made ({@code check_function_bodies} off, as {@code pg_dump} restores them): one may use a table or
 * another function made later. What it makes, and the tables the caller made, go to the role that
 * owned them in the source where the target has that role ({@code pg_dump} restores owners too): made
 * by a superuser, a table whose owner had no grant of its own was closed to it, and a SECURITY
 * DEFINER function would run as the superuser.
 */
final class SchemaObjectsMaking {
    private final Connection c;
    private final String schema;
    private final SchemaObjects objects;
    /** The roles the whole snapshot's grants name: those whose privileges on what is made are the source's ({@link #revokeNotGranted}). */
    private final Set<String> rolesGranted;

    SchemaObjectsMaking(Connection c, String schema, SchemaObjects objects) {
        this(c, schema, objects, objects);
    }

    /** For {@code objects}, a part of {@code whole} (a restore of some tables): the roles the whole's grants name count. */
    SchemaObjectsMaking(Connection c, String schema, SchemaObjects objects, SchemaObjects whole) {
        this.c = c;
        this.schema = schema;
        this.objects = objects;
        this.rolesGranted = whole.grants().stream().map(Grant::grantee).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Before the tables are made: the schema's collations and the types no column uses, then the functions and procedures the
     * target lacks, which a table's default or check may call (and which may take such a type). One
     * that cannot be made yet (it takes or returns a table's row type) is left for {@link #make},
     * which names the types not made. Returns the routines it made, for {@link #make} to give to
     * their owners.
     */
    List<Made> makeRoutines() throws SQLException {
        // a restore into a new schema would make it with its first table, after these (one that cannot is said there)
        if (!exists("SELECT to_regnamespace(?) IS NOT NULL", TableName.quote(schema))) DefinedTable.attempt(c, "CREATE SCHEMA " + TableName.quote(schema));
        String searchPath = withSchemaAlone();
        try {
            makeCollations(); // before the types and the tables, whose attributes and columns name them
            makeTypes();
            List<Made> made = new ArrayList<>();
            for (Function f : objects.functions()) {
                if (!routineExists(f.name(), f.arguments()) && DefinedTable.attempt(c, f.definition(), revokeFromPublic(f)) == null) {
                    made.add(new Made("routine", f.name(), f.arguments()));
                }
            }
            return made;
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    /**
     * Once the tables are complete: the types no column uses still lacking (those not made, or
     * another of the name here, named), the sequences, then the routines and views, in rounds as long as
     * a round makes one (a view may select from one made later, or call a function that returns
     * another's rows), then the tables' triggers, rules and policies, then comments and grants.
     * Triggers come last of all but those: made before the rows, they would have fired for each.
     * Then what it made, {@code routinesMadeBefore} ({@link #makeRoutines}) and {@code tablesMade}
     * (with their partitions) go to their owners, before the grants and default privileges, as
     * {@code pg_restore} orders them (a grant to the role restoring, made while it owned the object,
     * would go with the ownership). Where {@code schemaMade} (the run made the target's schema), the
     * schema too goes to the source schema's owner: made as the role restoring's, the owners of what
     * is in it could not reach it. With {@code grantsOnSchema} (the run made it, or sets the whole
     * schema up: no table of the application's was there), the source's grants on the schema are
     * made too (a grant adds): without them, a Supabase target's roles could not reach its tables. Returns a sentence for each object that could
     * not be made or given to its owner.
     */
    List<String> make(Set<String> tablesMade, List<Made> routinesMadeBefore, boolean schemaMade, boolean grantsOnSchema) throws SQLException {
        String searchPath = withSchemaAlone();
        List<String> problems = new ArrayList<>();
        Set<Made> made = new java.util.LinkedHashSet<>(routinesMadeBefore);
        try {
            problems.addAll(makeCollations());
            // a type a column uses too is named by its table's restore, where it is not the source's
            Set<String> ofColumns = Set.copyOf(objects.typesNoColumnUses().ofColumns());
            makeTypes().forEach((type, why) -> {
                if (!ofColumns.contains(type)) problems.add("type " + type + (TypesMaking.another(why) ? " here is not the source's: " : " was not made: ") + why);
            });
            problems.addAll(TypesMaking.collationDifferences(c, objects.typesNoColumnUses().composites().stream()
                    .filter(t -> !ofColumns.contains(t.name())).toList()));
            makeSequences(made, problems);
            Set<String> takenByAnother = new TreeSet<>(); // views whose name the target gives another relation: what is bound to them is not its
            List<Pending> views = views(takenByAnother, problems);
            SchemaObjects rest = objects.without(takenByAnother);
            List<Pending> pending = new ArrayList<>();
            for (Function f : rest.functions()) {
                if (!routineExists(f.name(), f.arguments())) {
                    pending.add(new Pending(new Made("routine", f.name(), f.arguments()), routine(f), f.definition(), revokeFromPublic(f)));
                }
            }
            pending.addAll(views);
            problems.addAll(inRounds(pending, made));
            makeTriggers(rest, problems);
            for (Rule r : rest.rules()) {
                if (has(r)) continue;
                String failed = DefinedTable.attempt(c, r.definition(), enabling("RULE", r.table(), r.name(), r.enabled()));
                if (failed != null) problems.add("rule " + shown(r.name()) + " on " + shown(r.table()) + " was not made: " + failed);
            }
            for (String table : rest.rowSecurity()) rowSecurityAsInSource(table, TableName.quote(table), problems);
            Map<String, List<Policy>> policies = new LinkedHashMap<>();
            for (Policy p : rest.policies()) if (!has(p)) policies.computeIfAbsent(p.table(), k -> new ArrayList<>()).add(p);
            for (List<Policy> ofTable : policies.values()) problems.addAll(makePolicies(ofTable));
            for (Comment m : rest.comments()) {
                // a type not made (named above; a snapshot before 2026-12-07 kept none no column uses): nor is its comment
                if (hasComment(m)) continue;
                if (m.kind().equals("type") && !exists("SELECT to_regtype(?) IS NOT NULL", typeName(m.name()))) continue;
                if (m.kind().equals("domain constraint") && !exists("SELECT to_regtype(?) IS NOT NULL", typeName(m.on()))) continue;
                String failed = DefinedTable.attempt(c, "COMMENT ON " + commented(m) + " IS " + DefinedTable.literal(m.text()));
                if (failed != null) problems.add("the comment on " + m.kind() + " " + shown(m.name()) + (m.column() == null ? "" : "." + shown(m.column()))
                        + (m.on() == null ? "" : " on " + shown(m.on())) + " was not made: " + failed);
            }
            // while the role restoring owns the tables it made: adding one to a publication takes its owner
            problems.addAll(makePublications(rest.publications()));
            Map<String, List<String>> drawnBy = sequencesDrawnBy();
            Set<String> tables = withPartitions(c, schema, tablesMade);
            Set<String> drawnElsewhere = new java.util.HashSet<>(); // a sequence a table the run did not make draws from too is not the run's
            drawnBy.forEach((table, sequences) -> { if (!tables.contains(table)) drawnElsewhere.addAll(sequences); });
            for (String table : tables) {
                made.add(new Made("table", table, null));
                for (String sequence : drawnBy.getOrDefault(table, List.of())) if (!drawnElsewhere.contains(sequence)) made.add(new Made("sequence", sequence, null));
            }
            // the schema first, then its grants: the owners of what is in it need CREATE on it to be given it (but from a superuser)
            if (schemaMade) problems.addAll(giveOwners(Set.of(new Made("schema", schema, null))));
            if (rest.schemaItself() != null && schemaMade) { // as the source's was, initdb's grants too (public's USAGE)
                List<Grant> all = new ArrayList<>(rest.schemaItself().initial());
                all.addAll(rest.schemaItself().grants());
                problems.addAll(grant(all));
            } else if (rest.schemaItself() != null && grantsOnSchema) {
                // never CREATE for everyone on a schema the run did not make (what PostgreSQL 15 took away from public)
                problems.addAll(grant(rest.schemaItself().grants().stream().filter(g -> !(g.grantee().equals("public")
                        && g.privileges().contains("CREATE"))).toList()));
            }
            problems.addAll(giveOwners(made));
            problems.addAll(runningAsTheRoleRestoring(made));
            // the revokes first: revoking a table's privilege revokes it on its columns too, which the grants give again (review)
            problems.addAll(revokeNotGranted(made, rest.grants()));
            problems.addAll(grant(rest.grants()));
            problems.addAll(grantByDefault(rest.defaultPrivileges()));
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
        return problems;
    }

    /**
     * The publications of the schema's tables (on Supabase, {@code supabase_realtime}: without its
     * tables, Realtime streams none of them). One the target lacks is made with the source's
     * options; then each table the source's published and the target's of the name does not is
     * added ({@code ONLY}: not the tables that inherit from it), with its column list and row
     * filter, unless the table's replica identity here would then refuse the application's UPDATE or
     * DELETE (a row filter naming a column outside it, a table without a key): PostgreSQL checks it
     * at every such statement, and {@code EXPLAIN} of one asks it without running it. An existing
     * publication's options are the target's own and left as they are. A publication of all tables
     * or of the whole schema is not made, nor the schema added to one (either needs a superuser, and
     * publishes tables no snapshot held): named, with the statement. Returns a sentence for each one
     * not made and each table not added.
     */
    private List<String> makePublications(List<SchemaObjects.Publication> publications) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (SchemaObjects.Publication p : publications) {
            boolean there = publicationThere(p.name());
            if (p.allTables() || p.wholeSchema()) {
                notWidened(p, there).ifPresent(problems::add);
                continue;
            }
            if (!there) {
                String failed = DefinedTable.attempt(c, createPublication(p));
                if (failed != null) {
                    problems.add("publication " + shown(p.name()) + " was not made: " + failed);
                    continue;
                }
            }
            if (publishesAll(p.name())) continue; // every table, or every table of the schema: these too
            for (SchemaObjects.PublishedTable t : p.tables()) {
                if (publishes(p.name(), t.table())) continue;
                String failed = DefinedTable.attempt(c, addTable(p, t), writesChecked(p.name(), t.table()));
                if (failed != null) problems.add("table " + shown(t.table()) + " was not added to publication " + shown(p.name()) + ": " + notAdded(t, failed));
            }
        }
        return problems;
    }

    private static String createPublication(SchemaObjects.Publication p) {
        return "CREATE PUBLICATION " + TableName.quote(p.name()) + " WITH (publish = " + DefinedTable.literal(p.publishing())
                + (p.viaRoot() ? ", publish_via_partition_root = true" : "") + ")";
    }

    /** {@code ALTER PUBLICATION … ADD TABLE ONLY} of the table, with its column list and row filter (ONLY: not the tables inheriting from it). */
    private static String addTable(SchemaObjects.Publication p, SchemaObjects.PublishedTable t) {
        return "ALTER PUBLICATION " + TableName.quote(p.name()) + " ADD TABLE ONLY " + TableName.quote(t.table())
                + (t.columns().isEmpty() ? "" : " (" + String.join(", ", t.columns().stream().map(TableName::quote).toList()) + ")")
                + (t.where() == null ? "" : " WHERE (" + t.where() + ")");
    }

    /** Why the table was not added: the server's reason, and where it is the table's replica identity, what to do. */
    private static String notAdded(SchemaObjects.PublishedTable t, String failed) {
        return SqlErrors.reasonAndDetail(failed) + (failed.contains("replica identity") ? " (the application's UPDATE or DELETE on it would then fail: ALTER"
                + " TABLE " + shown(t.table()) + " REPLICA IDENTITY … as in the source first)" : "");
    }

    /**
     * For a dry run: the tables the target has that a restore would not add to a publication, their
     * replica identity there refusing the application's writes once added (acceptance run 29: said
     * by the restore alone). Tried as the restore would, the publication made where missing, in a
     * savepoint always rolled back. A table the restore makes has the source's identity.
     */
    private List<String> publicationTablesRefused() throws SQLException {
        List<String> out = new ArrayList<>();
        for (SchemaObjects.Publication p : objects.publications()) {
            if (p.allTables() || p.wholeSchema()) continue;
            boolean there = publicationThere(p.name());
            if (there && publishesAll(p.name())) continue;
            for (SchemaObjects.PublishedTable t : p.tables()) {
                if (!exists("SELECT to_regclass(?) IS NOT NULL", TableName.quote(t.table())) || (there && publishes(p.name(), t.table()))) continue;
                java.sql.Savepoint before = c.setSavepoint();
                try (java.sql.Statement s = c.createStatement()) {
                    if (!there) s.execute(createPublication(p));
                    s.execute(addTable(p, t));
                    String check = writesChecked(p.name(), t.table());
                    if (check != null) s.execute(check);
                } catch (SQLException e) {
                    // another refusal (a role that may not) the restore says itself
                    if (String.valueOf(e.getMessage()).contains("replica identity")) {
                        out.add("table " + shown(t.table()) + " would not be added to publication " + shown(p.name()) + ": " + notAdded(t, e.getMessage()));
                    }
                } finally {
                    c.rollback(before);
                }
            }
        }
        return out;
    }

    /**
     * For a publication of all tables or of the whole schema: the sentence naming it where the
     * target's of the name (or none) does not publish as much, with the statement a superuser would run.
     */
    private java.util.Optional<String> notWidened(SchemaObjects.Publication p, boolean there) throws SQLException {
        if (there && publishesAll(p.name())) return java.util.Optional.empty();
        String name = TableName.quote(p.name());
        String of = p.allTables() ? "FOR ALL TABLES" : "FOR TABLES IN SCHEMA " + TableName.quote(schema);
        return java.util.Optional.of("publication " + shown(p.name()) + " publishes " + (p.allTables() ? "every table of the database" : "every table of schema "
                + shown(schema)) + " in the source; " + (there ? "the target's publishes some, and a restore does not widen one"
                : "the target has none of the name, and a restore does not make one") + " (a superuser's choice, which publishes tables no snapshot held): " + (there ? "ALTER PUBLICATION "
                + name + " ADD " + (p.allTables() ? "TABLE …" : "TABLES IN SCHEMA " + TableName.quote(schema)) : "CREATE PUBLICATION " + name + " " + of));
    }

    /**
     * For a dry run, what {@link #make} would leave unmade, found without making anything: the types
     * no column uses whose target type of the name is another (acceptance run 28: said by the
     * restore alone), and the publications it would not widen.
     */
    List<String> wouldNotMake() throws SQLException {
        String searchPath = withSchemaAlone();
        try {
            SchemaObjects.Types types = objects.typesNoColumnUses();
            Set<String> ofColumns = Set.copyOf(types.ofColumns());
            List<String> out = new ArrayList<>();
            TypesMaking.differing(c, types.enums(), types.composites(), types.ranges()).forEach((type, why) -> {
                if (!ofColumns.contains(type)) out.add("type " + type + " here is not the source's: " + why + "; the restore would leave it as it is");
            });
            out.addAll(publicationsNotWidened());
            out.addAll(publicationTablesRefused());
            return out;
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    /** The sentences {@link #make} would say of the publications of all tables or of the schema, for a dry run. */
    private List<String> publicationsNotWidened() throws SQLException {
        List<String> out = new ArrayList<>();
        for (SchemaObjects.Publication p : objects.publications()) {
            if (p.allTables() || p.wholeSchema()) notWidened(p, publicationThere(p.name())).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Statements that fail where the table, once in the publication, would refuse the application's
     * UPDATE or DELETE for its replica identity ({@code EXPLAIN}: checked, not run; null where the
     * publication publishes neither).
     */
    private String writesChecked(String publication, String table) throws SQLException {
        List<String> does = texts(c, "SELECT unnest(ARRAY[CASE WHEN pubupdate THEN 'update' END, CASE WHEN pubdelete THEN 'delete' END])"
                + " FROM pg_publication WHERE pubname = ?", publication);
        List<String> column = texts(c, "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                + " ORDER BY attnum LIMIT 1", TableName.quote(table));
        // DEFAULT: an identity or generated column takes no other (review); not ONLY: a partitioned table's partitions are checked each
        String relation = TableName.quote(table);
        StringBuilder sql = new StringBuilder();
        if (does.contains("update") && !column.isEmpty()) sql.append("EXPLAIN UPDATE ").append(relation).append(" SET ").append(column.get(0)).append(" = DEFAULT");
        if (does.contains("delete")) sql.append(sql.isEmpty() ? "" : "; ").append("EXPLAIN DELETE FROM ").append(relation);
        return sql.isEmpty() ? null : sql.toString();
    }

    private boolean publicationThere(String publication) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)", publication);
    }

    /** Whether the target's publication of the name publishes every table, or every table of the schema (PostgreSQL 15). */
    private boolean publishesAll(String publication) throws SQLException {
        String ofSchema = c.getMetaData().getDatabaseMajorVersion() >= 15 ? " OR EXISTS (SELECT 1 FROM pg_publication_namespace pn"
                + " WHERE pn.pnpubid = p.oid AND pn.pnnspid = to_regnamespace(?))" : " OR ? IS NULL";
        return exists("SELECT p.puballtables" + ofSchema + " FROM pg_publication p WHERE p.pubname = ?", TableName.quote(schema), publication);
    }

    /** Whether the target's publication of the name publishes the schema's table (as a table of its own). */
    private boolean publishes(String publication, String table) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = ?"
                + " AND r.prrelid = to_regclass(?))", publication, TableName.quote(table));
    }

    /**
     * Row-level security on where the source had it, on the owner too where it was forced (the
     * rows are in: the load met no policy). Where the target has it on already, it is left so.
     */
    private void rowSecurityAsInSource(String source, String target, List<String> problems) throws SQLException {
        if (exists("SELECT NOT relrowsecurity FROM pg_class WHERE oid = to_regclass(?)", target)) {
            String failed = DefinedTable.attempt(c, "ALTER TABLE " + target + " ENABLE ROW LEVEL SECURITY");
            if (failed != null) problems.add("row-level security is on for table " + shown(source) + " in the source, not here: " + failed);
        }
        if (objects.forcedRowSecurity().contains(source) && exists("SELECT NOT relforcerowsecurity FROM pg_class WHERE oid = to_regclass(?)", target)) {
            String failed = DefinedTable.attempt(c, "ALTER TABLE " + target + " FORCE ROW LEVEL SECURITY");
            if (failed != null) problems.add("row-level security binds the owner of table " + shown(source) + " in the source (FORCE), not here: " + failed);
        }
    }

    /**
     * The tables a migration's plan renamed, whose source had row-level security: on here too, and
     * without the policies (which name the old table), so closed to all but their owner rather than
     * open to whoever has a grant; one sentence names them.
     */
    List<String> closeRenamed(Map<String, TableName> renamed) throws SQLException {
        List<String> problems = new ArrayList<>(), closed = new ArrayList<>();
        for (Map.Entry<String, TableName> e : renamed.entrySet()) {
            if (!objects.rowSecurity().contains(e.getKey())) continue;
            rowSecurityAsInSource(e.getKey(), e.getValue().sql(), problems);
            closed.add(shown(e.getValue().name()) + " (" + shown(e.getKey()) + " in the source)");
        }
        if (!closed.isEmpty()) {
            problems.add("row-level security is on for " + String.join(", ", closed) + " as in the source, without the policies (they name the"
                    + " source's table): closed to all but the owner until policies are written for the new name");
        }
        return problems;
    }

    /**
     * The types no column uses that the target lacks, after the extensions whose types they are made
     * of; returns, with why, those not made or of another definition here.
     */
    private Map<String, String> makeTypes() throws SQLException {
        SchemaObjects.Types types = objects.typesNoColumnUses();
        if (types.isEmpty()) return Map.of();
        TypesMaking.createExtensions(c, types.extensions());
        return TypesMaking.make(c, types.enums(), types.domains(), types.composites(), types.ranges());
    }

    /** For a dry run's rehearsal, in its transaction: the schema and its collations, which the tables it makes name. */
    void rehearseCollations() throws SQLException {
        if (!exists("SELECT to_regnamespace(?) IS NOT NULL", TableName.quote(schema))) DefinedTable.attempt(c, "CREATE SCHEMA " + TableName.quote(schema));
        String searchPath = withSchemaAlone();
        try {
            makeCollations();
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    /** The schema's collations the target lacks, each named where it could not be made (an ICU locale this server lacks). */
    private List<String> makeCollations() throws SQLException {
        List<String> problems = new ArrayList<>();
        for (SchemaObjects.Collation k : objects.collations()) {
            if (collationThere(k.name())) continue;
            String failed = DefinedTable.attempt(c, k.definition());
            if (failed != null) problems.add("collation " + shown(k.name()) + " was not made: " + SqlErrors.reason(failed) + " (" + k.definition() + ")");
        }
        return problems;
    }

    private boolean collationThere(String name) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = ? AND collnamespace = to_regnamespace(?))", name, TableName.quote(schema));
    }

    /** The sequences the target lacks, each moved to where the source's stood. */
    private void makeSequences(Set<Made> made, List<String> problems) throws SQLException {
        for (Sequence q : objects.sequences()) {
            if (relationKind(q.name()) != null) continue;
            String ddl = "CREATE SEQUENCE " + TableName.quote(q.name()) + " AS " + q.type() + " INCREMENT BY " + q.increment() + " MINVALUE " + q.min()
                    + " MAXVALUE " + q.max() + " START WITH " + q.start() + " CACHE " + q.cache() + (q.cycle() ? " CYCLE" : " NO CYCLE");
            String failed = DefinedTable.attempt(c, ddl, q.lastValue() == null ? null
                    : "SELECT setval(" + DefinedTable.literal(TableName.quote(q.name())) + ", " + q.lastValue() + ", true)");
            if (failed != null) problems.add("sequence " + shown(q.name()) + " was not made: " + failed);
            else made.add(new Made("sequence", q.name(), null));
        }
    }

    /** The views to make (those the target lacks); one whose name the target gives another kind of relation is said, and named in {@code takenByAnother}. */
    private List<Pending> views(Set<String> takenByAnother, List<String> problems) throws SQLException {
        List<Pending> views = new ArrayList<>();
        for (View v : objects.views()) {
            String kind = relationKind(v.name());
            if (kind == null) {
                views.add(new Pending(new Made(v.materialized() ? "materialized view" : "view", v.name(), null), view(v), viewDefinition(v),
                        v.indexes().toArray(String[]::new)));
            }
            else if (!kind.equals(v.materialized() ? "m" : "v")) {
                problems.add(view(v) + " was not made: the target has a " + kindName(kind) + " of that name" + (objects.bindsTo(v.name())
                        ? "; its triggers, rules, comments and grants were not made either" : ""));
                takenByAnother.add(v.name());
            }
        }
        return views;
    }

    /** The triggers the target lacks, each enabled as in the source; a partition's copy of its parent's only set as the source's was. */
    private void makeTriggers(SchemaObjects rest, List<String> problems) throws SQLException {
        for (Trigger t : rest.triggers()) {
            if (t.definition() == null) { // made with its parent's trigger: its own state
                String sql = Catalog.enabledAs(TableName.quote(t.table()), false, "TRIGGER", t.name(), t.enabled());
                if (exists("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ? AND tgenabled::text <> ?)",
                        TableName.quote(t.table()), t.name(), t.enabled())) {
                    String failed = DefinedTable.attempt(c, sql);
                    if (failed != null) problems.add("trigger " + shown(t.name()) + " on " + shown(t.table()) + " was not set as in the source (" + t.enabled() + "): " + failed);
                }
                continue;
            }
            if (has(t)) continue;
            String failed = DefinedTable.attempt(c, t.definition(), enabling("TRIGGER", t.table(), t.name(), t.enabled()));
            if (failed != null) problems.add("trigger " + shown(t.name()) + " on " + shown(t.table()) + " was not made: " + failed);
        }
    }

    /** Sentences naming the objects {@link #make} would make, by kind ("views a, b"); empty when the target has them all. */
    List<String> missing() throws SQLException {
        String searchPath = withSchemaAlone();
        try {
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            for (SchemaObjects.Collation k : objects.collations()) {
                if (!collationThere(k.name())) byKind.computeIfAbsent("collations", x -> new ArrayList<>()).add(k.name());
            }
            for (String type : objects.typesNoColumnUses().names()) {
                if (!exists("SELECT to_regtype(?) IS NOT NULL", type)) byKind.computeIfAbsent("types", k -> new ArrayList<>()).add(type);
            }
            for (Function f : objects.functions()) {
                if (!routineExists(f.name(), f.arguments())) byKind.computeIfAbsent("routines", k -> new ArrayList<>()).add(f.name() + "(" + f.arguments() + ")");
            }
            Set<String> takenByAnother = new TreeSet<>(); // as make() finds them: what is bound to such a view is not made
            views(takenByAnother, new ArrayList<>()).forEach(v -> byKind.computeIfAbsent("views", k -> new ArrayList<>()).add(v.made().name()));
            SchemaObjects rest = objects.without(takenByAnother);
            for (Sequence q : rest.sequences()) if (relationKind(q.name()) == null) byKind.computeIfAbsent("sequences", k -> new ArrayList<>()).add(q.name());
            for (Trigger t : rest.triggers()) {
                if (t.definition() != null && !has(t)) {
                    byKind.computeIfAbsent("triggers", k -> new ArrayList<>()).add(t.name() + " on " + t.table());
                }
            }
            for (Rule r : rest.rules()) {
                if (!has(r)) {
                    byKind.computeIfAbsent("rules", k -> new ArrayList<>()).add(r.name() + " on " + r.table());
                }
            }
            for (Policy p : rest.policies()) {
                if (!has(p)) {
                    byKind.computeIfAbsent("policies", k -> new ArrayList<>()).add(p.name() + " on " + p.table());
                }
            }
            for (SchemaObjects.Publication p : rest.publications()) {
                if (p.allTables() || p.wholeSchema()) continue; // not made: publicationsNotWidened says so
                boolean there = publicationThere(p.name());
                if (there && publishesAll(p.name())) continue;
                List<String> lacking = new ArrayList<>();
                for (SchemaObjects.PublishedTable t : p.tables()) if (!there || !publishes(p.name(), t.table())) lacking.add(t.table());
                if (!there || !lacking.isEmpty()) {
                    byKind.computeIfAbsent("publications", k -> new ArrayList<>()).add(p.name() + (there ? "" : " (the publication too)")
                            + (lacking.isEmpty() ? "" : " of " + String.join(", ", lacking)));
                }
            }
            for (String lacking : schemaGrantsLacking()) byKind.computeIfAbsent("grants on the schema", k -> new ArrayList<>()).add(lacking);
            for (String lacking : defaultPrivilegesLacking()) { // rest holds the same default privileges
                byKind.computeIfAbsent("default privileges", k -> new ArrayList<>()).add(lacking);
            }
            List<String> out = new ArrayList<>();
            byKind.forEach((kind, names) -> out.add(kind + " " + String.join(", ", names)));
            return out;
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    /**
     * A table's policies. Where a restrictive one cannot be made, none is: the permissive ones alone
     * would let rows through that it holds back, and without any the table stays closed (but to its
     * owner). A permissive one that cannot be made only lets fewer through, and the others stay.
     */
    private List<String> makePolicies(List<Policy> ofTable) throws SQLException {
        java.sql.Savepoint before = c.setSavepoint();
        List<String> problems = new ArrayList<>();
        boolean restrictiveFailed = false;
        for (Policy p : ofTable) {
            String failed = DefinedTable.attempt(c, policyDefinition(p));
            if (failed == null) continue;
            problems.add("policy " + shown(p.name()) + " on " + shown(p.table()) + " was not made: " + failed);
            restrictiveFailed |= !p.permissive();
        }
        if (!restrictiveFailed) {
            c.releaseSavepoint(before);
            return problems;
        }
        c.rollback(before);
        List<String> made = ofTable.stream().map(Policy::name).toList();
        problems.add("no policy of table " + shown(ofTable.get(0).table()) + " was made (" + String.join(", ", made) + "): a restrictive one could not be,"
                + " and the others alone would let through rows it holds back; the table stays closed to all but its owner (under FORCE ROW LEVEL SECURITY to its owner too) until its policies are made");
        return problems;
    }

    /** A statement to make, of the object {@code made}, described as {@code what} for the sentence when it cannot be made. */
    private record Pending(Made made, String what, String first, String... then) {}

    /** An object made here, by its {@link Owner}'s kind, name and arguments. */
    record Made(String kind, String name, String arguments) {
        String sql() {
            String quoted = TableName.quote(name);
            return switch (kind) {
                case "routine" -> "ROUTINE " + quoted + "(" + arguments + ")";
                case "view" -> "VIEW " + quoted;
                case "materialized view" -> "MATERIALIZED VIEW " + quoted;
                case "sequence" -> "SEQUENCE " + quoted;
                case "schema" -> "SCHEMA " + quoted;
                default -> "TABLE " + quoted;
            };
        }

        String shownAs() {
            return kind + " " + shown(name) + (arguments == null ? "" : "(" + arguments + ")");
        }
    }

    private List<String> inRounds(List<Pending> pending, Set<Made> made) throws SQLException {
        List<String> lastErrors = new ArrayList<>();
        boolean madeOne = true;
        while (!pending.isEmpty() && madeOne) {
            madeOne = false;
            lastErrors.clear();
            for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                String failed = DefinedTable.attempt(c, p.first(), p.then());
                if (failed == null) {
                    it.remove();
                    made.add(p.made());
                    madeOne = true;
                } else {
                    lastErrors.add(p.what() + " was not made: " + failed);
                }
            }
        }
        return lastErrors;
    }

    /**
     * Grants the privileges the source granted, to roles the target has (a grant adds, never takes
     * away); those to roles it lacks are one sentence per role, not one per object (a Supabase
     * database grants to {@code anon} and {@code authenticated} on every table).
     */
    private List<String> grant(List<Grant> grants) throws SQLException {
        if (grants.isEmpty()) return List.of();
        Set<String> roles = roles();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> toMissingRoles = new LinkedHashMap<>();
        for (Grant g : grants) {
            String on = granted(g);
            String what = g.column() == null ? on : "COLUMN " + TableName.quote(g.name()) + "." + TableName.quote(g.column());
            if (!g.grantee().equals("public") && !roles.contains(g.grantee())) {
                toMissingRoles.computeIfAbsent(g.grantee(), k -> new ArrayList<>()).add(what);
                continue;
            }
            String privileges = g.column() == null ? String.join(", ", g.privileges())
                    : String.join(", ", g.privileges().stream().map(p -> p + " (" + TableName.quote(g.column()) + ")").toList());
            String failed = DefinedTable.attempt(c, "GRANT " + privileges + " ON " + on + " TO " + grantee(g.grantee()) + (g.grantable() ? " WITH GRANT OPTION" : ""));
            if (failed != null) problems.add("the grant of " + String.join(", ", g.privileges()) + " on " + what + " to " + g.grantee() + " was not made: " + failed);
        }
        toMissingRoles.forEach((role, on) -> problems.add("the privileges granted to role " + role + " on " + on.size() + (on.size() == 1 ? " object" : " objects")
                + " (" + String.join(", ", on.stream().limit(5).toList()) + (on.size() > 5 ? ", …" : "") + ") were not granted: the target has no role "
                + role + " (CREATE ROLE " + TableName.quote(role) + ", then GRANT them)"));
        return problems;
    }

    /**
     * Revokes on the tables, views and sequences the run made (partitions too) the privileges, and
     * the grant options, the source's did not grant (the sequences their columns own too): one made where the target has default privileges (a Supabase project's, to anon
     * and authenticated) took them when it was made, and a restore that only adds grants left it more
     * open than the source's (acceptance run 28). Only for the roles the source grants something to:
     * those it chose for each relation; a role it never names (a Supabase target's anon, the source a
     * database without it) keeps what the target's defaults give, as the target's own conventions
     * want. Not on a table the target had, nor on one the plan renamed ({@code made} names neither).
     * Returns a sentence for each revoke that failed.
     */
    private List<String> revokeNotGranted(Set<Made> made, List<Grant> granted) throws SQLException {
        Map<String, Boolean> sourceGrants = new java.util.HashMap<>(); // relation, grantee and privilege: whether grantable
        Set<String> rolesNamed = new java.util.HashSet<>(rolesGranted); // acceptance run 29: a part's own grants named fewer
        for (Grant g : granted) {
            rolesNamed.add(g.grantee());
            if (g.column() == null && !g.kind().equals("routine")) {
                for (String privilege : g.privileges()) sourceGrants.merge(g.name() + "\u0000" + g.grantee() + "\u0000" + privilege, g.grantable(), Boolean::logicalOr);
            }
        }
        List<String> problems = new ArrayList<>();
        // with the sequences the tables' columns own (serial, identity), which the target's default privileges reached too (acceptance run 29)
        Set<Made> relations = new java.util.LinkedHashSet<>(made);
        Set<String> tablesMade = made.stream().filter(m -> m.kind().equals("table")).map(Made::name).collect(java.util.stream.Collectors.toSet());
        for (String owned : sequencesOwnedBy(c, schema, tablesMade)) relations.add(new Made("sequence", owned, null));
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END, a.privilege_type,"
                + " a.is_grantable FROM pg_class r CROSS JOIN LATERAL aclexplode(r.relacl) a WHERE r.oid = to_regclass(?) AND a.grantee <> r.relowner ORDER BY 1, 2")) {
            for (Made m : relations) {
                if (!m.kind().equals("table") && !m.kind().equals("sequence") && !m.kind().equals("view") && !m.kind().equals("materialized view")) continue;
                ps.setString(1, TableName.quote(m.name()));
                Map<String, List<String>> extra = new LinkedHashMap<>(), optionOnly = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!rolesNamed.contains(rs.getString(1))) continue;
                        Boolean grantable = sourceGrants.get(m.name() + "\u0000" + rs.getString(1) + "\u0000" + rs.getString(2));
                        if (grantable == null) extra.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                        else if (!grantable && rs.getBoolean(3)) optionOnly.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
                String on = (m.kind().equals("sequence") ? "SEQUENCE " : "TABLE ") + TableName.quote(m.name());
                for (Map.Entry<String, List<String>> e : optionOnly.entrySet()) {
                    String failed = DefinedTable.attempt(c, "REVOKE GRANT OPTION FOR " + String.join(", ", e.getValue()) + " ON " + on + " FROM " + grantee(e.getKey()));
                    if (failed != null) {
                        problems.add(m.kind() + " " + shown(m.name()) + " lets " + e.getKey() + " grant " + String.join(", ", e.getValue()) + " on, which the"
                                + " source's did not; not revoked: " + failed);
                    }
                }
                for (Map.Entry<String, List<String>> e : extra.entrySet()) {
                    String failed = DefinedTable.attempt(c, "REVOKE " + String.join(", ", e.getValue()) + " ON " + on + " FROM " + grantee(e.getKey()));
                    if (failed != null) {
                        problems.add(m.kind() + " " + shown(m.name()) + " holds " + String.join(", ", e.getValue()) + " for " + e.getKey() + ", which the target's"
                                + " default privileges gave it when it was made and the source's did not grant; not revoked: " + failed);
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Gives each object made to the role that owned it in the source, where the role making it owns
     * it still (one another role owns now, given since by a person, or made again by the
     * application, is not this run's to give); those whose role the target lacks, or that could not
     * be given (the role making them may not act as that role), are one sentence per role and reason.
     */
    private List<String> giveOwners(Set<Made> made) throws SQLException {
        if (made.isEmpty()) return List.of();
        Set<String> roles = roles();
        String me = currentUser();
        Map<Made, Owner> owners = ownersOf(made);
        Map<Made, String> here = ownersHere();
        Map<String, List<String>> ofMissingRoles = new LinkedHashMap<>();
        Map<List<String>, List<String>> notGiven = new LinkedHashMap<>(); // role and reason, the objects
        Map<Made, String> toGive = new LinkedHashMap<>();
        for (Made m : made) {
            Owner owner = owners.get(m); // none in older snapshots
            if (owner == null || owner.role().equals(me) || !me.equals(here.get(m))) continue;
            if (roles.contains(owner.role())) toGive.put(m, "ALTER " + m.sql() + " OWNER TO " + TableName.quote(owner.role()));
            else ofMissingRoles.computeIfAbsent(owner.role(), k -> new ArrayList<>()).add(m.shownAs());
        }
        // all in one round trip; where one fails, each on its own, to name those that cannot be given
        if (!toGive.isEmpty() && DefinedTable.attempt(c, String.join(";\n", toGive.values())) != null) {
            for (Map.Entry<Made, String> e : toGive.entrySet()) {
                String failed = DefinedTable.attempt(c, e.getValue());
                if (failed != null) notGiven.computeIfAbsent(List.of(owners.get(e.getKey()).role(), failed), k -> new ArrayList<>()).add(e.getKey().shownAs());
            }
        }
        List<String> problems = new ArrayList<>();
        ofMissingRoles.forEach((role, of) -> problems.add(listed(of) + " owned by role " + role + " in the source " + (of.size() == 1 ? "is" : "are")
                + " owned by " + me + " here: the target has no role " + role + " (CREATE ROLE " + TableName.quote(role) + ", then ALTER … OWNER TO "
                + TableName.quote(role) + ")"));
        notGiven.forEach((roleAndReason, of) -> problems.add(listed(of) + " owned by role " + roleAndReason.get(0) + " in the source "
                + (of.size() == 1 ? "is" : "are") + " owned by " + me + " here, not given to " + roleAndReason.get(0) + ": " + roleAndReason.get(1)));
        return problems;
    }

    /** The source's owner of each object made that it names. */
    private Map<Made, Owner> ownersOf(java.util.Collection<Made> made) {
        Map<Made, Owner> out = new java.util.HashMap<>();
        Map<Made, Owner> all = new java.util.HashMap<>();
        for (Owner o : objects.owners()) all.put(new Made(o.kind(), o.name(), o.arguments()), o);
        if (objects.schemaItself() != null && objects.schemaItself().owner() != null) { // the source's schema is this one, whatever its name here
            all.put(new Made("schema", schema, null), new Owner("schema", schema, null, objects.schemaItself().owner(), null));
        }
        for (Made m : made) if (all.containsKey(m)) out.put(m, all.get(m));
        return out;
    }

    /**
     * A sentence naming the SECURITY DEFINER routines made that the role restoring owns, where the
     * source's owner was another role (or none is known and that role is a superuser): they run
     * with its privileges, whoever calls them.
     */
    private List<String> runningAsTheRoleRestoring(Set<Made> made) throws SQLException {
        String me = currentUser();
        boolean superuser = superuser();
        Map<Made, Owner> owners = ownersOf(made);
        Map<Made, String> definersHere = new java.util.HashMap<>(); // the schema's SECURITY DEFINER routines, their owners
        try (PreparedStatement ps = c.prepareStatement("SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_userbyid(p.proowner)::text"
                + " FROM pg_proc p WHERE p.pronamespace = to_regnamespace(?) AND p.prosecdef")) {
            ps.setString(1, TableName.quote(schema));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) definersHere.put(new Made("routine", rs.getString(1), rs.getString(2)), rs.getString(3));
            }
        }
        List<String> definers = new ArrayList<>();
        for (Made m : made) {
            if (!me.equals(definersHere.get(m))) continue;
            Owner owner = owners.get(m);
            if (owner == null ? superuser : !owner.role().equals(me)) definers.add(m.shownAs());
        }
        if (definers.isEmpty()) return List.of();
        return List.of(listed(definers) + (definers.size() == 1 ? " is" : " are") + " SECURITY DEFINER and owned by " + me + " here"
                + (superuser ? ", a superuser" : "") + ": whoever may call " + (definers.size() == 1 ? "it" : "them") + " runs " + (definers.size() == 1 ? "it" : "them")
                + " with " + me + "'s privileges; give " + (definers.size() == 1 ? "it" : "them") + " to a role of their own (ALTER ROUTINE … OWNER TO)");
    }

    /**
     * Sentences naming the roles the objects {@link #make} would make (and {@code tablesMade}) would not
     * go to, as their source's owner: roles the target lacks, or that the role making them cannot act as.
     */
    List<String> ownersNotGiven(Set<String> tablesMade, boolean schemaMade) throws SQLException {
        if (objects.owners().isEmpty() && objects.schemaItself() == null) return List.of();
        String searchPath = withSchemaAlone();
        try {
            Set<Made> made = new java.util.LinkedHashSet<>();
            if (schemaMade) made.add(new Made("schema", schema, null));
            for (Function f : objects.functions()) if (!routineExists(f.name(), f.arguments())) made.add(new Made("routine", f.name(), f.arguments()));
            views(new TreeSet<>(), new ArrayList<>()).forEach(v -> made.add(v.made()));
            for (Sequence q : objects.sequences()) if (relationKind(q.name()) == null) made.add(new Made("sequence", q.name(), null));
            for (String table : tablesMade) made.add(new Made("table", table, null));
            // what is made with them: partitions (at every level) and the sequences their defaults draw from, as the source had them
            for (boolean more = true; more; ) {
                more = false;
                for (Owner o : objects.owners()) {
                    if (o.of() != null && made.contains(new Made("table", o.of(), null))) more |= made.add(new Made(o.kind(), o.name(), null));
                }
            }
            Set<String> roles = roles();
            String me = currentUser();
            Map<String, List<String>> byRole = new LinkedHashMap<>();
            Map<Made, Owner> owners = ownersOf(made);
            Map<String, Boolean> mayGive = new java.util.HashMap<>(); // asked once a role: its objects come by the thousand
            for (Made m : made) {
                Owner owner = owners.get(m);
                if (owner == null || owner.role().equals(me)) continue;
                if (!mayGive.containsKey(owner.role())) mayGive.put(owner.role(), roles.contains(owner.role()) && mayActAs(owner.role()));
                if (!mayGive.get(owner.role())) byRole.computeIfAbsent(owner.role(), k -> new ArrayList<>()).add(m.shownAs());
            }
            List<String> out = new ArrayList<>();
            byRole.forEach((role, of) -> out.add(listed(of) + ", owned by role " + role + " in the source, would be owned by " + me + ": "
                    + (roles.contains(role) ? me + " cannot give objects to role " + role + " (a superuser can, or a member of it where it may create in schema "
                    + shown(schema) + ")" : "the target has no role " + role)));
            return out;
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    /**
     * The sequences a table's column defaults draw from that no column owns (a {@code DEFAULT
     * nextval('seq')} on a sequence made apart): made with the table, its owner's in the source.
     */
    private Map<String, List<String>> sequencesDrawnBy() throws SQLException {
        return pairs(c, "SELECT DISTINCT t.relname::text, s.relname::text FROM pg_attrdef a JOIN pg_class t ON t.oid = a.adrelid JOIN pg_depend d"
                + " ON d.classid = 'pg_attrdef'::regclass AND d.objid = a.oid AND d.refclassid = 'pg_class'::regclass JOIN pg_class s ON s.oid = d.refobjid"
                + " AND s.relkind = 'S' WHERE t.relnamespace = to_regnamespace(?) AND s.relnamespace = t.relnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend o"
                + " WHERE o.classid = 'pg_class'::regclass AND o.objid = s.oid AND o.deptype IN ('a', 'i')) ORDER BY 1, 2", TableName.quote(schema));
    }

    /** The roles owning the schema, its relations and routines in the target, in one query: objects by the thousand. */
    private Map<Made, String> ownersHere() throws SQLException {
        Map<Made, String> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'"
                + " ELSE 'table' END, c.relname::text, NULL::text, pg_get_userbyid(c.relowner)::text FROM pg_class c WHERE c.relnamespace = to_regnamespace(?)"
                + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S') UNION ALL SELECT 'routine', p.proname::text, pg_get_function_identity_arguments(p.oid),"
                + " pg_get_userbyid(p.proowner)::text FROM pg_proc p WHERE p.pronamespace = to_regnamespace(?) UNION ALL SELECT 'schema', n.nspname::text,"
                + " NULL, pg_get_userbyid(n.nspowner)::text FROM pg_namespace n WHERE n.oid = to_regnamespace(?)")) {
            for (int i = 1; i <= 3; i++) ps.setString(i, TableName.quote(schema));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(new Made(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4));
            }
        }
        return out;
    }

    /** The first column of a catalog query's rows, as text. */
    private static List<String> texts(Connection c, String sql, String... parameters) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) ps.setString(i + 1, parameters[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * The tables and, at every level, their partitions in the schema (what is bound to a partition
     * goes with its table), the schema's partitions read in one query.
     */
    static Set<String> withPartitions(Connection c, String schema, Set<String> tables) throws SQLException {
        Map<String, List<String>> partitions = pairs(c, "SELECT p.relname::text, k.relname::text FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid"
                + " JOIN pg_class p ON p.oid = i.inhparent WHERE k.relispartition AND k.relnamespace = to_regnamespace(?) AND p.relnamespace = k.relnamespace"
                + " ORDER BY 1, 2", TableName.quote(schema));
        Set<String> out = new java.util.TreeSet<>();
        java.util.Deque<String> next = new java.util.ArrayDeque<>(tables);
        while (!next.isEmpty()) {
            String table = next.pop();
            if (out.add(table)) next.addAll(partitions.getOrDefault(table, List.of()));
        }
        return out;
    }

    /** The sequences the tables' columns own (serial, identity), by name: made with their tables. */
    static Set<String> sequencesOwnedBy(Connection c, String schema, Set<String> tables) throws SQLException {
        Set<String> out = new java.util.TreeSet<>();
        for (List<String> owned : pairs(c, "SELECT t.relname::text, s.relname::text FROM pg_depend d JOIN pg_class s ON s.oid = d.objid JOIN pg_class t"
                + " ON t.oid = d.refobjid WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " AND s.relkind = 'S' AND t.relnamespace = to_regnamespace(?) AND s.relnamespace = t.relnamespace", TableName.quote(schema)).entrySet()
                .stream().filter(e -> tables.contains(e.getKey())).map(Map.Entry::getValue).toList()) {
            out.addAll(owned);
        }
        return out;
    }

    /** A catalog query's rows of two columns, the second's by the first's. */
    private static Map<String, List<String>> pairs(Connection c, String sql, String... parameters) throws SQLException {
        Map<String, List<String>> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) ps.setString(i + 1, parameters[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return out;
    }

    private Set<String> roles() throws SQLException {
        return new TreeSet<>(texts(c, "SELECT rolname::text FROM pg_roles"));
    }

    private String currentUser() throws SQLException {
        return texts(c, "SELECT current_user::text").get(0);
    }

    /**
     * Whether the role making the objects may give one to {@code role}: a superuser, or one that may
     * act as it (SET ROLE; from PostgreSQL 16 a membership may not allow it) where {@code role} may
     * create in the schema.
     */
    private boolean mayActAs(String role) throws SQLException {
        if (superuser()) return true;
        String option = c.getMetaData().getDatabaseMajorVersion() >= 16 ? "SET" : "MEMBER";
        if (!exists("SELECT pg_has_role(current_user, ?, '" + option + "')", role)) return false;
        if (exists("SELECT to_regnamespace(?) IS NOT NULL", TableName.quote(schema))) {
            return exists("SELECT has_schema_privilege(?, ?, 'CREATE')", role, TableName.quote(schema));
        }
        // a schema the run will make is given first, with the source's grants: may the role create in it then?
        SchemaObjects.SchemaItself to = objects.schemaItself();
        return to != null && (Stream.concat(to.grants().stream(), to.initial().stream())
                .anyMatch(g -> (g.grantee().equals(role) || g.grantee().equals("public")) && g.privileges().contains("CREATE"))
                || to.owner() != null && exists("SELECT pg_has_role(?, ?, 'MEMBER')", role, to.owner()));
    }

    /** Whether the role making the objects is a superuser (who may give anything to anyone). */
    private boolean superuser() throws SQLException {
        return exists("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    }

    /** Up to five objects by name, then how many more. */
    private static String listed(List<String> objects) {
        String first = String.join(", ", objects.stream().limit(5).toList());
        return objects.size() > 5 ? first + " and " + (objects.size() - 5) + " more" : first;
    }

    /**
     * Sets the schema's default privileges as the source had them (adding, never taking away);
     * those of or to a role the target lacks, or of a role the one restoring cannot act as, are
     * one sentence per role. Made last: they would add grants to the objects made after them.
     */
    private List<String> grantByDefault(List<DefaultPrivilege> privileges) throws SQLException {
        if (privileges.isEmpty()) return List.of();
        Set<String> roles = roles();
        Map<String, List<String>> ofMissingRoles = new LinkedHashMap<>();
        Map<String, List<String>> notSet = new LinkedHashMap<>(); // by the server's reason (a role the one restoring cannot act as: each of its)
        for (DefaultPrivilege d : privileges) {
            String what = String.join(", ", d.privileges()) + " on " + d.objects() + " " + d.role() + " makes, to " + d.grantee();
            String missing = !roles.contains(d.role()) ? d.role() : !d.grantee().equals("public") && !roles.contains(d.grantee()) ? d.grantee() : null;
            if (missing != null) {
                ofMissingRoles.computeIfAbsent(missing, k -> new ArrayList<>()).add(what);
                continue;
            }
            if (hasByDefault(d)) continue;
            String failed = DefinedTable.attempt(c, "ALTER DEFAULT PRIVILEGES FOR ROLE " + TableName.quote(d.role()) + " IN SCHEMA " + TableName.quote(schema)
                    + " GRANT " + String.join(", ", d.privileges()) + " ON " + d.objects().toUpperCase(java.util.Locale.ROOT) + " TO " + grantee(d.grantee())
                    + (d.grantable() ? " WITH GRANT OPTION" : ""));
            if (failed != null) notSet.computeIfAbsent(failed, k -> new ArrayList<>()).add(what);
        }
        List<String> problems = new ArrayList<>();
        notSet.forEach((reason, of) -> problems.add("the default privileges of schema " + shown(schema) + " (" + listed(of) + ") were not set: " + reason));
        ofMissingRoles.forEach((role, of) -> problems.add("the default privileges of schema " + shown(schema) + " naming role " + role + " ("
                + listed(of) + ") were not set: the target has no role " + role));
        return problems;
    }

    /** The source's grants on the schema the target's lacks, as "USAGE to anon". */
    List<String> schemaGrantsLacking() throws SQLException {
        if (objects.schemaItself() == null) return List.of();
        List<String> out = new ArrayList<>();
        for (Grant g : objects.schemaItself().grants()) {
            if (!aclGrants("pg_namespace n", "n.nspacl", "n.oid = to_regnamespace(?)", List.of(TableName.quote(schema)), g.grantee(), g.privileges(), g.grantable())) {
                out.add(String.join(", ", g.privileges()) + " to " + g.grantee() + (g.grantable() ? " with grant option" : ""));
            }
        }
        return out;
    }

    /** The default privileges of these objects the target's schema lacks, as "postgres's tables to anon". */
    List<String> defaultPrivilegesLacking() throws SQLException {
        List<String> out = new ArrayList<>();
        for (DefaultPrivilege d : objects.defaultPrivileges()) if (!hasByDefault(d)) out.add(d.role() + "'s " + d.objects() + " to " + d.grantee());
        return out;
    }

    /**
     * Sentences naming the default privileges {@link #make} could not set: those of a role the
     * target lacks, or one the role making them is neither a superuser nor a member of.
     */
    List<String> defaultPrivilegesNotSettable() throws SQLException {
        Set<String> roles = roles();
        Map<String, List<String>> byRole = new LinkedHashMap<>();
        for (DefaultPrivilege d : objects.defaultPrivileges()) {
            if (hasByDefault(d)) continue;
            boolean may = roles.contains(d.role()) && (superuser() || exists("SELECT pg_has_role(current_user, ?, 'MEMBER')", d.role()));
            if (!may) byRole.computeIfAbsent(d.role(), k -> new ArrayList<>()).add(String.join(", ", d.privileges()) + " on " + d.objects() + " to " + d.grantee());
        }
        String me = currentUser();
        List<String> out = new ArrayList<>();
        byRole.forEach((role, of) -> out.add("the default privileges of schema " + shown(schema) + " for what role " + role + " makes (" + listed(of)
                + ") would not be set: " + (roles.contains(role) ? me + " is neither a superuser nor a member of role " + role
                : "the target has no role " + role) + " (set default privileges for the roles that will make the tables instead)"));
        return out;
    }

    /** Whether the target's schema grants these privileges by default already (or more). */
    private boolean hasByDefault(DefaultPrivilege d) throws SQLException {
        String type = switch (d.objects()) {
            case "tables" -> "r";
            case "sequences" -> "S";
            case "functions" -> "f";
            default -> "T";
        };
        return aclGrants("pg_default_acl x", "x.defaclacl", "x.defaclrole = to_regrole(?) AND x.defaclnamespace = to_regnamespace(?) AND x.defaclobjtype = ?",
                List.of(TableName.quote(d.role()), TableName.quote(schema), type), d.grantee(), d.privileges(), d.grantable());
    }

    /**
     * Whether the access control list {@code acl} of the catalog rows {@code from} (those {@code
     * where}, with its parameters, selects) grants {@code grantee} ({@code public}: everyone) all of
     * {@code privileges}, with the grant option where {@code grantable}.
     */
    private boolean aclGrants(String from, String acl, String where, List<String> whereParameters, String grantee, List<String> privileges,
                              boolean grantable) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(DISTINCT a.privilege_type) FROM " + from + " CROSS JOIN LATERAL aclexplode(" + acl + ") a"
                + " WHERE " + where + " AND a.grantee = CASE WHEN ? = 'public' THEN 0::oid ELSE to_regrole(?)::oid END AND (a.is_grantable OR NOT ?)"
                + " AND a.privilege_type = ANY (?)")) {
            int i = 1;
            for (String parameter : whereParameters) ps.setString(i++, parameter);
            ps.setString(i++, grantee);
            ps.setString(i++, TableName.quote(grantee));
            ps.setBoolean(i++, grantable);
            ps.setArray(i, c.createArrayOf("text", privileges.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == privileges.size();
            }
        }
    }

    private String granted(Grant g) {
        return switch (g.kind()) {
            case "sequence" -> "SEQUENCE " + TableName.quote(g.name());
            case "routine" -> "ROUTINE " + TableName.quote(g.name()) + "(" + g.arguments() + ")";
            case "schema" -> "SCHEMA " + TableName.quote(schema); // the source's, made again as the target's
            default -> "TABLE " + TableName.quote(g.name());
        };
    }

    private static String grantee(String role) {
        return role.equals("public") ? "PUBLIC" : TableName.quote(role);
    }

    private static String routine(Function f) {
        return (f.procedure() ? "procedure " : "function ") + shown(f.name()) + "(" + f.arguments() + ")";
    }

    /** PostgreSQL lets anyone run a new routine: where the source did not, neither may the target's. */
    private static String revokeFromPublic(Function f) {
        return f.publicExecuteRevoked() ? "REVOKE EXECUTE ON ROUTINE " + TableName.quote(f.name()) + "(" + f.arguments() + ") FROM PUBLIC" : null;
    }

    private static String view(View v) {
        return (v.materialized() ? "materialized view " : "view ") + shown(v.name());
    }

    private static String viewDefinition(View v) {
        String with = v.options().isEmpty() ? "" : " WITH (" + String.join(", ", v.options()) + ")";
        String query = v.query().strip();
        if (query.endsWith(";")) query = query.substring(0, query.length() - 1);
        return v.materialized()
                ? "CREATE MATERIALIZED VIEW " + TableName.quote(v.name()) + with + " AS " + query + (v.unpopulated() ? " WITH NO DATA" : " WITH DATA")
                : "CREATE VIEW " + TableName.quote(v.name()) + with + " AS " + query;
    }

    /** A trigger or rule ({@code what}) the source kept from firing, or fired only on replicas or always, is set so again. */
    private static String enabling(String what, String table, String name, String enabled) {
        // one just made fires (O); on a partitioned table, the statement sets its partitions' copies alike
        return enabled == null || enabled.equals("O") ? null : Catalog.enabledAs(TableName.quote(table), false, what, name, enabled);
    }

    private static String policyDefinition(Policy p) {
        List<String> roles = p.roles().isEmpty() ? List.of("PUBLIC") : p.roles().stream().map(SchemaObjectsMaking::grantee).toList();
        return "CREATE POLICY " + TableName.quote(p.name()) + " ON " + TableName.quote(p.table()) + " AS " + (p.permissive() ? "PERMISSIVE" : "RESTRICTIVE")
                + " FOR " + p.command() + " TO " + String.join(", ", roles) + (p.using() == null ? "" : " USING (" + p.using() + ")")
                + (p.withCheck() == null ? "" : " WITH CHECK (" + p.withCheck() + ")");
    }

    private String commented(Comment m) {
        return switch (m.kind()) {
            case "column" -> "COLUMN " + TableName.quote(m.name()) + "." + TableName.quote(m.column());
            case "routine" -> "ROUTINE " + TableName.quote(m.name()) + "(" + m.arguments() + ")";
            case "view" -> "VIEW " + TableName.quote(m.name());
            case "materialized view" -> "MATERIALIZED VIEW " + TableName.quote(m.name());
            case "sequence" -> "SEQUENCE " + TableName.quote(m.name());
            case "index" -> "INDEX " + TableName.quote(m.name());
            case "constraint" -> "CONSTRAINT " + TableName.quote(m.name()) + " ON " + TableName.quote(m.on());
            case "domain constraint" -> "CONSTRAINT " + TableName.quote(m.name()) + " ON DOMAIN " + typeName(m.on());
            case "type" -> "TYPE " + typeName(m.name()); // a domain's too
            default -> "TABLE " + TableName.quote(m.name());
        };
    }

    private boolean hasComment(Comment m) throws SQLException {
        return switch (m.kind()) {
            case "column" -> exists("SELECT col_description(to_regclass(?), (SELECT attnum FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = ?))"
                    + " IS NOT NULL", TableName.quote(m.name()), TableName.quote(m.name()), m.column());
            case "routine" -> exists("SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid"
                    + " WHERE " + THE_ROUTINE + ")", TableName.quote(schema), m.name(), m.arguments());
            case "constraint" -> exists("SELECT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = to_regclass(?) AND k.conname = ?"
                    + " AND obj_description(k.oid, 'pg_constraint') IS NOT NULL)", TableName.quote(m.on()), m.name());
            case "type" -> exists("SELECT obj_description(to_regtype(?), 'pg_type') IS NOT NULL", typeName(m.name()));
            case "domain constraint" -> exists("SELECT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contypid = to_regtype(?) AND k.conname = ?"
                    + " AND obj_description(k.oid, 'pg_constraint') IS NOT NULL)", typeName(m.on()), m.name());
            default -> exists("SELECT obj_description(to_regclass(?), 'pg_class') IS NOT NULL", TableName.quote(m.name()));
        };
    }

    /** A type of the schema by its qualified name: bare, pg_catalog's of the name (point, money) would be found first. */
    private String typeName(String name) {
        return TableName.quote(schema) + "." + TableName.quote(name);
    }

    private boolean has(Trigger t) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ?)", TableName.quote(t.table()), t.name());
    }

    private boolean has(Rule r) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = to_regclass(?) AND rulename = ?)", TableName.quote(r.table()), r.name());
    }

    private boolean has(Policy p) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = to_regclass(?) AND polname = ?)", TableName.quote(p.table()), p.name());
    }

    /** A condition on {@code pg_proc p}: the routine of the schema, name and identity arguments its three parameters give (overloads share a name). */
    private static final String THE_ROUTINE = "p.pronamespace = to_regnamespace(?) AND p.proname = ? AND pg_get_function_identity_arguments(p.oid) = ?";

    private boolean routineExists(String name, String arguments) throws SQLException {
        return exists("SELECT EXISTS (SELECT 1 FROM pg_proc p WHERE " + THE_ROUTINE + ")", TableName.quote(schema), name, arguments);
    }

    /** The {@code relkind} of the relation of that name in the schema, or null when there is none. */
    private String relationKind(String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, TableName.quote(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String kindName(String relkind) {
        return switch (relkind) {
            case "r", "p" -> "table";
            case "v" -> "view";
            case "m" -> "materialized view";
            case "S" -> "sequence";
            default -> "relation";
        };
    }

    private boolean exists(String sql, String... parameters) throws SQLException {
        return DefinedTable.holds(c, sql, parameters);
    }

    /** Puts the schema alone on the path and turns function bodies' checks off, for the transaction; returns the path it replaced. */
    private String withSchemaAlone() throws SQLException {
        String before = Catalog.schemaAloneOnPath(c, schema);
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('check_function_bodies', 'off', true)")) {
            ps.execute();
        }
        return before;
    }
}
