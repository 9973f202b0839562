package cutover.connector;

import cutover.model.EntityName;

import java.util.List;

/**
 * What a source knows about one entity without reading it all: an estimated count and size (-1
 * when unknown) and, for tables, the primary key columns (empty for documents, keyed by path).
 */
public record EntityInfo(EntityName name, long estimatedCount, long estimatedBytes, List<String> keyColumns) {
    public EntityInfo {
        keyColumns = List.copyOf(keyColumns);
    }
}
