package cutover.verify;

import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The last step of every comparison: the rows of one key range (or hash bucket) from both sides,
 * matched by key, each difference named down to the column. Rows whose hashes agree are equal
 * without looking at their values.
 */
public final class RowComparison {
    private RowComparison() {}

    /**
     * Reports, in key order, every key that is on one side only and every row whose columns differ
     * ({@code columns} null: every field either row has).
     */
    public static void compare(String table, List<String> columns, Map<Key, HashedRow> source, Map<Key, HashedRow> target,
                               Consumer<Difference> out) {
        // only the keys that differ are sorted: in a bucket that differs most rows are still equal
        List<Key> keys = new ArrayList<>();
        source.forEach((k, s) -> {
            HashedRow t = target.get(k);
            if (t == null || t.hash() != s.hash()) keys.add(k);
        });
        for (Key k : target.keySet()) if (!source.containsKey(k)) keys.add(k);
        keys.sort(null);
        for (Key key : keys) {
            HashedRow s = source.get(key), t = target.get(key);
            if (t == null) out.accept(new Difference.Missing(table, key, s.row(), s.given()));
            else if (s == null) out.accept(new Difference.Extra(table, key, t.row()));
            else if (s.hash() != t.hash()) out.accept(new Difference.Changed(table, key, fieldDifferences(columns, s.row(), t.row()), s.given()));
        }
    }

    /**
     * The columns whose values differ; a column a row lacks is compared as absent (null), not as NULL.
     * Null {@code columns} compares every field either row has, by name.
     */
    public static List<Difference.FieldDifference> fieldDifferences(List<String> columns, Record source, Record target) {
        List<Difference.FieldDifference> out = new ArrayList<>();
        if (columns == null) {
            java.util.TreeSet<String> names = new java.util.TreeSet<>(source.fields().keySet());
            names.addAll(target.fields().keySet());
            columns = List.copyOf(names);
        }
        for (String c : columns) {
            Value a = source.get(c), b = target.get(c);
            if (!Objects.equals(a, b)) out.add(new Difference.FieldDifference(c, a, b));
        }
        return out;
    }
}
