package cutover.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read into a tree with the line and column of every node, keyed by a JSON pointer
 * ({@code /entities/0/columns/2/type}). Jackson's tree drops locations, so the tree is built here
 * from the parser's tokens. Scalars other than null and booleans stay text: the plan reader decides
 * what a number means, and {@code default: 007} keeps its zeros.
 */
final class LocatedYaml {
    private static final YAMLFactory YAML = new YAMLFactory();

    final JsonNode root;
    private final Map<String, int[]> positions;

    private LocatedYaml(JsonNode root, Map<String, int[]> positions) {
        this.root = root;
        this.positions = positions;
    }

    static LocatedYaml parse(String text, String fileName) {
        Map<String, int[]> positions = new HashMap<>();
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) throw new CutoverException(ErrorCode.PLAN_INVALID, fileName + ":1:1: the plan is empty");
            JsonNode root = read(p, "", positions, fileName);
            if (p.nextToken() != null) {
                throw invalid(fileName, p.currentTokenLocation(), "a plan file holds one YAML document, found a second one");
            }
            return new LocatedYaml(root, positions);
        } catch (JsonProcessingException e) {
            throw invalid(fileName, e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.PLAN_INVALID, fileName + ": cannot read the plan: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(JsonParser p, String pointer, Map<String, int[]> positions, String fileName) throws IOException {
        positions.putIfAbsent(pointer, position(p.currentTokenLocation()));
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = pointer + "/" + escape(name);
                    if (object.has(name)) throw invalid(fileName, p.currentTokenLocation(), "key \"" + name + "\" appears twice");
                    positions.put(child, position(p.currentTokenLocation()));
                    p.nextToken();
                    object.set(name, read(p, child, positions, fileName));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) array.add(read(p, pointer + "/" + i++, positions, fileName));
                return array;
            }
            case VALUE_NULL: return NullNode.instance;
            case VALUE_TRUE: return BooleanNode.TRUE;
            case VALUE_FALSE: return BooleanNode.FALSE;
            default: return TextNode.valueOf(p.getText());
        }
    }

    /** JSON pointer escaping (RFC 6901): ~ as ~0, / as ~1. */
    static String escape(String name) { return name.replace("~", "~0").replace("/", "~1"); }

    private static int[] position(JsonLocation l) { return new int[] {Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr())}; }

    /** The line and column of a node, or of its nearest ancestor that has one. */
    int[] positionOf(String pointer) {
        String p = pointer;
        while (true) {
            int[] at = positions.get(p);
            if (at != null) return at;
            if (p.isEmpty()) return new int[] {1, 1};
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    private static CutoverException invalid(String fileName, JsonLocation l, String message) {
        String where = l == null ? fileName : fileName + ":" + l.getLineNr() + ":" + l.getColumnNr();
        return new CutoverException(ErrorCode.PLAN_INVALID, where + ": " + message);
    }
}
