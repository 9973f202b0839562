package cutover.firebase;

import cutover.model.Value;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;

/**
 * Typed values of the node-firestore-import-export format: an object {@code {"__datatype__": T,
 * "value": V}}. The tool itself writes {@code timestamp} ({@code {_seconds, _nanoseconds}}, or an
 * ISO-8601 string, which its importer also accepts), {@code geopoint} ({@code {_latitude,
 * _longitude}}) and {@code documentReference} (a document path). Cutover's writer adds
 * {@code bytes} (base64), {@code decimal} and {@code date} (strings) and {@code double} (for NaN and
 * the infinities, which JSON cannot hold) so that every {@link Value} survives a round trip.
 */
final class NodeValueDecoder extends ValueDecoder {
    static final String MARKER = "__datatype__";
    static final String VALUE = "value";
    static final String TIMESTAMP = "timestamp";
    static final String GEOPOINT = "geopoint";
    static final String REFERENCE = "documentReference";
    static final String BYTES = "bytes";
    static final String DECIMAL = "decimal";
    static final String DATE = "date";
    static final String DOUBLE = "double";
    private static final String KNOWN = String.join(", ", TIMESTAMP, GEOPOINT, REFERENCE, BYTES, DECIMAL, DATE, DOUBLE);

    @Override
    Value object(Map<String, Value> fields, ValuePath path, ValueProblem problems) {
        Value marker = fields.get(MARKER);
        if (marker == null) return new Value.MapValue(fields);
        Value typed = typed(marker, fields, path, problems);
        return typed == null ? Value.NULL : typed; // NULL only stands in: the document is set aside
    }

    private Value typed(Value marker, Map<String, Value> fields, ValuePath path, ValueProblem problems) {
        if (!(marker instanceof Value.Text type)) {
            problems.report(path, "__datatype__ must be a string, found " + marker);
            return null;
        }
        Value v = fields.get(VALUE);
        if (v == null) {
            problems.report(path, "malformed " + type.value() + ": the object has no \"value\"");
            return null;
        }
        switch (type.value()) {
            case TIMESTAMP: return timestamp(v, path, problems);
            case GEOPOINT:
                if (v instanceof Value.MapValue m) return geoPoint(m.fields().get("_latitude"), m.fields().get("_longitude"), path, problems);
                problems.report(path, "malformed geopoint: value must be {_latitude, _longitude}, found " + v);
                return null;
            case REFERENCE:
                if (v instanceof Value.Text t && isDocumentPath(strip(t.value()))) return new Value.Reference(strip(t.value()));
                problems.report(path, "malformed documentReference: value must be a document path (collection/id[/collection/id...]), found " + v);
                return null;
            case BYTES:
                if (v instanceof Value.Text t) {
                    try {
                        return Value.of(Base64.getDecoder().decode(t.value()));
                    } catch (IllegalArgumentException e) {
                        problems.report(path, "malformed bytes: value is not base64 (" + e.getMessage() + ")");
                        return null;
                    }
                }
                problems.report(path, "malformed bytes: value must be a base64 string, found " + v);
                return null;
            case DECIMAL:
                try {
                    if (v instanceof Value.Text t) return Value.of(new BigDecimal(t.value()));
                } catch (NumberFormatException e) {
                    // reported below
                }
                problems.report(path, "malformed decimal: value must be a decimal number in a string, found " + v);
                return null;
            case DATE:
                try {
                    if (v instanceof Value.Text t) return Value.of(LocalDate.parse(t.value()));
                } catch (DateTimeParseException e) {
                    // reported below
                }
                problems.report(path, "malformed date: value must be a yyyy-mm-dd string, found " + v);
                return null;
            case DOUBLE:
                if (v instanceof Value.Text t && (t.value().equals("NaN") || t.value().equals("Infinity") || t.value().equals("-Infinity"))) {
                    return Value.of(Double.parseDouble(t.value()));
                }
                Double d = asDouble(v);
                if (d != null) return Value.of(d);
                problems.report(path, "malformed double: value must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", found " + v);
                return null;
            default:
                problems.report(path, "unknown __datatype__ '" + type.value() + "' (known: " + KNOWN + ")");
                return null;
        }
    }

    private static Value timestamp(Value v, ValuePath path, ValueProblem problems) {
        if (v instanceof Value.MapValue m && m.fields().containsKey("_seconds")) {
            return timestamp(m.fields().get("_seconds"), m.fields().getOrDefault("_nanoseconds", Value.of(0L)), path, problems);
        }
        if (v instanceof Value.Text t) {
            try {
                return Value.of(OffsetDateTime.parse(t.value()).toInstant());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        problems.report(path, "malformed timestamp: value must be {_seconds, _nanoseconds} or an ISO-8601 string, found " + v);
        return null;
    }

    /** Some exporters write references with a leading slash. */
    private static String strip(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

}
