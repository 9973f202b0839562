package cutover.sqlite;

import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Value;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Converts between values and what SQLite stores (null, Long, Double, String, byte[]), following
 * the table in {@link SqliteTypes}. Decoding is led by the column's declared type (a DECIMAL or
 * NUMERIC column gives decimals whether SQLite kept TEXT, INTEGER or REAL) and falls back to the
 * storage class: a value that does not parse as its declared type comes back as what it is
 * (TEXT as text, INTEGER as int64), so nothing a foreign database holds is lost or refused.
 */
final class StoredValues {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private StoredValues() {}

    /** What to bind for a value in a column of this type; the value's kind was checked already. */
    static Object toStored(Value v, ColumnType type) {
        if (v.kind() == Value.Kind.NULL) return null;
        if (type == ColumnType.JSON || type == ColumnType.GEOPOINT) return JsonValues.toJson(v);
        if (v instanceof Value.Text t) return t.value();
        if (v instanceof Value.Int64 i) return i.value();
        // NaN as text (SQLite stores a NaN REAL as NULL); in a numeric column, the infinities too (its TEXT affinity would write "Inf")
        if (v instanceof Value.Float64 f) return Double.isNaN(f.value()) || (type == ColumnType.NUMERIC && Double.isInfinite(f.value()))
                ? Double.toString(f.value()) : (Object) f.value();
        if (v instanceof Value.Decimal d) return decimalText(d.value());
        if (v instanceof Value.Bool b) return b.value() ? 1L : 0L;
        if (v instanceof Value.Timestamp t) return TIMESTAMP.format(t.value());
        if (v instanceof Value.Date d) return d.value().toString();
        if (v instanceof Value.Bytes b) return b.toByteArray();
        throw new IllegalArgumentException(v.kind() + " cannot be stored in a " + type + " column");
    }

    /** Plain digits keep the scale ("1.50"); a negative scale needs the exponent ("1E+3") to keep it. */
    private static String decimalText(BigDecimal d) {
        return d.scale() >= 0 ? d.toPlainString() : d.toString();
    }

    /** The value of a stored object in a column whose declared type says {@code type} (null: none). */
    static Value fromStored(Object stored, ColumnType type) {
        if (stored == null) return Value.NULL;
        if (stored instanceof String s && type != null) {
            Value decoded = decodeText(s, type);
            if (decoded != null) return decoded;
        }
        if (stored instanceof Number n && !(stored instanceof Double) && type == ColumnType.BOOLEAN) {
            long l = n.longValue();
            if (l == 0 || l == 1) return Value.of(l == 1);
        }
        if (type == ColumnType.NUMERIC && stored instanceof Number n) {
            // NUMERIC affinity stores '12.50' as the REAL 12.5: give the column one kind, the
            // shortest decimal that is that double (or the integer), so a plan's numeric column takes it
            if (n instanceof Double d && Double.isFinite(d)) return Value.of(BigDecimal.valueOf(d));
            if (!(n instanceof Double)) return Value.of(BigDecimal.valueOf(n.longValue()));
        }
        if (stored instanceof Double d) return Value.of(d);
        if (stored instanceof Number n) return Value.of(n.longValue());
        if (stored instanceof String s) return Value.of(s);
        if (stored instanceof byte[] b) return Value.of(b);
        throw new IllegalArgumentException("unexpected SQLite value of class " + stored.getClass().getName());
    }

    private static Value decodeText(String s, ColumnType type) {
        return switch (type) {
            case JSON -> JsonText.parse(s);
            case GEOPOINT -> geoPoint(s);
            case TIMESTAMPTZ -> timestamp(s);
            case DATE -> date(s);
            case NUMERIC -> {
                Value special = specialDouble(s); // NaN and the infinities a PostgreSQL numeric holds: floats, as it reads them
                yield special != null ? special : decimal(s);
            }
            case DOUBLE -> specialDouble(s);
            default -> null;
        };
    }

    private static Value geoPoint(String s) {
        if (JsonText.parse(s) instanceof Value.MapValue m && m.fields().size() == 2) {
            Double lat = number(m.fields().get("latitude")), lon = number(m.fields().get("longitude"));
            if (lat != null && lon != null) return new Value.GeoPoint(lat, lon);
        }
        return null;
    }

    private static Double number(Value v) {
        if (v instanceof Value.Float64 f) return f.value();
        if (v instanceof Value.Int64 i) return (double) i.value();
        // JsonValues writes NaN and the infinities as strings, JSON having no such numbers
        if (v instanceof Value.Text t) {
            Value special = specialDouble(t.value());
            if (special instanceof Value.Float64 f) return f.value();
        }
        return null;
    }

    private static Value specialDouble(String s) {
        return switch (s) {
            case "NaN" -> Value.of(Double.NaN);
            case "Infinity" -> Value.of(Double.POSITIVE_INFINITY);
            case "-Infinity" -> Value.of(Double.NEGATIVE_INFINITY);
            default -> null;
        };
    }

    /** ISO-8601 with an offset, or SQLite's own {@code YYYY-MM-DD HH:MM:SS[.SSS]}, which is UTC by convention. */
    static Value timestamp(String s) {
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            return Value.of(OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeParseException withoutOffset) {
            try {
                return Value.of(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notATimestamp) {
                return null;
            }
        }
    }

    private static Value date(String s) {
        try {
            return Value.of(LocalDate.parse(s));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Value decimal(String s) {
        try {
            return Value.of(new BigDecimal(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
