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

    /** Writes a record's line, or that it has none, for {@link #readFrom} (a spool of records). */
    public static void writeTo(java.io.DataOutput out, RowText text) throws java.io.IOException {
        out.writeBoolean(text != null);
        if (text == null) return;
        out.writeUTF(text.format);
        out.writeInt(text.columns.size());
        for (String column : text.columns) out.writeUTF(column);
        out.writeInt(text.line.length);
        out.write(text.line);
    }

    /**
     * A line {@link #writeTo} wrote, or null where it wrote none; its columns are {@code columns}
     * where equal (the rows of an entity share one list), otherwise a list of their own.
     */
    public static RowText readFrom(java.io.DataInputStream in, List<String> columns) throws java.io.IOException {
        if (!in.readBoolean()) return null;
        String format = in.readUTF();
        List<String> read = new java.util.ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) read.add(in.readUTF());
        byte[] line = new byte[in.readInt()];
        in.readFully(line); // a file cut short fails here, not as a shorter line
        return new RowText(format, read.equals(columns) ? columns : List.copyOf(read), line);
    }
}
