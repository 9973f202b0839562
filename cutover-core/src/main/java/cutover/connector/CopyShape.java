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
}
