package cutover.cli;

import cutover.connector.CopyTextSink;
import cutover.connector.CopyTextSource;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.NativeDefinition;
import cutover.plan.ColumnMapping;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A migration's tables without a primary key, copied whole. A generated plan keys an entity without
 * key columns as it keys documents, by an {@code id} column of the record's key, which for a table
 * without a primary key is where the row is stored (PostgreSQL's ctid): a column the application
 * never had, whose values change when a row is updated. Where the source gives such a table's
 * definition and the target makes tables as defined (PostgreSQL to PostgreSQL), the plan leaves it
 * without a key (its columns named as the source's, as its rows come as the source's own text) and
 * the migration makes it as the source defined it and copies its rows whole into it while it is
 * new or empty, equal rows and all.
 */
final class TablesCopiedWhole {
    private TablesCopiedWhole() {}

    /** The generated plan with the source's tables without a primary key left without one, where both ends can. */
    static Plan of(Plan plan, Source source, Sink sink) {
        if (!(source instanceof CopyTextSource copying) || !(sink instanceof CopyTextSink target)) return plan;
        List<EntityName> keyless = plan.entities().stream().filter(e -> !e.skip()).map(e -> EntityName.of(e.source()))
                .filter(source::keyedByPlace).toList();
        if (keyless.isEmpty()) return plan;
        Map<EntityName, NativeDefinition> definitions = copying.definitions(keyless);
        List<EntityMapping> entities = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            NativeDefinition definition = definitions.get(EntityName.of(e.source()));
            if (e.skip() || definition == null || !target.makesAsDefined(definition)) {
                entities.add(e);
                continue;
            }
            List<ColumnMapping> asInSource = e.columns().stream().map(c -> c.from().size() != 1 ? c
                    : new ColumnMapping(c.from().get(0), c.from(), c.type(), c.nullable(), c.defaultValue(), c.transform(), c.onConflict(),
                            c.references(), c.arrays())).toList();
            entities.add(e.withColumns(asInSource).withKey(List.of(), "the source table has no primary key: copied whole, as the source"
                    + " defines it, into a new or empty table (no column added, equal rows kept)"));
        }
        return plan.withEntities(entities);
    }

    /**
     * The definitions of the plan's tables without a key, by table, from the source: a migration makes
     * them as the source defined them. Only a source that has tables without a key can give them, and
     * only a target that makes tables as defined can take them.
     */
    static Map<String, NativeDefinition> definitions(Plan plan, Source source, Sink sink) {
        List<EntityMapping> keyless = plan.entities().stream().filter(e -> !e.skip() && e.key().isEmpty()).toList();
        Map<String, NativeDefinition> out = new LinkedHashMap<>();
        if (keyless.isEmpty()) return out;
        Map<EntityName, NativeDefinition> found = source instanceof CopyTextSource copying
                ? copying.definitions(keyless.stream().map(e -> EntityName.of(e.source())).toList()) : Map.of();
        for (EntityMapping e : keyless) {
            NativeDefinition definition = found.get(EntityName.of(e.source()));
            boolean takes = definition != null && sink instanceof CopyTextSink target && target.makesAsDefined(definition);
            if (!takes || !source.keyedByPlace(EntityName.of(e.source()))) {
                throw new CutoverException(ErrorCode.PLAN_INVALID, "entity " + e.source() + " has no key in the plan: only a table that has"
                        + " no primary key in a PostgreSQL source can be copied whole, into PostgreSQL; give it a key (key: [...])");
            }
            out.put(e.table(), definition);
        }
        return out;
    }
}
