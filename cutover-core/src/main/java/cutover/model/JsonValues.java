package cutover.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

/**
 * Renders a value as plain JSON for a JSON (jsonb) column, in the shape an app reading the table
 * expects rather than a typed envelope: timestamps as ISO-8601 UTC strings, references as document
 * paths, bytes as base64, geopoints as {@code {"latitude":…,"longitude":…}}. JSON has no NaN or
 * infinity, so those become the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * PostgreSQL's jsonb refuses the NUL character, so the sink checks text for it before writing.
 */
public final class JsonValues {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonValues() {}

    public static String toJson(Value value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            write(value, gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static void write(Value value, JsonGenerator gen) throws IOException {
        switch (value.kind()) {
            case NULL, JSON_NULL -> gen.writeNull();
            case BOOL -> gen.writeBoolean(((Value.Bool) value).value());
            case INT64 -> gen.writeNumber(((Value.Int64) value).value());
            case FLOAT64 -> {
                double d = ((Value.Float64) value).value();
                if (Double.isNaN(d) || Double.isInfinite(d)) gen.writeString(Double.toString(d));
                else gen.writeNumber(d);
            }
            case DECIMAL -> gen.writeNumber(((Value.Decimal) value).value());
            case TIMESTAMP -> gen.writeString(((Value.Timestamp) value).value().toString());
            case DATE -> gen.writeString(((Value.Date) value).value().toString());
            case TEXT -> gen.writeString(((Value.Text) value).value());
            case BYTES -> gen.writeString(Base64.getEncoder().encodeToString(((Value.Bytes) value).unsafeArray()));
            case REFERENCE -> gen.writeString(((Value.Reference) value).path());
            case GEOPOINT -> {
                Value.GeoPoint g = (Value.GeoPoint) value;
                gen.writeStartObject();
                gen.writeNumberField("latitude", g.latitude());
                gen.writeNumberField("longitude", g.longitude());
                gen.writeEndObject();
            }
            case ARRAY -> {
                gen.writeStartArray();
                for (Value v : ((Value.Array) value).values()) write(v, gen);
                gen.writeEndArray();
            }
            case MAP -> {
                gen.writeStartObject();
                for (Map.Entry<String, Value> e : ((Value.MapValue) value).fields().entrySet()) {
                    gen.writeFieldName(e.getKey());
                    write(e.getValue(), gen);
                }
                gen.writeEndObject();
            }
        }
    }
}
