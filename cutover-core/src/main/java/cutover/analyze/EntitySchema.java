package cutover.analyze;

import cutover.model.EntityName;

import java.util.List;
import java.util.Optional;

/**
 * One collection or table: how many records, their total encoded size, the key columns (empty for
 * documents keyed by path), the subcollections found under its documents, how many records could
 * not be read, the statistics of every field path, top-level fields first, and the columns the
 * source's schema lets hold NULL ({@code declaredNullable}; null where the source declares none).
 */
public record EntitySchema(EntityName name, long count, long totalBytes, List<String> keyColumns,
                           List<EntityName> subcollections, long unreadable, List<FieldStats> fields, List<String> declaredNullable) {
    public EntitySchema {
        keyColumns = List.copyOf(keyColumns);
        subcollections = List.copyOf(subcollections);
        fields = List.copyOf(fields);
        declaredNullable = declaredNullable == null ? null : List.copyOf(declaredNullable);
    }

    /** An entity whose source declares no column nullability (documents). */
    public EntitySchema(EntityName name, long count, long totalBytes, List<String> keyColumns,
                        List<EntityName> subcollections, long unreadable, List<FieldStats> fields) {
        this(name, count, totalBytes, keyColumns, subcollections, unreadable, fields, null);
    }

    /** Whether the source's schema lets the top-level field hold NULL: unknown (empty) where it declares none. */
    public Optional<Boolean> declaresNullable(String column) {
        return declaredNullable == null ? Optional.empty() : Optional.of(declaredNullable.contains(column));
    }

    public Optional<FieldStats> field(List<String> path) {
        return fields.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** The top-level fields only (nested map paths are reported but not columns by default). */
    public List<FieldStats> topLevelFields() {
        return fields.stream().filter(f -> f.path().size() == 1).toList();
    }
}
