package cutover.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * Key values as PostgreSQL prints them, in a JSON array of strings (null for SQL null):
 * {@code ["42","2024-01-01 00:00:00+00"]}. Used for resume tokens and split bounds; they go back into
 * SQL as {@code CAST(? AS type)}, so any key type that has a text form round-trips exactly and
 * compares with the server's own ordering.
 */
final class KeyText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyText() {}

    static String encode(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        for (String v : values) {
            if (v == null) array.addNull();
            else array.add(v);
        }
        return array.toString();
    }

    static List<String> decode(String text, String what) {
        try {
            var node = JSON.readTree(text);
            if (node == null || !node.isArray()) throw new CutoverException(ErrorCode.STATE_CONFLICT, what + " '" + text + "' is not a JSON array");
            List<String> out = new ArrayList<>();
            for (var v : node) out.add(v.isNull() ? null : v.asText());
            return out;
        } catch (JsonProcessingException e) {
            throw new CutoverException(ErrorCode.STATE_CONFLICT, what + " '" + text + "' is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
