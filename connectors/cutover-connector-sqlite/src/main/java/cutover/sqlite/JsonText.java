package cutover.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.model.Value;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the plain JSON of a JSON column back into a value: objects become maps, arrays arrays,
 * whole numbers int64 (or decimal beyond its range), other numbers float64. This inverts
 * {@link cutover.model.JsonValues} exactly for values JSON can hold as they are (null, bool, int64,
 * finite float64, text, arrays and maps of them); the others come back as JSON renders them
 * (a timestamp as its ISO text, a reference as its path, bytes as base64 text).
 */
final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {}

    /** The value, or null when the text is not one complete JSON value. */
    static Value parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) return null;
            Value v = first == JsonToken.VALUE_NULL ? Value.JSON_NULL : read(p, first); // the document null, not SQL NULL
            return p.nextToken() == null ? v : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Value read(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> Value.NULL;
            case VALUE_TRUE -> Value.of(true);
            case VALUE_FALSE -> Value.of(false);
            case VALUE_STRING -> Value.of(p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? Value.of(new java.math.BigDecimal(p.getBigIntegerValue())) : Value.of(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> Value.of(p.getDoubleValue());
            case START_ARRAY -> {
                List<Value> values = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) values.add(read(p, next));
                yield new Value.Array(values);
            }
            case START_OBJECT -> {
                Map<String, Value> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    fields.put(name, read(p, p.nextToken()));
                }
                yield new Value.MapValue(fields);
            }
            default -> throw new IOException("unexpected " + t);
        };
    }
}
