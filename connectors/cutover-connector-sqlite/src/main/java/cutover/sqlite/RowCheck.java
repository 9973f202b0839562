package cutover.sqlite;

import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.util.Optional;

/** Finds, before writing, a value of a row that its SQLite column cannot hold as it is. */
final class RowCheck {
    private RowCheck() {}

    static Optional<RecordError> check(Table table, Record row) {
        for (String field : row.fields().keySet()) {
            if (table.column(field).isEmpty()) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, field,
                        "table " + table.name() + " has no column " + field));
            }
        }
        for (Column c : table.columns()) {
            Value v = row.fields().getOrDefault(c.name(), Value.NULL);
            if (v.kind() == Value.Kind.NULL) {
                if (!c.nullable()) {
                    return Optional.of(RecordError.of(ErrorCode.RECORD_MISSING_REQUIRED, c.name(),
                            "column " + c.name() + " of table " + table.name() + " cannot be null, and the row has no value for it"));
                }
                continue;
            }
            if (!c.type().accepts(v)) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_TYPE_MISMATCH, c.name(), "column " + c.name() + " of table "
                        + table.name() + " is " + c.type() + ", which takes " + c.type().valueKind() + " values; found " + v.kind()));
            }
            Object stored;
            try {
                stored = StoredValues.toStored(v, c.type());
            } catch (java.time.DateTimeException e) {
                // PostgreSQL's 'infinity' and '-infinity' arrive as the driver's furthest times, past any year a text form holds
                return Optional.of(RecordError.of(ErrorCode.RECORD_VALUE_OUT_OF_RANGE, c.name(), "the time for column " + c.name()
                        + " of table " + table.name() + " (" + v + ") is outside the years SQLite's text form of a time holds"
                        + " (PostgreSQL's infinity and -infinity read as such times)"));
            }
            if (stored instanceof String s) {
                int at = unpairedSurrogate(s);
                if (at >= 0) {
                    return Optional.of(RecordError.of(ErrorCode.RECORD_INVALID_TEXT, c.name(), "the text for column " + c.name()
                            + " holds an unpaired UTF-16 surrogate at index " + at + ", which SQLite's UTF-8 text cannot store"
                            + " (it would become '?')"));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A value for a column of a numeric affinity that SQLite would not store as itself: a text that
     * looks like a number (it would become one), or a decimal of more digits than a double holds (a
     * number's text is stored as an INTEGER, an integer within 64 bits, or else as a REAL; its scale is
     * no value: 1.50 is stored as 1.5, the same number, as SQLite does for the application's own inserts).
     */
    static Optional<RecordError> numberAsStored(Table table, String column, Record row) {
        if (row.fields().get(column) instanceof Value.Text t && NUMBER_TEXT.matcher(t.value()).matches()) {
            return Optional.of(RecordError.of(ErrorCode.RECORD_TYPE_MISMATCH, column, "column " + column + " of table " + table.name()
                    + " has a numeric affinity, which would store the text '" + t.value() + "' as a number"));
        }
        if (!(row.fields().get(column) instanceof Value.Decimal d)) return Optional.empty();
        java.math.BigDecimal v = d.value();
        boolean integer = v.signum() == 0 || v.stripTrailingZeros().scale() <= 0;
        if (integer && v.compareTo(LONG_MIN) >= 0 && v.compareTo(LONG_MAX) <= 0) return Optional.empty();
        double stored = v.doubleValue();
        if (Double.isFinite(stored) && new java.math.BigDecimal(stored).compareTo(v) == 0) return Optional.empty();
        if (Double.isFinite(stored) && java.math.BigDecimal.valueOf(stored).compareTo(v) == 0) return Optional.empty();
        return Optional.of(RecordError.of(ErrorCode.RECORD_VALUE_OUT_OF_RANGE, column, "column " + column + " of table " + table.name()
                + " has NUMERIC affinity, which stores numbers as SQLite's INTEGER or REAL: " + v.toPlainString() + " would become "
                + (Double.isFinite(stored) ? java.math.BigDecimal.valueOf(stored).toPlainString() : "infinity")));
    }

    /** Text SQLite's numeric affinities take for a number (a well-formed integer or real literal, spaces around it). */
    private static final java.util.regex.Pattern NUMBER_TEXT = java.util.regex.Pattern.compile("\\s*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?\\s*");

    private static final java.math.BigDecimal LONG_MIN = java.math.BigDecimal.valueOf(Long.MIN_VALUE), LONG_MAX = java.math.BigDecimal.valueOf(Long.MAX_VALUE);

    /** A key the table's own rowid takes: an integer (SQLite refuses anything else with "datatype mismatch"). */
    static Optional<RecordError> rowid(Table table, Record row) {
        String column = table.primaryKey().get(0);
        Value v = row.fields().getOrDefault(column, Value.NULL);
        boolean integer = v instanceof Value.Int64 || v instanceof Value.Text t && t.value().matches("-?(0|[1-9][0-9]{0,18})") && fitsLong(t.value());
        if (integer) return Optional.empty();
        return Optional.of(RecordError.of(ErrorCode.RECORD_TYPE_MISMATCH, column, "the key " + column + " of table " + table.name()
                + " is the table's own rowid, which holds 64-bit integers; found " + v));
    }

    private static boolean fitsLong(String digits) {
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The index of the first surrogate without its partner, or -1. */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
                else return i;
            } else if (Character.isLowSurrogate(ch)) {
                return i;
            }
        }
        return -1;
    }
}
