package cutover.plan;

import cutover.error.ErrorCode;
import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Value;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;

/** Converts a source value to the kind its column type needs, as far as the conflict rule allows. */
final class ValueConverter {
    /** The largest magnitude up to which a double holds every integer exactly. */
    static final long EXACT_DOUBLE_LIMIT = 1L << 53;

    /** Whether a double holds every integer of [min, max] exactly. */
    static boolean doubleHoldsIntegers(long min, long max) {
        return min >= -EXACT_DOUBLE_LIMIT && max <= EXACT_DOUBLE_LIMIT;
    }

    private ValueConverter() {}

    /**
     * @param referenceId a reference becomes its document id (the column has a foreign key) rather than its path
     */
    static Value convert(Value v, ColumnType type, ConflictRule rule, boolean referenceId, String field) throws RowProblem {
        if (type.accepts(v)) return v;
        // lossless under every rule
        if (v instanceof Value.Reference r && type == ColumnType.TEXT) return Value.of(asText(r, referenceId));
        if (type == ColumnType.DOUBLE && v instanceof Value.Int64 i && Math.abs(i.value()) <= EXACT_DOUBLE_LIMIT) {
            return Value.of((double) i.value());
        }
        if (type == ColumnType.NUMERIC) {
            if (v instanceof Value.Int64 i) return Value.of(BigDecimal.valueOf(i.value()));
            if (v instanceof Value.Float64 f && Double.isFinite(f.value())) return Value.of(BigDecimal.valueOf(f.value()));
        }
        if (rule != ConflictRule.DEAD_LETTER && type == ColumnType.TEXT) return Value.of(asText(v, referenceId));
        if (rule == ConflictRule.COERCE) {
            Value c = coerce(v, type);
            if (c != null) return c;
            throw mismatch(v, type, field, rule, "it could not be coerced");
        }
        throw mismatch(v, type, field, rule, rule == ConflictRule.WIDEN ? "only a text column widens" : null);
    }

    /** The text a value becomes in a text column: numbers as written, instants in ISO-8601, maps and arrays as JSON. */
    static String asText(Value v, boolean referenceId) {
        if (v instanceof Value.Text t) return t.value();
        if (v instanceof Value.Reference r) return referenceId ? referencedId(r) : r.path();
        if (v instanceof Value.Bytes b) return Base64.getEncoder().encodeToString(b.toByteArray());
        if (v instanceof Value.GeoPoint g) return g.latitude() + "," + g.longitude();
        if (v instanceof Value.Array || v instanceof Value.MapValue || v instanceof Value.JsonNull) return JsonValues.toJson(v);
        return v.toString(); // bool, int64, float64, decimal (plain), timestamp and date (ISO-8601)
    }

    /** A document id of a reference: the last part of its path. */
    static String referencedId(Value.Reference r) {
        // by the path's text rather than r.key(), which refuses a malformed path: the id is still its last part
        String path = r.path();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Value coerce(Value v, ColumnType type) {
        try {
            switch (type) {
                case BIGINT:
                    if (v instanceof Value.Text t) return Value.of(Long.parseLong(t.value().strip()));
                    if (v instanceof Value.Float64 f && f.value() == Math.rint(f.value()) && Math.abs(f.value()) < 9.2e18) {
                        return Value.of((long) f.value());
                    }
                    if (v instanceof Value.Decimal d) return Value.of(d.value().longValueExact());
                    return null;
                case DOUBLE:
                    if (v instanceof Value.Text t) return Value.of(Double.parseDouble(t.value().strip()));
                    if (v instanceof Value.Int64 i) return Value.of((double) i.value());
                    if (v instanceof Value.Decimal d) return Value.of(d.value().doubleValue());
                    return null;
                case NUMERIC:
                    if (v instanceof Value.Text t) return Value.of(new BigDecimal(t.value().strip()));
                    return null;
                case BOOLEAN:
                    if (v instanceof Value.Text t) {
                        String s = t.value().strip().toLowerCase(Locale.ROOT);
                        if (s.equals("true")) return Value.of(true);
                        if (s.equals("false")) return Value.of(false);
                    }
                    return null;
                case TIMESTAMPTZ:
                    if (v instanceof Value.Text t) return Value.of(Instant.parse(t.value().strip()));
                    if (v instanceof Value.Date d) return Value.of(d.value().atStartOfDay(ZoneOffset.UTC).toInstant());
                    return null;
                case DATE:
                    if (v instanceof Value.Text t) return Value.of(LocalDate.parse(t.value().strip()));
                    if (v instanceof Value.Timestamp ts) return Value.of(LocalDate.ofInstant(ts.value(), ZoneOffset.UTC));
                    return null;
                default:
                    return null;
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
            return null;
        }
    }

    private static RowProblem mismatch(Value v, ColumnType type, String field, ConflictRule rule, String why) {
        return new RowProblem(ErrorCode.RECORD_TYPE_MISMATCH, field, "field " + field + ": found " + Transform.kindName(v)
                + " " + shortly(v) + ", expected " + PlanTypes.name(type) + " (rule " + rule.yamlName()
                + (why == null ? "" : ": " + why) + ")");
    }

    private static String shortly(Value v) {
        String s = v.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
