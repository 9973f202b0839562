package cutover.verify;

import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Fields;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A table as a streamed comparison sees it: which columns make a row's key, which columns are
 * compared, and how each is normalized. Built from a plan's table (named columns and types), or for
 * two endpoints compared as they are ({@link #asStored}): every field of each record, by name, keyed
 * by the record's own key. A table without a key (a plan's table with none, or records keyed by their
 * place, {@link #asStoredByContent}) is keyed by its rows' content: equal rows are one key, held as
 * many times as each side has it.
 */
public record ComparedTable(String name, List<String> keyColumns, List<String> columns, List<ColumnType> types) {
    public ComparedTable {
        keyColumns = keyColumns == null ? null : List.copyOf(keyColumns);
        columns = columns == null ? null : List.copyOf(columns);
        types = types == null ? null : List.copyOf(types);
    }

    public static ComparedTable of(Table table) {
        List<String> columns = table.columns().stream().map(Column::name).toList();
        return new ComparedTable(table.name(), table.primaryKey().isEmpty() ? columns : table.primaryKey(), columns,
                table.columns().stream().map(Column::type).toList());
    }

    /** Records compared field by field as they are, keyed by their own keys: no plan, no normalization. */
    public static ComparedTable asStored(String name) {
        return new ComparedTable(name, null, null, null);
    }

    /** Records compared field by field as they are, keyed by their content: their own keys are their places, which copies do not share. */
    public static ComparedTable asStoredByContent(String name) {
        return new ComparedTable(name, List.of(), null, null);
    }

    /** The positions of the key columns among the compared columns (-1 for one not compared), or null when compared as stored. */
    int[] keyPositions() {
        if (columns == null) return null;
        int[] at = new int[keyColumns.size()];
        for (int i = 0; i < at.length; i++) at[i] = columns.indexOf(keyColumns.get(i));
        return at;
    }

    /**
     * The compared columns' values of a row, normalized, in column order; null where the row lacks
     * the field. A mapped row holds its columns in the table's order, so each is found at once.
     */
    Value[] values(Record row, ComparableValues normalizer) {
        Value[] out = new Value[columns.size()];
        for (int i = 0; i < out.length; i++) {
            Value v = Fields.lookup(row.fields(), i, columns.get(i));
            if (v == null) v = ownKeyPart(row, i);
            out[i] = v == null ? null : normalizer.normalize(types.get(i), v);
        }
        return out;
    }

    /**
     * A key column a row read from its database lacks as a field is the row's own key there (a SQLite
     * table keyed by its rowid, which a plan made it so from the key a record had): that key's part,
     * as a text column holds an integer. Null where the row's key is not of the table's key's parts.
     */
    private Value ownKeyPart(Record row, int column) {
        int k = keyColumns.indexOf(columns.get(column));
        List<Value> parts = row.key().parts();
        if (k < 0 || parts.size() != keyColumns.size() || keyColumns.equals(columns)) return null; // keyed by content: no key of its own
        Value part = parts.get(k);
        if (types.get(column) == ColumnType.TEXT && part instanceof Value.Int64 i) return Value.of(Long.toString(i.value()));
        return types.get(column).accepts(part) ? part : null;
    }

    /** A record of these normalized values, for the rows kept to be compared field by field. */
    Record record(Record row, Value[] values) {
        Fields.Builder f = Fields.builder(columns.size());
        for (int i = 0; i < values.length; i++) if (values[i] != null) f.put(columns.get(i), values[i]);
        return new Record(row.entity(), row.key(), f.build(), row.version());
    }

    /** The row's key: its key columns' values, or the record's own key when compared as stored (its content, by content). */
    Key keyOf(Record row) {
        if (keyColumns == null) return row.key();
        if (columns == null) {
            List<Value> content = new ArrayList<>();
            for (String f : fieldNames(row)) content.add(row.get(f));
            return new Key(content.isEmpty() ? List.of(Value.NULL) : content);
        }
        List<Value> parts = new ArrayList<>(keyColumns.size());
        for (String c : keyColumns) {
            Value v = row.get(c);
            parts.add(v == null ? Value.NULL : v);
        }
        return new Key(parts);
    }

    /** A row's field names in order of name: what is compared of a record taken as stored. */
    static List<String> fieldNames(Record row) {
        return List.copyOf(new TreeSet<>(row.fields().keySet()));
    }
}
