package cutover.plan;

import cutover.error.ErrorCode;
import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Value;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The transforms a column may apply to its source value before it is converted to the column's
 * type. NULL passes through every transform unchanged. Each makes values for certain column types
 * only ({@link #fits}), which the checker verifies.
 */
public enum Transform {
    LOWERCASE("lowercase", List.of(ColumnType.TEXT)),
    UPPERCASE("uppercase", List.of(ColumnType.TEXT)),
    TRIM("trim", List.of(ColumnType.TEXT)),
    /** The first word of a full name: "Ada King Lovelace" gives "Ada". */
    SPLIT_FULL_NAME_FIRST("split_full_name_first", List.of(ColumnType.TEXT)),
    /** The rest of a full name after the first word: "Ada King Lovelace" gives "King Lovelace"; none gives NULL. */
    SPLIT_FULL_NAME_LAST("split_full_name_last", List.of(ColumnType.TEXT)),
    EPOCH_SECONDS_TO_TIMESTAMPTZ("epoch_seconds_to_timestamptz", List.of(ColumnType.TIMESTAMPTZ)),
    EPOCH_MILLIS_TO_TIMESTAMPTZ("epoch_millis_to_timestamptz", List.of(ColumnType.TIMESTAMPTZ)),
    /** ISO-8601 text: with an offset, or without one (then UTC), or a bare date (midnight UTC). */
    ISO_TEXT_TO_TIMESTAMPTZ("iso_text_to_timestamptz", List.of(ColumnType.TIMESTAMPTZ)),
    /** Any value as text (the same text the widen rule writes; a reference gives its document path). */
    TO_TEXT("to_text", List.of(ColumnType.TEXT)),
    /** Any value as JSON text, for a text column that should hold JSON. */
    TO_JSON("to_json", List.of(ColumnType.TEXT));

    private final String yamlName;
    private final List<ColumnType> fits;

    Transform(String yamlName, List<ColumnType> fits) {
        this.yamlName = yamlName;
        this.fits = fits;
    }

    public String yamlName() { return yamlName; }

    /** True when the values this transform makes can go into a column of this type. */
    public boolean fits(ColumnType type) { return fits.contains(type); }

    public List<ColumnType> columnTypes() { return fits; }

    public static Optional<Transform> named(String name) {
        for (Transform t : values()) if (t.yamlName.equals(name)) return Optional.of(t);
        return Optional.empty();
    }

    public static String names() {
        return String.join(", ", java.util.Arrays.stream(values()).map(Transform::yamlName).toList());
    }

    Value apply(Value v, String field) throws RowProblem {
        if (v.kind() == Value.Kind.NULL) return v;
        switch (this) {
            case LOWERCASE: return Value.of(text(v, field).toLowerCase(Locale.ROOT));
            case UPPERCASE: return Value.of(text(v, field).toUpperCase(Locale.ROOT));
            case TRIM: return Value.of(text(v, field).strip());
            case SPLIT_FULL_NAME_FIRST: {
                String[] words = text(v, field).strip().split("\\s+", 2);
                return words[0].isEmpty() ? Value.NULL : Value.of(words[0]);
            }
            case SPLIT_FULL_NAME_LAST: {
                String[] words = text(v, field).strip().split("\\s+", 2);
                return words.length < 2 ? Value.NULL : Value.of(words[1]);
            }
            case EPOCH_SECONDS_TO_TIMESTAMPTZ: return Value.of(epoch(v, field, 1_000_000_000L));
            case EPOCH_MILLIS_TO_TIMESTAMPTZ: return Value.of(epoch(v, field, 1_000_000L));
            case ISO_TEXT_TO_TIMESTAMPTZ: return Value.of(isoInstant(text(v, field), field));
            case TO_TEXT: return Value.of(ValueConverter.asText(v, false));
            case TO_JSON: return Value.of(JsonValues.toJson(v));
            default: throw new IllegalStateException(name());
        }
    }

    private String text(Value v, String field) throws RowProblem {
        if (v instanceof Value.Text t) return t.value();
        throw failed(field, "takes text, found " + kindName(v) + " " + v);
    }

    private Instant epoch(Value v, String field, long nanosPerUnit) throws RowProblem {
        BigDecimal units;
        if (v instanceof Value.Int64 i) units = BigDecimal.valueOf(i.value());
        else if (v instanceof Value.Float64 f && Double.isFinite(f.value())) units = BigDecimal.valueOf(f.value());
        else if (v instanceof Value.Decimal d) units = d.value();
        else throw failed(field, "takes a number, found " + kindName(v) + " " + v);
        BigDecimal nanos = units.multiply(BigDecimal.valueOf(nanosPerUnit));
        try {
            BigDecimal[] secondsAndNanos = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
            return Instant.ofEpochSecond(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
        } catch (ArithmeticException | DateTimeException e) {
            throw new RowProblem(ErrorCode.RECORD_VALUE_OUT_OF_RANGE, field, "field " + field + ": " + v
                    + " is out of range for a timestamp (transform " + yamlName + ")");
        }
    }

    private Instant isoInstant(String s, String field) throws RowProblem {
        String t = s.strip();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeException ignored) {
            // try the forms without an offset next
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException ignored) {
            // a bare date last
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeException e) {
            throw failed(field, "cannot read \"" + s + "\" as an ISO-8601 date-time (2024-01-31T12:00:00Z)");
        }
    }

    private RowProblem failed(String field, String why) {
        return new RowProblem(ErrorCode.RECORD_TRANSFORM_FAILED, field, "field " + field + ": transform " + yamlName + " " + why);
    }

    static String kindName(Value v) { return v.kind().name().toLowerCase(Locale.ROOT); }
}
