package cutover.postgres;

import cutover.model.Column;
import cutover.model.Record;
import cutover.model.RowText;
import cutover.model.Table;

import java.util.List;
import java.util.Set;

/**
 * The columns of one table that take a record's source line as its own text ({@link RowText}): those
 * of the type the table's definition gives them, where the source wrote the line in PostgreSQL's
 * COPY text. A value there is written as the source wrote it, not decoded and encoded again: a
 * {@code json} document keeps its spaces and repeated keys, an {@code interval(2)[]} its arrays,
 * where the record path writes what the plan's types make of them. For one writer's thread.
 */
final class AsWrittenColumns {
    private final List<Column> columns;
    private final Set<String> taking;
    /** The last line layout seen (an entity's records share one) and, by the table's column index, its field there or -1. */
    private List<String> lineColumns;
    private int[] fieldOfColumn;

    AsWrittenColumns(Table table, Set<String> taking) {
        this.columns = table.columns();
        this.taking = taking;
    }

    /**
     * By the table's column index, the field of the record's line that holds the column's text, -1
     * where its value is encoded instead; null when the record carries no line this table takes.
     */
    int[] fields(Record row) {
        RowText text = row.asWritten();
        if (text == null || taking.isEmpty() || !PgCopyText.NAME.equals(text.format())) return null;
        if (text.columns() != lineColumns) {
            int[] fields = new int[columns.size()];
            for (int i = 0; i < fields.length; i++) {
                String name = columns.get(i).name();
                fields[i] = taking.contains(name) ? text.columns().indexOf(name) : -1;
            }
            lineColumns = text.columns();
            fieldOfColumn = fields;
        }
        return fieldOfColumn;
    }

    /**
     * Where each field of a COPY text line begins and ends, as pairs ({@code [2f]}, {@code [2f + 1]});
     * a tab in a value is written {@code \t}, so every tab byte ends a field.
     */
    static int[] bounds(byte[] line, int fieldCount) {
        int[] out = new int[2 * fieldCount];
        int field = 0, start = 0;
        for (int i = 0; i <= line.length && field < fieldCount; i++) {
            if (i == line.length || line[i] == '\t') {
                out[2 * field] = start;
                out[2 * field + 1] = i;
                field++;
                start = i + 1;
            }
        }
        if (field != fieldCount) throw new IllegalArgumentException("the source's line has " + field + " fields, its columns " + fieldCount);
        return out;
    }
}
