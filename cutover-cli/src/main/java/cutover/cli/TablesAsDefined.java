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

    /** The generated plan with the source's tables made as the source defines them, where both ends can. */
    static Plan of(Plan plan, Source source, Sink sink) {
        if (!(source instanceof CopyTextSource copying) || !(sink instanceof CopyTextSink target)) return plan;
        Map<EntityName, NativeDefinition> definitions = copying.definitions(plan.entities().stream().filter(e -> !e.skip())
                .map(e -> EntityName.of(e.source())).toList());
        List<EntityMapping> entities = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            EntityName name = EntityName.of(e.source());
            NativeDefinition definition = definitions.get(name);
            if (e.skip() || definition == null || !target.makesAsDefined(definition)) {
                entities.add(e);
            } else if (source.keyedByPlace(name)) {
                List<ColumnMapping> asInSource = e.columns().stream().map(c -> c.from().size() != 1 ? c
                        : new ColumnMapping(c.from().get(0), c.from(), c.type(), c.nullable(), c.defaultValue(), c.transform(), c.onConflict(),
                                c.references(), c.arrays())).toList();
                entities.add(e.withColumns(asInSource).withKey(List.of(), "the source table has no primary key: copied whole, as the source"
                        + " defines it, into a new or empty table (no column added, equal rows kept)"));
            } else {
                // typed as the source's columns are, not as the values analysis saw: a column of nulls only is no text
                entities.add(sourceTypes(e, copying, true).map(typed -> typed.withNote(MADE_AS_DEFINED)).orElse(e));
            }
        }
        return plan.withEntities(entities);
    }

    /**
     * The definitions of the plan's tables made as the source defines them, by table: those without
     * a key, which only a source that has tables without a key can give and only a target that makes
     * tables as defined can take, and those with a key that the plan maps as they are.
     */
    static Map<String, NativeDefinition> definitions(Plan plan, Source source, Sink sink) {
        List<EntityMapping> mapped = plan.entities().stream().filter(e -> !e.skip()).toList();
        Map<String, NativeDefinition> out = new LinkedHashMap<>();
        if (mapped.isEmpty()) return out;
        Map<EntityName, NativeDefinition> found = source instanceof CopyTextSource copying
                ? copying.definitions(mapped.stream().map(e -> EntityName.of(e.source())).toList()) : Map.of();
        for (EntityMapping e : mapped) {
            NativeDefinition definition = found.get(EntityName.of(e.source()));
            boolean takes = definition != null && sink instanceof CopyTextSink target && target.makesAsDefined(definition);
            if (!e.key().isEmpty()) {
                if (takes && sourceTypes(e, (CopyTextSource) source, false).isPresent()) out.put(e.table(), definition);
                continue;
            }
            if (!takes || !source.keyedByPlace(EntityName.of(e.source()))) {
                throw new CutoverException(ErrorCode.PLAN_INVALID, "entity " + e.source() + " has no key in the plan: only a table that has"
                        + " no primary key in a PostgreSQL source can be copied whole, into PostgreSQL; give it a key (key: [...])");
            }
            out.put(e.table(), definition);
        }
        return out;
    }

    /**
     * The mapping with each column of the type the source's values of it are read as, if it maps the
     * source's table as it is: keyed as the source, every source column once, under its own name,
     * with no transform, default, reference or child table. With {@code retype} off, only a mapping
     * whose columns already have those types.
     */
    private static Optional<EntityMapping> sourceTypes(EntityMapping e, CopyTextSource source, boolean retype) {
        EntityName name = EntityName.of(e.source());
        Optional<CopyShape> shape = source.copyShape(name);
        if (shape.isEmpty() || !e.keyPartColumns().isEmpty() || !e.key().equals(source.keyColumns(name))) return Optional.empty();
        Optional<CopyTextFormat> format = CopyTextFormat.named(shape.get().format());
        if (format.isEmpty() || shape.get().columns().size() != e.columns().size()) return Optional.empty();
        List<ColumnMapping> typed = new ArrayList<>();
        for (ColumnMapping c : e.columns()) {
            Optional<CopyColumn> column = shape.get().columns().stream().filter(s -> s.name().equals(c.name())).findFirst();
            if (column.isEmpty() || !c.asItIs()) return Optional.empty();
            Optional<ColumnType> type = format.get().columnType(column.get().type());
            if (type.isEmpty() || !retype && PlanTypes.columnType(c.type()).filter(type.get()::equals).isEmpty()) return Optional.empty();
            typed.add(new ColumnMapping(c.name(), c.from(), PlanTypes.name(type.get()), c.nullable(), null, null, c.onConflict(), null, c.arrays()));
        }
        return Optional.of(e.withColumns(typed));
    }
}
