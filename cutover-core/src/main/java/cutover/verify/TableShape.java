package cutover.verify;

import java.util.List;

/** A table as one side of a comparison stores it: its primary key columns and its columns with their types. */
public record TableShape(String name, List<String> keyColumns, List<ColumnShape> columns) {
    public TableShape {
        keyColumns = List.copyOf(keyColumns);
        columns = List.copyOf(columns);
    }

    /** A column's name, its type as the database spells it ({@code bigint}, {@code text}, …), and whether it may hold NULL. */
    public record ColumnShape(String name, String type, boolean nullable) {
        public ColumnShape(String name, String type) { this(name, type, true); }
    }

    public java.util.Optional<ColumnShape> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<String> columnNames() { return columns.stream().map(ColumnShape::name).toList(); }
}
