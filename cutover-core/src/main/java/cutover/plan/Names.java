package cutover.plan;

import java.util.Locale;
import java.util.Set;

/** SQL-friendly names for tables and columns: snake_case, at most 63 characters (PostgreSQL's limit), unique. */
public final class Names {
    static final int MAX_LENGTH = 63;

    private Names() {}

    /** {@code firstName} → {@code first_name}, {@code HTTPStatus} → {@code http_status}, {@code Full Name} → {@code full_name}. */
    public static String snake(String name) {
        StringBuilder out = new StringBuilder();
        // by characters, composed (an accent typed apart, as macOS stores é, joins its letter): letters of any plane
        int[] cp = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC).codePoints().toArray();
        int n = cp.length;
        for (int i = 0; i < n; i++) {
            int c = cp[i];
            if (Character.isUpperCase(c)) {
                boolean afterLower = i > 0 && (Character.isLowerCase(cp[i - 1]) || Character.isDigit(cp[i - 1]));
                boolean beforeLower = i > 0 && i + 1 < n && Character.isUpperCase(cp[i - 1]) && Character.isLowerCase(cp[i + 1]);
                if (afterLower || beforeLower) out.append('_');
                out.appendCodePoint(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c) || isMark(c)) {
                out.appendCodePoint(c); // a letter of any script (PostgreSQL and SQLite take them: "prénom", "नाम" stay so), a digit
            } else {
                out.append('_');
            }
        }
        String s = out.toString().toLowerCase(Locale.ROOT).replaceAll("_+", "_").replaceAll("^_|_$", "");
        if (s.isEmpty()) s = "field";
        if (Character.isDigit(s.charAt(0))) s = "f_" + s;
        return cutToBytes(s, MAX_LENGTH);
    }

    /** A combining mark (a vowel sign of Devanagari or Thai, an accent typed apart): part of the letter before it. */
    static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }

    /** The name cut to {@code max} bytes of UTF-8 (PostgreSQL's identifier limit counts bytes), at a character's end. */
    private static String cutToBytes(String s, int max) {
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + width > max) return s.substring(0, i);
            bytes += width;
            i += Character.charCount(cp);
        }
        return s;
    }

    /** A naive English singular for key column names: users → user, categories → category, addresses → address. */
    static String singular(String plural) {
        if (plural.endsWith("ies") && plural.length() > 3) return plural.substring(0, plural.length() - 3) + "y";
        if (plural.endsWith("sses") || plural.endsWith("xes") || plural.endsWith("ches") || plural.endsWith("shes")) {
            return plural.substring(0, plural.length() - 2);
        }
        if (plural.endsWith("s") && !plural.endsWith("ss") && plural.length() > 1) return plural.substring(0, plural.length() - 1);
        return plural;
    }

    /** {@code name}, or {@code name_2}, {@code name_3}… whichever is not taken yet; the result is added to {@code taken}. */
    public static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            String suffix = "_" + i;
            candidate = cutToBytes(name, MAX_LENGTH - suffix.length()) + suffix;
        }
        taken.add(candidate);
        return candidate;
    }

    /** The column a child table uses for a parent key column: {@code id} of {@code users} becomes {@code user_id}. */
    static String parentKeyColumn(String parentTable, String keyColumn) {
        if (!keyColumn.equals("id")) return keyColumn;
        int dot = parentTable.lastIndexOf('.');
        return singular(parentTable.substring(dot + 1)) + "_id";
    }
}
