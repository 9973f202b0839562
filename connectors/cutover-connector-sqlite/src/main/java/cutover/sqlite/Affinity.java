package cutover.sqlite;

import java.util.Locale;

/**
 * SQLite's column affinity, derived from a declared type by the rules of section 3.1 of
 * https://www.sqlite.org/datatype3.html, in their order. It decides which values SQLite converts on
 * the way in: TEXT "007" in an INTEGER column becomes 7, so the sink must know it.
 */
enum Affinity {
    INTEGER, TEXT, BLOB, REAL, NUMERIC;

    static Affinity of(String declaredType) {
        String t = declaredType == null ? "" : declaredType.toUpperCase(Locale.ROOT);
        if (t.contains("INT")) return INTEGER;
        if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) return TEXT;
        if (t.contains("BLOB") || t.isBlank()) return BLOB;
        if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) return REAL;
        return NUMERIC;
    }
}
