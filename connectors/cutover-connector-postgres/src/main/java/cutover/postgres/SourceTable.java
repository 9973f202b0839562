package cutover.postgres;

import java.util.List;

/**
 * What a reader needs to know of a source table: its columns with their SQL types (as
 * {@code format_type} prints them, for casts), its primary key, the columns that may hold NULL,
 * estimates from the catalog, and its relation {@code oid} (a table made again under the name has another).
 */
record SourceTable(TableName name, List<String> columns, List<String> types, List<String> primaryKey,
                   List<String> nullableColumns, long estimatedRows, long estimatedBytes, String oid) {

    SourceTable {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        primaryKey = List.copyOf(primaryKey);
        nullableColumns = List.copyOf(nullableColumns);
    }

    String typeOf(String column) { return types.get(columns.indexOf(column)); }
}
