package cutover.verify;

import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.util.List;

/** One record that is not the same on both sides, named by its table and key. */
public sealed interface Difference {
    String table();

    Key key();

    /**
     * In the source (after the plan's mapping), not in the target; {@code source} as compared (its
     * values normalized by the verify rules), {@code given} as the mapping gave it.
     */
    record Missing(String table, Key key, Record source, Record given) implements Difference {
        public Missing(String table, Key key, Record source) {
            this(table, key, source, source);
        }
    }

    /** In the target, not in the source. */
    record Extra(String table, Key key, Record target) implements Difference {}

    /**
     * On both sides, with different values. {@code fields} lists each differing column with both
     * values; it is empty only when the database's own text of the rows differs while the values
     * read back are equal (a representation the driver does not keep apart). {@code given}: the
     * source's row as its side gave it (what a restore would write), null where not known.
     */
    record Changed(String table, Key key, List<FieldDifference> fields, Record given) implements Difference {
        public Changed { fields = List.copyOf(fields); }

        public Changed(String table, Key key, List<FieldDifference> fields) {
            this(table, key, fields, null);
        }
    }

    /** A column's value on each side; null where the side has no such field (not the same as {@link Value#NULL}). */
    record FieldDifference(String column, Value source, Value target) {}
}
