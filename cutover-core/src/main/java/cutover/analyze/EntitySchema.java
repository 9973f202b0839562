package cutover.analyze;

import cutover.model.EntityName;

import java.util.List;
import java.util.Optional;

/**
 * One collection or table: how many records, their total encoded size, the key columns (empty for
 * documents keyed by path), the subcollections found under its documents, how many records could
 * not be read, and the statistics of every field path, top-level fields first.
 */
public record EntitySchema(EntityName name, long count, long totalBytes, List<String> keyColumns,
                           List<EntityName> subcollections, long unreadable, List<FieldStats> fields) {
    public EntitySchema {
        keyColumns = List.copyOf(keyColumns);
        subcollections = List.copyOf(subcollections);
        fields = List.copyOf(fields);
    }

    public Optional<FieldStats> field(List<String> path) {
        return fields.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** The top-level fields only (nested map paths are reported but not columns by default). */
    public List<FieldStats> topLevelFields() {
        return fields.stream().filter(f -> f.path().size() == 1).toList();
    }
}
