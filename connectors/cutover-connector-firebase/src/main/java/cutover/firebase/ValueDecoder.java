package cutover.firebase;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.model.Fields;
import cutover.model.Value;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes one JSON value at the parser's current token into a {@link Value}. Objects are read
 * whole (one field value is part of one document, which is buffered anyway) and then handed to
 * {@link #object}, where each format recognises its typed values.
 */
abstract class ValueDecoder {

    /**
     * Reads the value of the document's top-level field {@code name}, starting at the current token;
     * leaves the parser on the value's last token.
     */
    final Value readField(JsonParser p, String name, ValueProblem problems) throws IOException {
        return read(p, null, name, -1, problems);
    }

    /**
     * Reads the value of field {@code name} (or element {@code index}) of {@code parent}; its path is
     * made only for a map or an array, whose contents and typed values need it.
     */
    private Value read(JsonParser p, ValuePath parent, String name, int index, ValueProblem problems) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_STRING: return Value.of(p.getText());
            case VALUE_NUMBER_INT:
                // JSON has no integer limit; past 64 bits the number is kept exactly as a decimal
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? Value.of(new BigDecimal(p.getBigIntegerValue()))
                        : Value.of(p.getLongValue());
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                if (Double.isInfinite(d) && !p.getText().contains("Infinity")) {
                    // 1e400 parses as Infinity: a number no Firestore double holds, not to be changed into another
                    problems.report(pathOf(parent, name, index), cutover.error.ErrorCode.RECORD_VALUE_OUT_OF_RANGE, "the number " + p.getText()
                            + " is beyond what a double holds (about ±1.8e308), as every Firestore number is");
                }
                return Value.of(d);
            }
            case VALUE_TRUE: return Value.of(true);
            case VALUE_FALSE: return Value.of(false);
            case VALUE_NULL: return Value.NULL;
            case START_ARRAY: {
                ValuePath path = pathOf(parent, name, index);
                List<Value> values = new ArrayList<>();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) values.add(read(p, path, null, i++, problems));
                return new Value.Array(values);
            }
            case START_OBJECT: {
                ValuePath path = pathOf(parent, name, index);
                Fields.Builder fields = Fields.builder(4);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    fields.put(field, read(p, path, field, -1, problems));
                }
                return object(fields.build(), path, problems);
            }
            default:
                throw new IOException("unexpected " + t + " where a value was expected");
        }
    }

    private static ValuePath pathOf(ValuePath parent, String name, int index) {
        if (parent == null) return ValuePath.of(name);
        return name != null ? parent.field(name) : parent.element(index);
    }

    /** A decoded JSON object: a typed value of the format, or a plain map. */
    abstract Value object(Map<String, Value> fields, ValuePath path, ValueProblem problems);

    // Helpers shared by the formats.

    static Long asLong(Value v) {
        return v instanceof Value.Int64 i ? i.value() : null;
    }

    static Double asDouble(Value v) {
        if (v instanceof Value.Float64 f) return f.value();
        if (v instanceof Value.Int64 i) return (double) i.value();
        return null;
    }

    static final long MIN_SECONDS = -62_135_596_800L; // 0001-01-01T00:00:00Z
    static final long MAX_SECONDS = 253_402_300_799L; // 9999-12-31T23:59:59Z

    /** The timestamp for {@code {_seconds, _nanoseconds}}, or null with the reason reported. */
    static Value timestamp(Value seconds, Value nanos, ValuePath path, ValueProblem problems) {
        // read without boxing: this runs for every timestamp of an export
        if (!(seconds instanceof Value.Int64 secondsValue) || !(nanos instanceof Value.Int64 nanosValue)) {
            problems.report(path, "malformed timestamp: _seconds and _nanoseconds must be whole numbers, found "
                    + seconds + " and " + nanos);
            return null;
        }
        long s = secondsValue.value();
        long n = nanosValue.value();
        if (n < 0 || n > 999_999_999 || s < MIN_SECONDS || s > MAX_SECONDS) {
            problems.report(path, "malformed timestamp: _seconds " + s + " / _nanoseconds " + n
                    + " is outside years 1-9999 or nanoseconds 0-999999999");
            return null;
        }
        return Value.of(java.time.Instant.ofEpochSecond(s, n));
    }

    static Value geoPoint(Value latitude, Value longitude, ValuePath path, ValueProblem problems) {
        Double lat = asDouble(latitude);
        Double lng = asDouble(longitude);
        if (lat == null || lng == null) {
            problems.report(path, "malformed geopoint: _latitude and _longitude must be numbers, found "
                    + latitude + " and " + longitude);
            return null;
        }
        return new Value.GeoPoint(lat, lng);
    }

    /** True for collection/id[/collection/id...] with no empty segment. */
    static boolean isDocumentPath(String path) {
        int segments = 1;
        int length = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                if (length == 0) return false;
                segments++;
                length = 0;
            } else {
                length++;
            }
        }
        return length > 0 && segments >= 2 && segments % 2 == 0;
    }
}
