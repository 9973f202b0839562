package cutover.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.model.NativeDefinition;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a schema holds beside its tables' rows and definitions: its functions and procedures, views
 * and materialized views, the sequences no column uses, its tables' triggers, rules and row-level
 * security policies, comments, granted privileges, the owners of its relations and routines and the
 * privileges its objects are made with (default privileges), its collations, its types no column
 * uses and the publications of its tables. Read with the schema alone on the search path
 * ({@link SchemaObjectsReading}), so their SQL names the schema's objects bare and applies in
 * whichever schema they are made again ({@link SchemaObjectsMaking}). Stored in a backup's manifest
 * as {@link #FORMAT} (docs/backup-format.md, "Schema objects"); {@link #FIRST_FORMAT} held views and
 * sequences only. Objects an extension made are its own, and left out. {@code rowSecurity} names
 * the tables (partitions too) with row-level security on, {@code forcedRowSecurity} those where it
 * binds their owner too: a table's definition says so too, but a migration's plan makes its own
 * tables, and a partition's setting is no table definition's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SchemaObjects(List<Function> functions, List<View> views, List<Sequence> sequences, List<Trigger> triggers, List<Rule> rules,
                     List<String> rowSecurity, List<String> forcedRowSecurity, List<Policy> policies, List<Comment> comments, List<Grant> grants,
                     List<Owner> owners, List<DefaultPrivilege> defaultPrivileges, SchemaItself schemaItself, Types types,
                     List<Publication> publications, List<Collation> collations) {
    static final String FORMAT = "postgresql/schema/2";
    static final String FIRST_FORMAT = "postgresql/schema/1";
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    SchemaObjects {
        functions = listOf(functions);
        views = listOf(views);
        sequences = listOf(sequences);
        triggers = listOf(triggers);
        rules = listOf(rules);
        rowSecurity = listOf(rowSecurity);
        forcedRowSecurity = listOf(forcedRowSecurity);
        policies = listOf(policies);
        comments = listOf(comments);
        grants = listOf(grants);
        owners = listOf(owners); // absent before they were stored (2026-12-06), as default privileges
        defaultPrivileges = listOf(defaultPrivileges);
        types = types == null || types.isEmpty() ? null : types; // absent when none, and before they were stored (2026-12-07)
        publications = listOf(publications); // the same
        collations = listOf(collations); // the same
    }

    /**
     * A collation of the schema's own ({@code CREATE COLLATION}: a case-insensitive one for emails, as
     * {@code und-u-ks-level2} makes): made before the types and tables whose columns and attributes
     * name it. {@code provider} {@code icu} or {@code libc}; {@code locale} the ICU locale, {@code
     * lcCollate} and {@code lcCtype} libc's; {@code rules} ICU's tailoring rules (PostgreSQL 16).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Collation(String name, String provider, String locale, String lcCollate, String lcCtype, boolean deterministic, String rules) {
        /** {@code CREATE COLLATION} of it, named bare: made in the schema alone on the search path. */
        String definition() {
            StringBuilder ddl = new StringBuilder("CREATE COLLATION ").append(TableName.quote(name)).append(" (provider = ").append(provider);
            if (locale != null) ddl.append(", locale = ").append(DefinedTable.literal(locale));
            if (lcCollate != null) ddl.append(", lc_collate = ").append(DefinedTable.literal(lcCollate));
            if (lcCtype != null) ddl.append(", lc_ctype = ").append(DefinedTable.literal(lcCtype));
            if (rules != null) ddl.append(", rules = ").append(DefinedTable.literal(rules));
            if (!deterministic) ddl.append(", deterministic = false");
            return ddl.append(')').toString();
        }
    }

    /**
     * A publication (logical replication: on Supabase, {@code supabase_realtime} says which tables
     * Realtime streams) that publishes tables of the schema: the database's, not the schema's, but its
     * hold on the schema's tables is theirs, as a grant is. {@code publish} the operations it
     * publishes as {@code WITH (publish = …)} takes them, {@code viaRoot} its
     * {@code publish_via_partition_root}; {@code allTables} where it is {@code FOR ALL TABLES},
     * {@code wholeSchema} where it publishes the schema ({@code TABLES IN SCHEMA}, PostgreSQL 15);
     * else {@code tables}, each with its column list and row filter where it has them.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    record Publication(String name, String publish, boolean viaRoot, boolean allTables, boolean wholeSchema, List<PublishedTable> tables) {
        Publication {
            tables = listOf(tables);
        }

        /** The operations it publishes, as {@code WITH (publish = …)} takes them ("" for none: written absent). */
        String publishing() {
            return publish == null ? "" : publish;
        }

        /** Whether it publishes anything of the schema: of all tables, of the schema, or of some of its tables. */
        boolean publishesAny() {
            return allTables || wholeSchema || !tables.isEmpty();
        }

        /** The publication with only the tables {@code keep} takes. */
        Publication withTables(java.util.function.Predicate<String> keep) {
            return new Publication(name, publish, viaRoot, allTables, wholeSchema, tables.stream().filter(t -> keep.test(t.table())).toList());
        }
    }

    /** A table a {@link Publication} publishes: {@code columns} its column list (empty: every column), {@code where} its row filter as {@code pg_get_expr} prints it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record PublishedTable(String table, List<String> columns, String where) {
        PublishedTable {
            columns = listOf(columns);
        }
    }

    /**
     * The schema's enums, domains, composite and range types that no table's column uses, as a
     * table's definition holds those its columns use, with those of the schema they are made of
     * (a column's type among them too: {@code ofColumns} names those, which their tables' restore
     * names where the target's differ), each listed after those it is made of, and the extensions
     * whose types they are made of: a function or view may take one.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Types(List<TableDefinition.Extension> extensions, List<TableDefinition.EnumType> enums, List<TableDefinition.Domain> domains,
                 List<TableDefinition.CompositeType> composites, List<TableDefinition.RangeType> ranges, List<String> ofColumns) {
        static final Types NONE = new Types(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

        Types {
            extensions = listOf(extensions);
            enums = listOf(enums);
            domains = listOf(domains);
            composites = listOf(composites);
            ranges = listOf(ranges);
            ofColumns = listOf(ofColumns);
        }

        boolean isEmpty() {
            return enums.isEmpty() && domains.isEmpty() && composites.isEmpty() && ranges.isEmpty();
        }

        /** The types' names, enums first, each as the schema's definition names it. */
        List<String> names() {
            List<String> out = new java.util.ArrayList<>(enums.stream().map(TableDefinition.EnumType::name).toList());
            domains.forEach(d -> out.add(d.name()));
            composites.forEach(t -> out.add(t.name()));
            ranges.forEach(r -> out.add(r.name()));
            return out;
        }
    }

    /** The types no column uses, none where there are none. */
    Types typesNoColumnUses() {
        return types == null ? Types.NONE : types;
    }

    /**
     * A function or procedure: {@code arguments} as {@code pg_get_function_identity_arguments} prints
     * them (what tells overloads apart), {@code definition} the {@code CREATE OR REPLACE} statement
     * {@code pg_get_functiondef} prints, its own name without the schema; {@code publicExecuteRevoked}
     * where PUBLIC may not run it (PostgreSQL lets anyone run a new function).
     */
    record Function(String name, String arguments, boolean procedure, String definition, boolean publicExecuteRevoked) {}

    /**
     * A view: {@code query} as {@code pg_get_viewdef} prints it, {@code options} its reloptions
     * ({@code security_invoker=true}, {@code check_option=local}); a materialized one with the full
     * {@code CREATE INDEX} statements of its indexes, and {@code unpopulated} where it was made
     * {@code WITH NO DATA} and not refreshed since (made so again: filling it may be costly).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(String name, boolean materialized, String query, List<String> options, List<String> indexes, boolean unpopulated,
                List<String> reads) {
        View {
            options = listOf(options);
            indexes = listOf(indexes);
            reads = listOf(reads); // absent before it was stored (2026-12-06)
        }
    }

    /** A sequence no column uses; {@code lastValue} null when none was drawn or the backup's role could not read it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Sequence(String name, String type, long start, long increment, long min, long max, long cache, boolean cycle, Long lastValue) {}

    /**
     * A trigger of a table or view: {@code definition} as {@code pg_get_triggerdef} prints it,
     * {@code enabled} as {@code pg_trigger.tgenabled} holds it ({@code O} fires, {@code D} disabled,
     * {@code R} on replicas only, {@code A} always). A partition's copy of its parent's trigger that
     * is enabled otherwise than the parent's has no {@code definition}: only its state is set again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Trigger(String table, String name, String definition, String enabled) {}

    /** A rule of a table or view, as {@code pg_get_ruledef} prints it; {@code enabled} as {@code pg_rewrite.ev_enabled} holds it (as a trigger's). */
    record Rule(String table, String name, String definition, String enabled) {}

    /**
     * A row-level security policy: {@code command} ALL, SELECT, INSERT, UPDATE or DELETE; {@code roles}
     * by name, {@code public} for everyone; {@code using} and {@code withCheck} as {@code pg_get_expr}
     * prints them, null where the policy has none.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Policy(String table, String name, boolean permissive, String command, List<String> roles, String using, String withCheck) {
        Policy {
            roles = listOf(roles);
        }
    }

    /**
     * A comment on a relation ({@code kind} table, view, materialized view, sequence), on a column of
     * one ({@code kind} column, {@code name} the relation's), on an index or a table's constraint
     * ({@code kind} index or constraint, {@code on} its table), on a type or domain ({@code kind}
     * type) or a domain's constraint ({@code kind} domain constraint, {@code on} the domain), or on
     * a routine ({@code kind} routine, {@code arguments} its identity arguments).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Comment(String kind, String name, String arguments, String column, String text, String on) {
        /** The table or view it is bound to (a restore of that table makes it), or null: a routine's or type's is the schema's. */
        String table() {
            return switch (kind) {
                case "routine", "type", "domain constraint" -> null;
                case "index", "constraint" -> on;
                default -> name;
            };
        }
    }

    /**
     * Privileges granted to a role ({@code public} for everyone) other than the object's owner, on a
     * relation ({@code kind} table, also for views, or sequence), a column of one ({@code kind} column),
     * or a routine ({@code kind} routine); on the schema itself in {@link SchemaItself};
     * {@code grantable} where the grantee may grant them on.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Grant(String kind, String name, String arguments, String column, String grantee, List<String> privileges, boolean grantable) {
        Grant {
            privileges = listOf(privileges);
        }
    }

    /**
     * The role owning a relation ({@code kind} table, also for a partition, view, materialized view
     * or sequence) or a routine ({@code kind} routine, {@code arguments} its identity arguments); the
     * schema's own is in {@link SchemaItself}. {@code of}: the table it is made with, a partition's
     * parent or the table whose column default draws from a sequence; null for the others.
     * What decides whose privileges a SECURITY DEFINER function, a view and a policy's table run with.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Owner(String kind, String name, String arguments, String role, String of) {}

    /**
     * Privileges {@code role} grants on what it makes in the schema ({@code ALTER DEFAULT PRIVILEGES
     * FOR ROLE … IN SCHEMA …}): on {@code objects} (tables, sequences, functions or types) it makes
     * from then on, to {@code grantee} ({@code public} for everyone). A Supabase project grants so
     * to {@code anon} and {@code authenticated}: without them, a table the application makes after
     * a restore is closed to its users.
     */
    record DefaultPrivilege(String role, String objects, String grantee, List<String> privileges, boolean grantable) {
        DefaultPrivilege {
            privileges = listOf(privileges);
        }
    }

    /**
     * The schema's own owner and the privileges granted on it ({@code kind} schema), given to the
     * target's schema where a run makes it: made as the role restoring's, the owners of what is in
     * it could not reach it. {@code initial} those initdb made ({@code pg_init_privs}: public's
     * USAGE, and CREATE before PostgreSQL 15), made only on a schema the run makes: an existing
     * schema's are the target's. Held apart from the objects' owners and grants: a target of
     * another kind has nothing of them to make.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SchemaItself(String owner, List<Grant> grants, List<Grant> initial) {
        SchemaItself {
            grants = listOf(grants);
            initial = listOf(initial);
        }
    }

    boolean isEmpty() {
        return functions.isEmpty() && views.isEmpty() && sequences.isEmpty() && triggers.isEmpty() && rules.isEmpty() && rowSecurity.isEmpty()
                && forcedRowSecurity.isEmpty() && policies.isEmpty() && comments.isEmpty() && grants.isEmpty() && owners.isEmpty() && defaultPrivileges.isEmpty() && schemaItself == null
                && types == null && publications.isEmpty() && collations.isEmpty();
    }

    /** Whether a relation has a trigger, rule, policy, row-level security, a comment or grant: what one renamed or left out loses. */
    boolean bindsTo(String table) {
        return triggers.stream().anyMatch(t -> t.table().equals(table)) || rules.stream().anyMatch(r -> r.table().equals(table))
                || rowSecurity.contains(table) || policies.stream().anyMatch(p -> p.table().equals(table))
                || comments.stream().anyMatch(m -> table.equals(m.table()))
                || grants.stream().anyMatch(g -> onTable(g.kind()) && g.name().equals(table))
                || publications.stream().anyMatch(p -> p.tables().stream().anyMatch(t -> t.table().equals(table)));
    }

    /**
     * Of these objects, those bound to the given relations alone: their triggers, rules, row-level
     * security, policies, comments and grants; no function, view or sequence (a restore of part of a
     * snapshot makes the tables' own objects, not the schema's), nor default privileges. The owners
     * are all kept: those of the tables' partitions are among them, and only what is made is given
     * to its owner.
     */
    SchemaObjects onlyOn(Set<String> tables) {
        return new SchemaObjects(List.of(), List.of(), List.of(), triggers.stream().filter(t -> tables.contains(t.table())).toList(),
                rules.stream().filter(r -> tables.contains(r.table())).toList(), rowSecurity.stream().filter(tables::contains).toList(),
                forcedRowSecurity.stream().filter(tables::contains).toList(), policies.stream().filter(p -> tables.contains(p.table())).toList(),
                // not a type's: a type the application has is not the part's to comment (which types the tables made is not known here)
                comments.stream().filter(m -> m.table() != null && tables.contains(m.table())).toList(),
                grants.stream().filter(g -> onTable(g.kind()) && tables.contains(g.name())).toList(), owners, List.of(), schemaItself, null,
                // a publication of the whole schema or database is not the part's: its tables are in it wherever it is there
                publications.stream().map(p -> new Publication(p.name(), p.publish(), p.viaRoot(), false, false, p.tables()).withTables(tables::contains))
                        .filter(p -> !p.tables().isEmpty()).toList(), List.of());
    }

    /** These objects without those bound to the given relations (their triggers, rules, policies, comments and grants). */
    SchemaObjects without(Set<String> tables) {
        if (tables.isEmpty()) return this;
        return new SchemaObjects(functions, views, sequences, triggers.stream().filter(t -> !tables.contains(t.table())).toList(),
                rules.stream().filter(r -> !tables.contains(r.table())).toList(), rowSecurity.stream().filter(t -> !tables.contains(t)).toList(),
                forcedRowSecurity.stream().filter(t -> !tables.contains(t)).toList(), policies.stream().filter(p -> !tables.contains(p.table())).toList(),
                comments.stream().filter(m -> m.table() == null || !tables.contains(m.table())).toList(),
                grants.stream().filter(g -> !(onTable(g.kind()) && tables.contains(g.name()))).toList(),
                owners.stream().filter(o -> !(onTable(o.kind()) && tables.contains(o.name()))).toList(), defaultPrivileges, schemaItself, types,
                publications.stream().map(p -> p.withTables(t -> !tables.contains(t))).filter(Publication::publishesAny).toList(), collations);
    }

    /**
     * What a copy of the schema's tables but {@code leftOut} holds: these objects without those bound to
     * the tables left out, nor the views that read one of them (or such a view), nor those views' own
     * objects; a restore of the copy could make none of them.
     */
    SchemaObjects ofTablesBut(Set<String> leftOut) {
        if (leftOut.isEmpty()) return this;
        Set<String> gone = new java.util.HashSet<>(leftOut);
        for (boolean more = true; more; ) {
            more = false;
            for (View v : views) {
                if (!gone.contains(v.name()) && v.reads().stream().anyMatch(gone::contains)) more = gone.add(v.name());
            }
        }
        SchemaObjects bound = without(gone);
        return new SchemaObjects(functions, views.stream().filter(v -> !gone.contains(v.name())).toList(), sequences, bound.triggers, bound.rules,
                bound.rowSecurity, bound.forcedRowSecurity, bound.policies, bound.comments, bound.grants, bound.owners, defaultPrivileges, schemaItself, types,
                bound.publications, collations);
    }

    /** These objects without their owners: what is made stays the role's making it. */
    SchemaObjects withoutOwners() {
        return new SchemaObjects(functions, views, sequences, triggers, rules, rowSecurity, forcedRowSecurity, policies, comments, grants, List.of(),
                defaultPrivileges, schemaItself == null ? null : new SchemaItself(null, schemaItself.grants(), schemaItself.initial()), types, publications, collations);
    }

    /** These objects without the grants on the schema itself (a partial restore makes them only where it makes the schema). */
    SchemaObjects withoutSchemaGrants() {
        return schemaItself == null ? this : new SchemaObjects(functions, views, sequences, triggers, rules, rowSecurity, forcedRowSecurity, policies,
                comments, grants, owners, defaultPrivileges, new SchemaItself(schemaItself.owner(), List.of(), List.of()), types, publications, collations);
    }

    /** These objects without the schema's default privileges. */
    SchemaObjects withoutDefaultPrivileges() {
        return new SchemaObjects(functions, views, sequences, triggers, rules, rowSecurity, forcedRowSecurity, policies, comments, grants, owners, List.of(),
                schemaItself, types, publications, collations);
    }

    /** These objects without the triggers of the given tables. */
    SchemaObjects withoutTriggersOn(Set<String> tables) {
        return new SchemaObjects(functions, views, sequences, triggers.stream().filter(t -> !tables.contains(t.table())).toList(),
                rules, rowSecurity, forcedRowSecurity, policies, comments, grants, owners, defaultPrivileges, schemaItself, types, publications, collations);
    }

    NativeDefinition toNative() {
        return new NativeDefinition(FORMAT, JSON.valueToTree(this));
    }

    /** The objects of a definition in either format, or empty for another; one of the first format has views and sequences only. */
    static Optional<SchemaObjects> of(NativeDefinition d) {
        if (d == null || !(FORMAT.equals(d.format()) || FIRST_FORMAT.equals(d.format()))) return Optional.empty();
        try {
            return Optional.of(JSON.treeToValue(d.body(), SchemaObjects.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a schema's objects are not a " + d.format() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Whether the definition holds its tables' triggers, rules and policies (those of the first format did not). */
    static boolean holdsTableObjects(NativeDefinition d) {
        return d != null && FORMAT.equals(d.format());
    }

    /** Whether a grant or owner of this kind is on a relation or a column of one (its name the relation's), not on a routine. */
    private static boolean onTable(String kind) {
        return !"routine".equals(kind);
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
