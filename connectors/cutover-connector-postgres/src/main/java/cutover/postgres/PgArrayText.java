package cutover.postgres;

import cutover.model.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An array's text form as PostgreSQL prints it ({@code array_out}): {@code {a,"b c",NULL}}, nested
 * braces for each further dimension, optionally after explicit bounds ({@code [0:1]={…}}), which a
 * value does not keep. An element is double-quoted when it must be (empty, {@code NULL} as text,
 * braces, quotes, backslashes, the delimiter or white space), with {@code \} escaping the next
 * character; an unquoted {@code NULL} is a null element. Every type's delimiter is a comma except
 * {@code box}'s semicolon.
 */
final class PgArrayText {
    private final String text;
    private final char delimiter;
    private final Function<String, Value> element;
    private int at;

    private PgArrayText(String text, char delimiter, Function<String, Value> element) {
        this.text = text;
        this.delimiter = delimiter;
        this.element = element;
    }

    /** The array's value: an {@link Value.Array} of the elements, each decoded by {@code element}, arrays within for each further dimension. */
    static Value parse(String text, String elementType, Function<String, Value> element) {
        PgArrayText p = new PgArrayText(text, elementType.equals("box") ? ';' : ',', element);
        p.skipBounds();
        Value out = p.array();
        p.skipSpace();
        if (p.at != text.length()) throw p.problem("text after the array's closing brace");
        return out;
    }

    private void skipBounds() {
        skipSpace();
        if (at < text.length() && text.charAt(at) == '[') {
            int eq = text.indexOf('=', at);
            if (eq < 0) throw problem("bounds without '='");
            at = eq + 1;
            skipSpace();
        }
    }

    private Value array() {
        expect('{');
        List<Value> values = new ArrayList<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return new Value.Array(values);
        }
        while (true) {
            skipSpace();
            values.add(peek() == '{' ? array() : element());
            skipSpace();
            char c = next();
            if (c == '}') return new Value.Array(values);
            if (c != delimiter) throw problem("'" + delimiter + "' or '}' expected, found '" + c + "'");
        }
    }

    private Value element() {
        if (peek() == '"') {
            at++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') return element.apply(sb.toString());
                if (c == '\\') c = next();
                sb.append(c);
            }
        }
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == delimiter || c == '}') break;
            if (c == '{' || c == '"') throw problem("'" + c + "' inside an unquoted element");
            at++;
        }
        String raw = text.substring(start, at).strip();
        if (raw.isEmpty()) throw problem("an empty unquoted element");
        return raw.equalsIgnoreCase("NULL") ? Value.NULL : element.apply(raw);
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    private char peek() {
        if (at >= text.length()) throw problem("the array ends early");
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) throw problem("'" + c + "' expected");
    }

    private IllegalArgumentException problem(String what) {
        return new IllegalArgumentException("not an array: " + what + " at character " + at + " of " + text);
    }
}
