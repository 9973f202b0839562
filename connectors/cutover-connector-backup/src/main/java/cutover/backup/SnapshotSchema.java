package cutover.backup;

import cutover.analyze.EntitySchema;
import cutover.analyze.FieldStats;
import cutover.analyze.Schema;
import cutover.model.EntityName;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a restore's plan needs of a snapshot, taken from its manifest instead of an analyze pass over
 * every record: per entity its count, key columns, unreadable count and, per field, how many records
 * had it and which value kinds how often (manifest version 2's {@code kindCounts}). The plan is the
 * one analyze would give, since plan generation uses nothing else for these entities.
 *
 * <p>A table's columns are nullable as its source's schema declared them ({@code nullableColumns}),
 * not only where a row held NULL, where the manifest says.
 *
 * <p>Empty when the manifest cannot tell: a version-1 manifest (kinds without counts), or a field
 * holding references, whose foreign keys need to know which documents they point to. The restore
 * then analyzes the snapshot as before.
 */
final class SnapshotSchema {
    private SnapshotSchema() {}

    static Optional<Schema> of(Snapshot snapshot, String sourceName) {
        List<EntitySchema> entities = new ArrayList<>();
        for (EntitySnapshot e : snapshot.entities()) {
            if (e.kindCounts() == null) return Optional.empty();
            List<FieldStats> fields = new ArrayList<>();
            for (Map.Entry<String, Map<String, Long>> f : e.kindCounts().entrySet()) {
                Map<Value.Kind, Long> kinds = new EnumMap<>(Value.Kind.class);
                f.getValue().forEach((kind, n) -> kinds.put(Value.Kind.valueOf(kind), n));
                if (kinds.containsKey(Value.Kind.REFERENCE)) return Optional.empty();
                long present = kinds.values().stream().mapToLong(Long::longValue).sum();
                fields.add(new FieldStats(List.of(f.getKey()), present, kinds, 0, 0, 0, 0, List.of(), List.of()));
            }
            if (e.copyText() != null) {
                // a table's columns are its own, whether or not a row holds a value in them (an empty table holds none):
                // one no row shows is nullable, of no kind seen (its definition, where the sink reads one, has its type)
                java.util.Set<String> seen = new java.util.HashSet<>(e.kindCounts().keySet());
                for (cutover.connector.CopyColumn c : e.copyText().columns()) {
                    if (seen.add(c.name())) {
                        fields.add(new FieldStats(List.of(c.name()), 0, Map.of(Value.Kind.NULL, 1L), 0, 0, 0, 0, List.of(), List.of()));
                    }
                }
            }
            entities.add(new EntitySchema(e.entityName(), e.records(), e.bytes(), e.keyColumns(), children(snapshot, e.entityName()),
                    e.unreadable(), fields, e.nullableColumns()));
        }
        return Optional.of(new Schema(sourceName, entities));
    }

    private static List<EntityName> children(Snapshot snapshot, EntityName parent) {
        return snapshot.entities().stream().map(EntitySnapshot::entityName)
                .filter(n -> n.parent().map(parent::equals).orElse(false)).toList();
    }
}
