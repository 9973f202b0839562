package cutover.postgres;

import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.Fields;
import cutover.model.ColumnType;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Finds, before a batch is written, the values PostgreSQL would refuse, so that one record goes to
 * the dead-letter file instead of a whole batch failing: NUL in text (text and jsonb cannot hold it),
 * unpaired UTF-16 surrogates (not encodable in UTF-8), numbers and dates outside PostgreSQL's ranges,
 * and values of a kind the column does not take.
 */
final class ValueCheck {
    /** numeric: up to 131072 digits before the decimal point and 16383 after it. */
    static final int NUMERIC_MAX_INTEGER_DIGITS = 131072;
    static final int NUMERIC_MAX_SCALE = 16383;
    /** timestamptz: 4714-11-24 BC (ISO year -4713) to 294276-12-31 AD, in UTC. */
    static final Instant TIMESTAMP_MIN = Instant.parse("-4713-11-24T00:00:00Z");
    static final Instant TIMESTAMP_MAX_EXCLUSIVE = Instant.parse("+294277-01-01T00:00:00Z");
    /** date: 4714-11-24 BC to 5874897-12-31 AD. */
    static final LocalDate DATE_MIN = LocalDate.of(-4713, 11, 24);
    static final LocalDate DATE_MAX = LocalDate.of(5874897, 12, 31);

    private ValueCheck() {}

    static Optional<RecordError> check(Table table, Record row) {
        return check(table, row, null);
    }

    /** The same, with text also checked against the target's {@code encoding} where it is not UTF-8 (null: it is). */
    static Optional<RecordError> check(Table table, Record row, ServerEncoding encoding) {
        return check(table, row, encoding, java.util.Set.of());
    }

    /**
     * The same, but for the values of the columns {@code asWritten}, which go as their source's text
     * ({@link AsWrittenColumns}): what a column of the type held, it holds (a json document with the
     * escape of NUL, which its decoded text holds, was set aside: acceptance run 17).
     */
    static Optional<RecordError> check(Table table, Record row, ServerEncoding encoding, java.util.Set<String> asWritten) {
        List<Column> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            Value value = Fields.lookup(row.fields(), i, column.name());
            if (value == null || value.kind() == Value.Kind.NULL) {
                if (!column.nullable()) {
                    return Optional.of(RecordError.of(ErrorCode.RECORD_MISSING_REQUIRED, column.name(),
                            "column " + table.name() + "." + column.name() + " is NOT NULL but the record has no value for it"));
                }
                continue;
            }
            if (asWritten.contains(column.name())) { // its text as the line has it goes: only what the target's encoding cannot hold
                String problem = encoding == null ? null : encoding.problem(lineField(row, column.name()));
                if (problem != null) {
                    return Optional.of(RecordError.of(ErrorCode.RECORD_INVALID_TEXT, column.name(), "column " + table.name() + "." + column.name() + ": " + problem));
                }
                continue;
            }
            if (!column.type().accepts(value)) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_TYPE_MISMATCH, column.name(),
                        "column " + table.name() + "." + column.name() + " is " + PgTypes.sqlType(column.type()) + " and takes "
                                + column.type().valueKind() + " values, found " + value.kind()));
            }
            String problem = problem(value, column.type() == ColumnType.JSON, encoding);
            if (problem != null) {
                ErrorCode code = problem.startsWith("text") ? ErrorCode.RECORD_INVALID_TEXT : ErrorCode.RECORD_VALUE_OUT_OF_RANGE;
                return Optional.of(RecordError.of(code, column.name(), "column " + table.name() + "." + column.name() + ": " + problem));
            }
        }
        return Optional.empty();
    }

    /** The text of the record's source line in {@code column}'s field, as COPY text (escapes and all). */
    private static String lineField(Record row, String column) {
        cutover.model.RowText text = row.asWritten();
        int f = text.columns().indexOf(column);
        int[] bounds = AsWrittenColumns.bounds(text.line(), text.columns().size());
        return new String(text.line(), bounds[2 * f], bounds[2 * f + 1] - bounds[2 * f], java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What is wrong with the value for PostgreSQL, or null. Inside JSON, only what jsonb itself refuses. */
    static String problem(Value value, boolean inJson) {
        return problem(value, inJson, null);
    }

    private static String problem(Value value, boolean inJson, ServerEncoding encoding) {
        switch (value.kind()) {
            case TEXT: return textProblem(((Value.Text) value).value(), encoding);
            case REFERENCE: return textProblem(((Value.Reference) value).path(), encoding);
            case DECIMAL: return decimalProblem(((Value.Decimal) value).value());
            case TIMESTAMP:
                if (inJson) return null; // rendered as an ISO string: any instant fits
                Instant t = ((Value.Timestamp) value).value();
                if (PgInfinity.of(t) != null) return null; // read from PostgreSQL as its infinity, written back as one
                if (t.isBefore(TIMESTAMP_MIN) || !t.isBefore(TIMESTAMP_MAX_EXCLUSIVE)) {
                    return "timestamp " + t + " is outside PostgreSQL's range (4714-11-24 BC to 294276-12-31 AD)";
                }
                return null;
            case DATE:
                if (inJson) return null;
                LocalDate d = ((Value.Date) value).value();
                if (PgInfinity.of(d) != null) return null;
                if (d.isBefore(DATE_MIN) || d.isAfter(DATE_MAX)) return "date " + d + " is outside PostgreSQL's range (4714-11-24 BC to 5874897-12-31 AD)";
                return null;
            case ARRAY:
                for (Value v : ((Value.Array) value).values()) {
                    String p = problem(v, inJson, encoding);
                    if (p != null) return p;
                }
                return null;
            case MAP:
                for (Map.Entry<String, Value> e : ((Value.MapValue) value).fields().entrySet()) {
                    String p = textProblem(e.getKey(), encoding);
                    if (p == null) p = problem(e.getValue(), inJson, encoding);
                    if (p != null) return p;
                }
                return null;
            default:
                return null;
        }
    }

    private static String textProblem(String s, ServerEncoding encoding) {
        String problem = textProblem(s);
        return problem != null || encoding == null ? problem : encoding.problem(s);
    }

    static String textProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') return "text contains the NUL character (U+0000) at index " + i + ", which PostgreSQL cannot store";
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "text contains an unpaired UTF-16 surrogate at index " + i + ", which is not valid Unicode";
            }
            if (Character.isLowSurrogate(c)) return "text contains an unpaired UTF-16 surrogate at index " + i + ", which is not valid Unicode";
        }
        return null;
    }

    private static String decimalProblem(BigDecimal d) {
        int integerDigits = d.precision() - d.scale();
        if (integerDigits > NUMERIC_MAX_INTEGER_DIGITS) {
            return "number with " + integerDigits + " digits before the decimal point is beyond PostgreSQL's numeric ("
                    + NUMERIC_MAX_INTEGER_DIGITS + " at most)";
        }
        if (d.scale() > NUMERIC_MAX_SCALE) {
            return "number with " + d.scale() + " digits after the decimal point is beyond PostgreSQL's numeric (" + NUMERIC_MAX_SCALE + " at most)";
        }
        return null;
    }
}
