package cutover.connector;

import cutover.model.EntityName;

import java.util.List;

/**
 * What a source knows about one entity without reading it all: an estimated count and size (-1
 * when unknown) and, for tables, the primary key columns (empty for documents, keyed by path) and
 * the columns its schema lets hold NULL ({@code nullableColumns}; null where the source declares
 * no schema, as documents do: then only the data tells).
 */
public record EntityInfo(EntityName name, long estimatedCount, long estimatedBytes, List<String> keyColumns, List<String> nullableColumns) {
    public EntityInfo {
        keyColumns = List.copyOf(keyColumns);
        nullableColumns = nullableColumns == null ? null : List.copyOf(nullableColumns);
    }

    /** An entity whose source declares no column nullability. */
    public EntityInfo(EntityName name, long estimatedCount, long estimatedBytes, List<String> keyColumns) {
        this(name, estimatedCount, estimatedBytes, keyColumns, null);
    }
}
