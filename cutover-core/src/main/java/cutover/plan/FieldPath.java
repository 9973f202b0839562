package cutover.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The dotted text form of a field path: {@code address.city} is {@code [address, city]}. Firestore
 * field names may contain dots and backslashes, so a dot inside a name is written {@code \.} and a
 * backslash {@code \\}; no other escape exists.
 */
public final class FieldPath {
    private FieldPath() {}

    public static String format(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            if (i > 0) out.append('.');
            out.append(path.get(i).replace("\\", "\\\\").replace(".", "\\."));
        }
        return out.toString();
    }

    /** The path of a dotted text; IllegalArgumentException naming the problem for a stray backslash. */
    public static List<String> parse(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                if (next != '\\' && next != '.') {
                    throw new IllegalArgumentException("in field path \"" + text + "\" a backslash must be followed by . or \\ (at character " + (i + 1) + ")");
                }
                part.append(next);
                i++;
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }
}
