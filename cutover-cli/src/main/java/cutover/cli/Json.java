package cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON mapper of the command line's {@code --json} output: pretty, ISO dates, stable. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()) // named: finding modules scans the class path (~90 ms a start)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {}

    static String write(Object value) {
        return render(MAPPER.writer(), value);
    }

    /** The value on one line, for output that is a stream of objects (JSON Lines), as a scheduled backup's runs are. */
    static String line(Object value) {
        return render(MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT), value);
    }

    private static String render(com.fasterxml.jackson.databind.ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON output", e);
        }
    }

    /** An object of these keys and values, alternating, kept in this order: a script's reader and a person see the same layout each run. */
    static Map<String, Object> fields(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values alternate: " + keysAndValues.length + " given");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    static String object(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return write(m);
    }
}
