package cutover.postgres;

import cutover.model.ColumnType;
import cutover.model.Value;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What an existing column holds that is narrower than the plan's type: {@code smallint} or
 * {@code integer} for a plan's bigint (the table a backup came from, restored over), {@code varchar(n)}
 * for text, {@code numeric(p,s)} for a number. Such a column is accepted, and each value is checked
 * against it before its batch is written ({@link PostgresSink#check}), so that a value that does not
 * fit sets its one record aside instead of failing the batch, and a value PostgreSQL would round
 * (a numeric with more decimals than the column's scale) is refused rather than changed.
 */
record ColumnLimit(String type, long min, long max, int maxLength, int precision, int scale) implements ExistingColumnCheck {
    private static final ColumnLimit SMALLINT = new ColumnLimit("smallint", Short.MIN_VALUE, Short.MAX_VALUE, -1, -1, -1);
    private static final ColumnLimit INTEGER = new ColumnLimit("integer", Integer.MIN_VALUE, Integer.MAX_VALUE, -1, -1, -1);

    /**
     * The limit an existing column of {@code typname} and modifier {@code typmod} puts on values of
     * the plan's {@code type}, if the column takes them at all with a limit; empty when it takes
     * them all (or is not one of these types).
     */
    static Optional<ColumnLimit> of(ColumnType type, String typname, int typmod) {
        if (type == ColumnType.BIGINT && typname.equals("int2")) return Optional.of(SMALLINT);
        if (type == ColumnType.BIGINT && typname.equals("int4")) return Optional.of(INTEGER);
        if (type == ColumnType.TEXT && typname.equals("varchar") && typmod >= 4) {
            return Optional.of(new ColumnLimit("varchar(" + (typmod - 4) + ")", 0, 0, typmod - 4, -1, -1));
        }
        if ((type == ColumnType.NUMERIC || type == ColumnType.BIGINT) && typname.equals("numeric") && typmod >= 4) {
            int p = ((typmod - 4) >> 16) & 0xffff, s = (typmod - 4) & 0xffff;
            if (s > p) return Optional.empty(); // negative scales and the like (PostgreSQL 15): leave them to the server
            return Optional.of(new ColumnLimit("numeric(" + p + "," + s + ")", 0, 0, -1, p, s));
        }
        return Optional.empty();
    }

    /** What is wrong with the value for this column, or null when it fits. */
    @Override
    public String problem(Value value) {
        if (maxLength >= 0 && value instanceof Value.Text t) {
            int length = t.value().codePointCount(0, t.value().length());
            return length > maxLength ? "text of " + length + " characters does not fit " + type : null;
        }
        if (precision >= 0) {
            BigDecimal d = value instanceof Value.Int64 i ? BigDecimal.valueOf(i.value())
                    : value instanceof Value.Decimal dec ? dec.value() : null;
            if (d == null) return null;
            BigDecimal exact = d.stripTrailingZeros();
            if (exact.scale() > scale) return "number " + d.toPlainString() + " has more decimals than " + type + " keeps (it would be rounded)";
            int integerDigits = exact.precision() - exact.scale();
            if (exact.signum() != 0 && integerDigits > precision - scale) return "number " + d.toPlainString() + " does not fit " + type;
            return null;
        }
        if (value instanceof Value.Int64 i && (i.value() < min || i.value() > max)) {
            return "number " + i.value() + " does not fit " + type + " (" + min + " to " + max + ")";
        }
        return null;
    }
}
