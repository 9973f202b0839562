package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Key;

import java.util.regex.Pattern;

/**
 * A pattern on a record's key as written ({@code u_1}, or {@code u_1/p7} for a subcollection's
 * document, whose first parts are its parent's): {@code *} stands for any characters, {@code ?} for
 * one, everything else for itself; the whole key must match. So {@code u_1*} picks the users whose
 * id starts with {@code u_1}, and in {@code users/*}{@code /posts} their posts too.
 */
public record KeyGlob(String pattern, Pattern regex) {
    public static KeyGlob of(String pattern) {
        if (pattern == null || pattern.isEmpty()) throw new CutoverException(ErrorCode.USAGE, "a key pattern cannot be empty");
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) re.append(Pattern.quote(literal.toString()));
        return new KeyGlob(pattern, Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    public boolean matches(Key key) { return matches(key.toString()); }

    public boolean matches(String key) { return regex.matcher(key).matches(); }
}
