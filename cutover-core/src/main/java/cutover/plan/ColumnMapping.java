package cutover.plan;

import java.util.List;
import java.util.Objects;

/**
 * One column of a table and where its value comes from.
 *
 * @param from         the source field path: one name for a top-level field, more for a field inside
 *                     maps ({@code [address, city]}); YAML writes it dotted ({@code address.city}, a dot
 *                     in a name escaped as {@code \.}, a backslash as {@code \\}) or as a list
 * @param type         a type name: text, bigint, double, numeric, boolean, timestamptz, date, bytes, jsonb, geopoint
 * @param defaultValue the value when the field is missing or null, as YAML text; null for none
 * @param transform    a {@link Transform} name or null
 * @param onConflict   a {@link ConflictRule} name overriding the entity's, or null
 * @param references   for a reference field: the target table; the column then holds the referenced
 *                     document's id and gets a foreign key to that table
 * @param arrays       null or {@code jsonb} (an array is stored whole) or {@code child_table} (one row
 *                     per element in table {@code <table>_<name>}: parent key, index, value of {@code type})
 */
public record ColumnMapping(String name, List<String> from, String type, boolean nullable, String defaultValue,
                            String transform, String onConflict, String references, String arrays) {
    public static final String ARRAYS_JSONB = "jsonb";
    public static final String ARRAYS_CHILD_TABLE = "child_table";

    public ColumnMapping {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        from = List.copyOf(from);
        if (from.isEmpty()) throw new IllegalArgumentException("column " + name + ": the field path is empty");
    }

    /** A plain column: the top-level field {@code field}, no default, transform or override. */
    public static ColumnMapping of(String name, String field, String type, boolean nullable) {
        return new ColumnMapping(name, List.of(field), type, nullable, null, null, null, null, null);
    }

    public boolean childTable() { return ARRAYS_CHILD_TABLE.equals(arrays); }

    /** Whether the column is the source field of its own name as it is: no transform, default, reference or child table. */
    public boolean asItIs() {
        return from.equals(List.of(name)) && transform == null && defaultValue == null && references == null && !childTable();
    }
}
