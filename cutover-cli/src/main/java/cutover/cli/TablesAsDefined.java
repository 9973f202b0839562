package cutover.cli;

import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.connector.CopyTextSink;
import cutover.connector.CopyTextSource;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.NativeDefinition;
import cutover.plan.ColumnMapping;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;
import cutover.plan.PlanTypes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A migration's tables made as the source defines them, where the source gives its tables'
 * definitions and the target makes tables from them (PostgreSQL to PostgreSQL): the columns keep
 * their own types (a {@code uuid} stays a uuid, which a row-level security policy comparing it with
 * {@code auth.uid()} needs, and a foreign key to {@code auth.users}), defaults, sequences,
 * constraints and indexes, where a plan's portable types would make a uuid text and an integer bigint.
 *
 * <p>A table with a primary key is made so while its plan maps it as it is: keyed by the source's
 * key, each column from the source column of its name, of the type the source's values are read as,
 * with no transform or default; the generated plan gives such an entity those types and says so in
 * a note. An edited mapping (a column changed, added or left out) makes the table from the plan's
 * types instead, as any other target's.
 *
 * <p>A table without a primary key is keyed by a generated plan as documents are, by an {@code id}
 * column of the record's key, which for such a table is where the row is stored (PostgreSQL's
 * ctid): a column the application never had, whose values change when a row is updated. Here the
 * plan leaves it without a key (its columns named as the source's, as its rows come as the source's
 * own text) and the migration makes it as the source defined it and copies its rows whole into it
 * while it is new or empty, equal rows and all.
 */
final class TablesAsDefined {
    static final String MADE_AS_DEFINED = "made as the source defines it (its column types, defaults, constraints and indexes) while"
            + " each column below stays as it is; a column changed, added or left out makes it from the types below";

    private TablesAsDefined() {}

    /** Whether the source declares a column nullable; empty where it does not say. */
    @FunctionalInterface
    private interface Declared {
        Optional<Boolean> nullable(String column);
    }

