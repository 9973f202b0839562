package cutover.postgres;

import java.util.List;

/**
 * What a reader needs to know of a source table: its columns with their SQL types (as
 * {@code format_type} prints them, for casts), its primary key, the columns that may hold NULL,
 * estimates from the catalog, its relation {@code oid} (a table made again under the name has another),
 * whether tables inherit from it ({@code INHERITS}, not partitions) and whether it is partitioned, and
 * {@code rowsLayout}, what its rows read as beyond their bytes ({@link RowsLayout}).
 */
record SourceTable(TableName name, List<String> columns, List<String> types, List<String> primaryKey,
                   List<String> nullableColumns, long estimatedRows, long estimatedBytes, String oid, boolean inheritedFrom,
                   boolean partitioned, String rowsLayout) {

    SourceTable(TableName name, List<String> columns, List<String> types, List<String> primaryKey,
                List<String> nullableColumns, long estimatedRows, long estimatedBytes, String oid) {
        this(name, columns, types, primaryKey, nullableColumns, estimatedRows, estimatedBytes, oid, false, false, null);
    }

    SourceTable {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        primaryKey = List.copyOf(primaryKey);
        nullableColumns = List.copyOf(nullableColumns);
    }

    String typeOf(String column) { return types.get(columns.indexOf(column)); }

    /**
     * The columns the rows are read in order of and resumed after: the primary key; where there is
     * none, where each row is stored: its ctid, and first the partition holding it in a partitioned
     * table (a ctid names a place in one partition, and each partition has a row at {@code (0,1)}).
     */
    List<String> readOrder() {
        if (!primaryKey.isEmpty()) return primaryKey;
        return partitioned ? List.of("tableoid", "ctid") : List.of("ctid");
    }

    /** Whether the table's rows are keyed by where they are stored: it has no primary key. */
    boolean keyedByPlace() { return primaryKey.isEmpty(); }

    /**
     * The table as a FROM clause names its own rows: {@code ONLY} where other tables inherit from it,
     * whose rows a plain FROM would read as its own (they are tables of their own, read as such);
     * never for a partitioned table, whose rows are all in its partitions.
     */
    String from() { return (inheritedFrom ? "ONLY " : "") + name.sql(); }
}
