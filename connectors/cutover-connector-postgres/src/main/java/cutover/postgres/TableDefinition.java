package cutover.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cutover.model.NativeDefinition;
import cutover.model.Table;

import java.util.List;
import java.util.Optional;

/**
 * A table as PostgreSQL defines it, beyond the columns and key a plan holds: each column's own type,
 * default, identity or generation; the extensions it uses; the sequences its columns draw from, with their last values; its
 * constraints and indexes as the server prints them; its row level security; and the names of what
 * a table's backup cannot bring back (triggers, policies and rules run functions and roles that live
 * outside the table), a partitioned table's partition key and partitions, and whether it is unlogged. The enum, domain,
 * composite and range types its columns use are in it, with the types those are made of. SQL in it is printed with the table's schema as the search path, so names in
 * that schema are bare and the definition applies in whichever schema the table is restored to.
 * Stored in a backup's manifest as {@link #FORMAT} (docs/backup-format.md, "Table definitions").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TableDefinition(String primaryKeyName, List<DefinedColumn> columns, List<Extension> extensions, List<EnumType> enums, List<DefinedSequence> sequences,
                       List<DefinedConstraint> constraints, List<DefinedIndex> indexes, boolean rowLevelSecurity,
                       boolean forceRowLevelSecurity, List<String> triggers, List<String> policies, List<String> rules,
                       String partitionKey, List<Partition> partitions, boolean unlogged, List<Domain> domains, List<CompositeType> composites,
                       List<RangeType> ranges, String replicaIdentity) {
    static final String FORMAT = "postgresql/table/1";

    TableDefinition(String primaryKeyName, List<DefinedColumn> columns, List<Extension> extensions, List<EnumType> enums, List<DefinedSequence> sequences,
                    List<DefinedConstraint> constraints, List<DefinedIndex> indexes, boolean rowLevelSecurity,
                    boolean forceRowLevelSecurity, List<String> triggers, List<String> policies, List<String> rules,
                    String partitionKey, List<Partition> partitions, boolean unlogged, List<Domain> domains, List<CompositeType> composites,
                    List<RangeType> ranges) {
        this(primaryKeyName, columns, extensions, enums, sequences, constraints, indexes, rowLevelSecurity, forceRowLevelSecurity, triggers,
                policies, rules, partitionKey, partitions, unlogged, domains, composites, ranges, null);
    }

    TableDefinition(String primaryKeyName, List<DefinedColumn> columns, List<Extension> extensions, List<EnumType> enums, List<DefinedSequence> sequences,
                    List<DefinedConstraint> constraints, List<DefinedIndex> indexes, boolean rowLevelSecurity,
                    boolean forceRowLevelSecurity, List<String> triggers, List<String> policies, List<String> rules,
                    String partitionKey, List<Partition> partitions, boolean unlogged, List<Domain> domains, List<CompositeType> composites) {
        this(primaryKeyName, columns, extensions, enums, sequences, constraints, indexes, rowLevelSecurity, forceRowLevelSecurity, triggers,
                policies, rules, partitionKey, partitions, unlogged, domains, composites, List.of());
    }

    TableDefinition(String primaryKeyName, List<DefinedColumn> columns, List<Extension> extensions, List<EnumType> enums, List<DefinedSequence> sequences,
                    List<DefinedConstraint> constraints, List<DefinedIndex> indexes, boolean rowLevelSecurity,
                    boolean forceRowLevelSecurity, List<String> triggers, List<String> policies, List<String> rules,
                    String partitionKey, List<Partition> partitions, boolean unlogged, List<Domain> domains) {
        this(primaryKeyName, columns, extensions, enums, sequences, constraints, indexes, rowLevelSecurity, forceRowLevelSecurity, triggers,
                policies, rules, partitionKey, partitions, unlogged, domains, List.of());
    }

    TableDefinition(String primaryKeyName, List<DefinedColumn> columns, List<Extension> extensions, List<EnumType> enums, List<DefinedSequence> sequences,
                    List<DefinedConstraint> constraints, List<DefinedIndex> indexes, boolean rowLevelSecurity,
                    boolean forceRowLevelSecurity, List<String> triggers, List<String> policies, List<String> rules,
                    String partitionKey, List<Partition> partitions, boolean unlogged) {
        this(primaryKeyName, columns, extensions, enums, sequences, constraints, indexes, rowLevelSecurity, forceRowLevelSecurity, triggers,
                policies, rules, partitionKey, partitions, unlogged, List.of());
    }

    TableDefinition(String primaryKeyName, List<DefinedColumn> columns, List<Extension> extensions, List<EnumType> enums, List<DefinedSequence> sequences,
                    List<DefinedConstraint> constraints, List<DefinedIndex> indexes, boolean rowLevelSecurity,
                    boolean forceRowLevelSecurity, List<String> triggers, List<String> policies, List<String> rules,
                    String partitionKey, List<Partition> partitions) {
        this(primaryKeyName, columns, extensions, enums, sequences, constraints, indexes, rowLevelSecurity, forceRowLevelSecurity, triggers,
                policies, rules, partitionKey, partitions, false);
    }
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    TableDefinition {
        columns = List.copyOf(columns);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        enums = List.copyOf(enums);
        sequences = List.copyOf(sequences);
        constraints = List.copyOf(constraints);
        indexes = List.copyOf(indexes);
        triggers = List.copyOf(triggers);
        policies = List.copyOf(policies);
        rules = List.copyOf(rules);
        partitions = partitions == null ? List.of() : List.copyOf(partitions); // absent before they were stored
        domains = domains == null ? List.of() : List.copyOf(domains); // absent before they were stored, and when none
        composites = composites == null ? List.of() : List.copyOf(composites); // the same
        ranges = ranges == null ? List.of() : List.copyOf(ranges); // the same
    }

    /**
     * A column: {@code type} as {@code format_type} prints it ({@code character varying(40)}); {@code
     * defaultExpression} as {@code pg_get_expr}; {@code identity} {@code always} or {@code by default};
     * {@code generated} the expression of a stored generated column; {@code collation} the column's
     * own where it is not its type's ({@code "C"}, schema-qualified where the table's schema does not
     * see it), absent before collations were stored.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DefinedColumn(String name, String type, boolean notNull, String defaultExpression, String identity, String generated, String collation) {
        DefinedColumn(String name, String type, boolean notNull, String defaultExpression, String identity, String generated) {
            this(name, type, notNull, defaultExpression, identity, generated, null);
        }
    }

    /** An extension whose types, operator classes or functions the table uses, and the schema it was installed in. */
    record Extension(String name, String schema) {}

    /**
     * A domain a column's values are of (or the elements of an array column): its base type as {@code
     * format_type} prints it, its default, NOT NULL and its check constraints ({@code definition} as
     * {@code pg_get_constraintdef} prints it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Domain(String name, String baseType, boolean notNull, String defaultExpression, List<DefinedConstraint> constraints) {
        Domain { constraints = constraints == null ? List.of() : List.copyOf(constraints); }
    }

    /**
     * A composite type a column's values are of (or the elements of an array column, or an attribute
     * of another composite or a domain's base, in turn): its attributes in order, each {@code type}
     * as {@code format_type} prints it.
     */
    record CompositeType(String name, List<Attribute> attributes) {
        CompositeType { attributes = List.copyOf(attributes); }
    }

    /**
     * A range type a column's values are of (or the elements of an array column): its subtype as
     * {@code format_type} prints it; the subtype's operator class and the collation where they are
     * not the subtype's defaults, the canonical and subtype difference functions where it has them
     * (as {@code regproc} prints them), each null otherwise; {@code multirange} its multirange
     * type's name where {@code MULTIRANGE_TYPE_NAME} gave it another than PostgreSQL derives (absent
     * before 2026-12-07, and where it is the derived one).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RangeType(String name, String subtype, String subtypeOpclass, String collation, String canonical, String subtypeDiff, String multirange) {
        RangeType(String name, String subtype, String subtypeOpclass, String collation, String canonical, String subtypeDiff) {
            this(name, subtype, subtypeOpclass, collation, canonical, subtypeDiff, null);
        }
    }

    /**
     * An attribute of a {@link CompositeType}; {@code collation} its own where it is not its type's,
     * named as a column's (absent before 2026-12-07).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Attribute(String name, String type, String collation) {
        Attribute(String name, String type) {
            this(name, type, null);
        }
    }

    /** An enum type a column's values are of (or the elements of an array column), with its labels in order. */
    record EnumType(String name, List<String> labels) {
        EnumType { labels = List.copyOf(labels); }
    }

    /**
     * A sequence a column draws from: {@code use} is {@code identity} (the column's identity), {@code
     * owned} (a serial column's, dropped with it) or {@code default} (named in the column's default
     * only, possibly shared). {@code lastValue} is null when no value was drawn yet or the backup's
     * role could not read it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DefinedSequence(String name, String column, String use, String type, long start, long increment, long min, long max,
                           long cache, boolean cycle, Long lastValue) {
        static final String IDENTITY = "identity";
        static final String OWNED = "owned";
        static final String DEFAULT = "default";
    }

    /** A check, unique, exclusion or foreign key constraint: {@code definition} as {@code pg_get_constraintdef} prints it. */
    record DefinedConstraint(String name, String kind, String definition) {
        static final String FOREIGN_KEY = "foreign key";

        boolean foreignKey() { return FOREIGN_KEY.equals(kind); }
    }

    /**
     * An index that backs no constraint: {@code definition} is what follows the table's name in
     * {@code pg_get_indexdef} ({@code USING btree (lower(title)) WHERE …}).
     */
    record DefinedIndex(String name, boolean unique, String definition) {}

    /**
     * A partition of a partitioned table, or of one of its partitions ({@code parent}): {@code bound}
     * as {@code pg_get_expr} prints it ({@code FOR VALUES FROM (…) TO (…)}, {@code DEFAULT}), its
     * own {@code partitionKey} when it is partitioned in turn, and the constraints and indexes made
     * on it alone (those made on a parent reach it from there). Listed parents first.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Partition(String name, String parent, String bound, String partitionKey, List<DefinedConstraint> constraints, List<DefinedIndex> indexes,
                     String replicaIdentity) {
        Partition(String name, String parent, String bound, String partitionKey, List<DefinedConstraint> constraints, List<DefinedIndex> indexes) {
            this(name, parent, bound, partitionKey, constraints, indexes, null);
        }

        Partition {
            constraints = constraints == null ? List.of() : List.copyOf(constraints); // absent before they were stored, and when none
            indexes = indexes == null ? List.of() : List.copyOf(indexes);
        }
    }

    Optional<DefinedColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * As a tree, built field by field: a backup writes one every run, and binding the records through
     * Jackson's introspection cost a cold process 80-200 ms (read back, {@link #of} binds them).
     */
    NativeDefinition toNative() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        putIfPresent(o, "primaryKeyName", primaryKeyName);
        ArrayNode cols = o.putArray("columns");
        for (DefinedColumn c : columns) {
            ObjectNode n = cols.addObject().put("name", c.name()).put("type", c.type()).put("notNull", c.notNull());
            putIfPresent(n, "defaultExpression", c.defaultExpression());
            putIfPresent(n, "identity", c.identity());
            putIfPresent(n, "generated", c.generated());
            putIfPresent(n, "collation", c.collation());
        }
        ArrayNode ext = o.putArray("extensions");
        for (Extension e : extensions) ext.addObject().put("name", e.name()).put("schema", e.schema());
        ArrayNode en = o.putArray("enums");
        for (EnumType e : enums) strings(en.addObject().put("name", e.name()), "labels", e.labels());
        ArrayNode seqs = o.putArray("sequences");
        for (DefinedSequence q : sequences) {
            ObjectNode n = seqs.addObject().put("name", q.name()).put("column", q.column()).put("use", q.use()).put("type", q.type())
                    .put("start", q.start()).put("increment", q.increment()).put("min", q.min()).put("max", q.max()).put("cache", q.cache())
                    .put("cycle", q.cycle());
            if (q.lastValue() != null) n.put("lastValue", q.lastValue());
        }
        putConstraints(o, constraints);
        putIndexes(o, indexes);
        o.put("rowLevelSecurity", rowLevelSecurity).put("forceRowLevelSecurity", forceRowLevelSecurity);
        strings(o, "triggers", triggers);
        strings(o, "policies", policies);
        strings(o, "rules", rules);
        putIfPresent(o, "partitionKey", partitionKey);
        if (unlogged) o.put("unlogged", true); // absent, false: as before it was stored
        if (!domains.isEmpty()) {
            ArrayNode doms = o.putArray("domains");
            for (Domain d : domains) {
                ObjectNode n = doms.addObject().put("name", d.name()).put("baseType", d.baseType()).put("notNull", d.notNull());
                putIfPresent(n, "defaultExpression", d.defaultExpression());
                putConstraints(n, d.constraints());
            }
        }
        if (!composites.isEmpty()) { // absent when none: as before they were stored
            ArrayNode comps = o.putArray("composites");
            for (CompositeType t : composites) {
                ArrayNode attributes = comps.addObject().put("name", t.name()).putArray("attributes");
                for (Attribute a : t.attributes()) putIfPresent(attributes.addObject().put("name", a.name()).put("type", a.type()), "collation", a.collation());
            }
        }
        if (!ranges.isEmpty()) { // absent when none: as before they were stored
            ArrayNode rs = o.putArray("ranges");
            for (RangeType r : ranges) {
                ObjectNode n = rs.addObject().put("name", r.name()).put("subtype", r.subtype());
                putIfPresent(n, "subtypeOpclass", r.subtypeOpclass());
                putIfPresent(n, "collation", r.collation());
                putIfPresent(n, "canonical", r.canonical());
                putIfPresent(n, "subtypeDiff", r.subtypeDiff());
                putIfPresent(n, "multirange", r.multirange());
            }
        }
        putIfPresent(o, "replicaIdentity", replicaIdentity); // absent: the default, as before it was stored
        if (!partitions.isEmpty()) {
            ArrayNode parts = o.putArray("partitions");
            for (Partition p : partitions) {
                ObjectNode n = parts.addObject().put("name", p.name()).put("parent", p.parent()).put("bound", p.bound());
                putIfPresent(n, "partitionKey", p.partitionKey());
                if (!p.constraints().isEmpty()) putConstraints(n, p.constraints());
                if (!p.indexes().isEmpty()) putIndexes(n, p.indexes());
                putIfPresent(n, "replicaIdentity", p.replicaIdentity()); // each partition's own: a row is logged by its partition's
            }
        }
        return new NativeDefinition(FORMAT, o);
    }

    private static void putConstraints(ObjectNode o, List<DefinedConstraint> constraints) {
        ArrayNode cons = o.putArray("constraints");
        for (DefinedConstraint k : constraints) cons.addObject().put("name", k.name()).put("kind", k.kind()).put("definition", k.definition());
    }

    private static void putIndexes(ObjectNode o, List<DefinedIndex> indexes) {
        ArrayNode idx = o.putArray("indexes");
        for (DefinedIndex i : indexes) idx.addObject().put("name", i.name()).put("unique", i.unique()).put("definition", i.definition());
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) o.put(field, value);
    }

    private static ObjectNode strings(ObjectNode o, String field, List<String> values) {
        ArrayNode a = o.putArray(field);
        values.forEach(a::add);
        return o;
    }

    /** The PostgreSQL definition the table carries, if it carries one in this format. */
    static Optional<TableDefinition> of(Table table) {
        return of(table.name(), table.definition());
    }

    /** The PostgreSQL definition of table {@code name}, if {@code d} is one in this format. */
    static Optional<TableDefinition> of(String name, NativeDefinition d) {
        if (d == null || !FORMAT.equals(d.format())) return Optional.empty();
        try {
            return Optional.of(JSON.treeToValue(d.body(), TableDefinition.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the definition of table " + name + " is not a " + FORMAT + ": " + e.getOriginalMessage(), e);
        }
    }
}