    /**
     * The generated plan with every column of each source table (analysis sees only the columns
     * rows hold: none of an empty table) and, where both ends can, the source's tables made as the
     * source defines them, under their own names and with their own columns' names and types.
     */
    static Plan of(Plan plan, cutover.analyze.Schema analysis, Source source, Sink sink) {
        if (!(source instanceof CopyTextSource copying)) return plan;
        Map<EntityName, NativeDefinition> definitions = !(sink instanceof CopyTextSink) ? Map.of()
                : copying.definitions(plan.entities().stream().filter(e -> !e.skip()).map(e -> EntityName.of(e.source())).toList());
        List<EntityMapping> entities = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            EntityName name = EntityName.of(e.source());
            NativeDefinition definition = definitions.get(name);
            boolean defined = !e.skip() && definition != null && ((CopyTextSink) sink).makesAsDefined(definition);
            Optional<CopyShape> shape = e.skip() ? Optional.empty() : copying.copyShape(name);
            if (defined && source.keyedByPlace(name)) {
                List<ColumnMapping> asInSource = e.columns().stream().map(c -> c.from().size() != 1 ? c
                        : new ColumnMapping(c.from().get(0), c.from(), c.type(), c.nullable(), c.defaultValue(), c.transform(), c.onConflict(),
                                c.references(), c.arrays())).toList();
                entities.add(e.withColumns(asInSource).withKey(List.of(), "the source table has no primary key: copied whole, as the source"
                        + " defines it, into a new or empty table (no column added, equal rows kept)"));
            } else if (shape.isEmpty() || source.keyedByPlace(name)) {
                entities.add(e);
            } else {
                Optional<cutover.analyze.EntitySchema> analyzed = analysis.entity(name);
                Declared declared = column -> analyzed.flatMap(a -> a.declaresNullable(column));
                EntityMapping whole = everyColumn(e, shape.get(), source.keyColumns(name), column -> declared.nullable(column).orElse(true), defined);
                // typed as the source's columns are, not as the values analysis saw: a column of nulls only is no text
                entities.add(defined ? sourceTypes(whole, shape.get(), source, declared).map(typed -> typed.withNote(MADE_AS_DEFINED)).orElse(whole) : whole);
            }
        }
        return plan.withEntities(entities);
    }

    /**
     * The mapping with a column for each of the source table's columns, in the table's order: those
     * analysis saw as drafted, the others of the type the source's values are read as, nullable as
     * the source declares them ({@code nullable}). With {@code
     * sourceNames}, the table and its columns keep the source's names ({@code "Settings"."userId"}),
     * as a table the target makes as the source defines it must: its constraints, indexes and the
     * schema's policies and functions name them so.
     */
    private static EntityMapping everyColumn(EntityMapping e, CopyShape shape, List<String> sourceKey, java.util.function.Predicate<String> nullable,
                                             boolean sourceNames) {
        Map<String, ColumnMapping> drafted = new LinkedHashMap<>();
        for (ColumnMapping c : e.columns()) if (c.from().size() == 1) drafted.putIfAbsent(c.from().get(0), c);
        java.util.Set<String> taken = new java.util.HashSet<>(e.columns().stream().map(ColumnMapping::name).toList());
        Optional<CopyTextFormat> format = CopyTextFormat.named(shape.format());
        Map<String, String> names = new LinkedHashMap<>(); // the draft's column name → the mapping's
        List<ColumnMapping> columns = new ArrayList<>();
        Map<String, String> nameOfField = new LinkedHashMap<>();
        for (CopyColumn s : shape.columns()) {
            ColumnMapping c = drafted.remove(s.name());
            if (c == null) {
                ColumnType type = format.flatMap(f -> f.columnType(s.type())).orElse(ColumnType.TEXT);
                String name = sourceNames ? s.name() : cutover.plan.Names.unique(cutover.plan.Names.snake(s.name()), taken);
                c = new ColumnMapping(name, List.of(s.name()), PlanTypes.name(type), !sourceKey.contains(s.name()) && nullable.test(s.name()),
                        null, null, null, null, null);
            } else if (sourceNames && !c.name().equals(s.name())) {
                names.put(c.name(), s.name());
                c = new ColumnMapping(s.name(), c.from(), c.type(), c.nullable(), c.defaultValue(), c.transform(), c.onConflict(), c.references(), c.arrays());
            }
            nameOfField.put(s.name(), c.name());
            columns.add(c);
        }
        columns.addAll(drafted.values()); // a field the table's columns do not name: left for plan check to name
        List<String> key = sourceKey.stream().allMatch(nameOfField::containsKey) ? sourceKey.stream().map(nameOfField::get).toList()
                : e.key().stream().map(k -> names.getOrDefault(k, k)).toList();
        List<String> notes = e.notes().stream().map(n -> {
            int colon = n.indexOf(": ");
            return colon > 0 && names.containsKey(n.substring(0, colon)) ? names.get(n.substring(0, colon)) + n.substring(colon) : n;
        }).toList();
        String table = sourceNames ? EntityName.of(e.source()).leaf() : e.table();
        return new EntityMapping(e.source(), table, e.skip(), key, e.onConflict(), e.rowLevelSecurity(), e.foreignKeys(), columns, notes);
    }

    /**
     * The definitions of the plan's tables made as the source defines them, by table ({@code
     * byTable}): those without a key, which only a source that has tables without a key can give and
     * only a target that makes tables as defined can take, and those with a key that the plan maps
     * as they are. {@code fromPlanTypes} says, by table, why one the target lacks ({@code
     * target}'s tables), and could have made so, is made from the plan's types instead (its mapping
     * was edited).
     */
    record Definitions(Map<String, NativeDefinition> byTable, Map<String, String> fromPlanTypes) {}

    static Definitions find(Plan plan, Source source, Sink sink, cutover.connector.TargetInfo target) {
        List<EntityMapping> mapped = plan.entities().stream().filter(e -> !e.skip()).toList();
        Map<String, NativeDefinition> out = new LinkedHashMap<>();
        Map<String, String> fromPlanTypes = new LinkedHashMap<>();
        if (mapped.isEmpty()) return new Definitions(out, fromPlanTypes);
        Map<EntityName, NativeDefinition> found = source instanceof CopyTextSource copying
                ? copying.definitions(mapped.stream().map(e -> EntityName.of(e.source())).toList()) : Map.of();
        Map<EntityName, List<String>> nullableInSource = new java.util.HashMap<>(); // null where the source does not say
        if (!found.isEmpty()) source.entities().forEach(i -> nullableInSource.put(i.name(), i.nullableColumns()));
        for (EntityMapping e : mapped) {
            NativeDefinition definition = found.get(EntityName.of(e.source()));
            boolean takes = definition != null && sink instanceof CopyTextSink making && making.makesAsDefined(definition);
            if (!e.key().isEmpty()) {
                if (!takes) continue;
                CopyTextSource reading = (CopyTextSource) source;
                List<String> nullable = nullableInSource.get(EntityName.of(e.source()));
                Declared declared = column -> nullable == null ? Optional.empty() : Optional.of(nullable.contains(column));
                String whyNot = notAsItIs(e, reading.copyShape(EntityName.of(e.source())), reading, true, declared);
                if (whyNot == null) out.put(e.table(), definition);
                else if (!target.tables().containsKey(e.table())) fromPlanTypes.put(e.table(), "table " + e.table() + " is made from the plan's types, not as the source defines it (its column"
                        + " types, defaults, identity, constraints, indexes and foreign keys, and the foreign keys of other tables referring to"
                        + " it where its key's type then differs), and its triggers are not made (their functions may set what the edit"
                        + " changed): " + whyNot + "; a mapping as drafted keeps them");
                continue;
            }
            if (!takes || !source.keyedByPlace(EntityName.of(e.source()))) {
                throw new CutoverException(ErrorCode.PLAN_INVALID, "entity " + e.source() + " has no key in the plan: only a table that has"
                        + " no primary key in a PostgreSQL source can be copied whole, into PostgreSQL; give it a key (key: [...])");
            }
            out.put(e.table(), definition);
        }
        return new Definitions(out, fromPlanTypes);
    }

    /**
     * Why the mapping does not map the source's table as it is, so that the table cannot be made as
     * the source defines it, or null when it does: keyed as the source, every source column once,
     * under its own name, with no transform, default, reference or child table, nullable as the
     * source {@code declared} it (where it says) and ({@code typesToo}) of the type the source's
     * values are read as.
     */
    private static String notAsItIs(EntityMapping e, Optional<CopyShape> shape, Source source, boolean typesToo, Declared declared) {
        EntityName name = EntityName.of(e.source());
        if (shape.isEmpty()) return "the source gives its rows only as records";
        if (!e.keyPartColumns().isEmpty() || !e.key().equals(source.keyColumns(name))) {
            return "its key " + e.key() + " is not the source's primary key " + source.keyColumns(name);
        }
        Optional<CopyTextFormat> format = CopyTextFormat.named(shape.get().format());
        if (format.isEmpty()) return "the source's format " + shape.get().format() + " is unknown here";
        // every change is named, so that one edit at a time does not find the next
        List<String> changes = new ArrayList<>();
        for (ColumnMapping c : e.columns()) {
            Optional<CopyColumn> column = shape.get().columns().stream().filter(s -> s.name().equals(c.name())).findFirst();
            if (column.isEmpty()) {
                changes.add("column " + c.name() + " is not one of the source's columns " + shape.get().columnNames());
                continue;
            }
            if (!c.asItIs()) {
                changes.add("column " + c.name() + " is not the source's column as it is (a transform, default, reference or another field)");
                continue;
            }
            // the definition's NOT NULLs are the source's: a plan's other word would not come true
            Optional<Boolean> nullable = declared.nullable(column.get().name());
            if (nullable.isPresent() && nullable.get() != c.nullable()) {
                changes.add("column " + c.name() + " is nullable: " + c.nullable() + " where the source's is " + (nullable.get() ? "nullable" : "NOT NULL"));
            }
            Optional<ColumnType> type = format.get().columnType(column.get().type());
            if (type.isEmpty() || typesToo && PlanTypes.columnType(c.type()).filter(type.get()::equals).isEmpty()) {
                changes.add("column " + c.name() + " is " + c.type() + " where the source's is read as " + type.map(PlanTypes::name).orElse("another type"));
            }
        }
        List<String> missing = shape.get().columnNames().stream().filter(n -> e.column(n).isEmpty()).toList();
        if (!missing.isEmpty()) changes.add("the plan leaves out the source's columns " + missing);
        return changes.isEmpty() ? null : String.join("; ", changes);
    }

    /**
     * The mapping with each column of the type the source's values of it are read as, if it maps the
     * source's table as it is otherwise ({@link #notAsItIs}).
     */
    private static Optional<EntityMapping> sourceTypes(EntityMapping e, CopyShape shape, Source source, Declared declared) {
        if (notAsItIs(e, Optional.of(shape), source, false, declared) != null) return Optional.empty();
        CopyTextFormat format = CopyTextFormat.named(shape.format()).orElseThrow();
        List<ColumnMapping> typed = new ArrayList<>();
        java.util.Set<String> retyped = new java.util.HashSet<>();
        for (ColumnMapping c : e.columns()) {
            CopyColumn column = shape.columns().stream().filter(s -> s.name().equals(c.name())).findFirst().orElseThrow();
            String type = PlanTypes.name(format.columnType(column.type()).orElseThrow());
            if (!type.equals(c.type())) retyped.add(c.name());
            typed.add(new ColumnMapping(c.name(), c.from(), type, c.nullable(), null, null, c.onConflict(), null, c.arrays()));
        }
        // what analysis said of a retyped column's values (a conflict widened to text) is not what the column is now
        List<String> notes = e.notes().stream().filter(n -> n.indexOf(": ") <= 0 || !retyped.contains(n.substring(0, n.indexOf(": ")))).toList();
        return Optional.of(new EntityMapping(e.source(), e.table(), e.skip(), e.key(), e.onConflict(), e.rowLevelSecurity(), e.foreignKeys(), typed, notes));
    }
}
