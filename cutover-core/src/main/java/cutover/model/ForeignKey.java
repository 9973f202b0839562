package cutover.model;

import java.util.List;

/** {@code columns} of one table refer to {@code referencedColumns} (its primary key) of {@code referencedTable}. */
public record ForeignKey(List<String> columns, String referencedTable, List<String> referencedColumns) {
    public ForeignKey {
        columns = List.copyOf(columns);
        referencedColumns = List.copyOf(referencedColumns);
        if (columns.size() != referencedColumns.size()) {
            throw new IllegalArgumentException("foreign key " + columns + " -> " + referencedTable + referencedColumns + ": column counts differ");
        }
    }
}
