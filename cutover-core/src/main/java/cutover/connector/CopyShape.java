package cutover.connector;

import java.util.List;
import java.util.Objects;

/** How an entity's rows are laid out in a bulk text format: the format's name ({@link CopyTextFormat#name()}) and the columns of each line, in order. */
public record CopyShape(String format, List<CopyColumn> columns) {
    public CopyShape {
        Objects.requireNonNull(format, "format");
        columns = List.copyOf(columns);
    }

    public List<String> columnNames() { return columns.stream().map(CopyColumn::name).toList(); }

    // Written out: a record's own equals links through invokedynamic on its first call, 10-15 ms of a
    // scheduled backup's first incremental, which compares each table's shape with the earlier snapshot's.
    @Override
    public boolean equals(Object o) {
        return o instanceof CopyShape s && format.equals(s.format) && columns.equals(s.columns);
    }

    @Override
    public int hashCode() {
        return 31 * format.hashCode() + columns.hashCode();
    }
}
