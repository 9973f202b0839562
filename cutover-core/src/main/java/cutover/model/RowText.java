package cutover.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A row as its source database wrote it in its bulk text format (PostgreSQL's COPY text): the
 * format's name, the line's columns in order, and the line without its {@code \n}. A record read
 * from such a line carries it, so a target of the same kind can write the line's own text for each
 * value rather than the value decoded and encoded again (a {@code json} document's spaces and
 * repeated keys, an interval's precision). {@code columns} is shared by every row of an entity.
 */
public record RowText(String format, List<String> columns, byte[] line) {
    public RowText {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(line, "line");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowText t && format.equals(t.format) && columns.equals(t.columns) && Arrays.equals(line, t.line);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, columns, Arrays.hashCode(line));
    }

    @Override
    public String toString() {
        return format + " line of " + line.length + " bytes";
    }
}
