package cutover.postgres;

import java.util.List;

/**
 * What a reader needs to know of a source table: its columns with their SQL types (as
 * {@code format_type} prints them, for casts), its primary key, the columns that may hold NULL,
 * estimates from the catalog, its relation {@code oid} (a table made again under the name has another),
 * and whether tables inherit from it ({@code INHERITS}, not partitions).
 */
record SourceTable(TableName name, List<String> columns, List<String> types, List<String> primaryKey,
                   List<String> nullableColumns, long estimatedRows, long estimatedBytes, String oid, boolean inheritedFrom) {

    SourceTable(TableName name, List<String> columns, List<String> types, List<String> primaryKey,
                List<String> nullableColumns, long estimatedRows, long estimatedBytes, String oid) {
        this(name, columns, types, primaryKey, nullableColumns, estimatedRows, estimatedBytes, oid, false);
    }

    SourceTable {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        primaryKey = List.copyOf(primaryKey);
        nullableColumns = List.copyOf(nullableColumns);
    }

    String typeOf(String column) { return types.get(columns.indexOf(column)); }

    /**
     * The table as a FROM clause names its own rows: {@code ONLY} where other tables inherit from it,
     * whose rows a plain FROM would read as its own (they are tables of their own, read as such);
     * never for a partitioned table, whose rows are all in its partitions.
     */
    String from() { return (inheritedFrom ? "ONLY " : "") + name.sql(); }
}
