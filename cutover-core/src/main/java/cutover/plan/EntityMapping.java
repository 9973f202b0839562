package cutover.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one source entity ({@code users}, {@code users/*&#47;posts}, {@code public.orders}) becomes a
 * table. {@code key} names the primary key columns: a key column defined under {@code columns} takes
 * its value from a field (table sources); the others take the document key, the last parts of it in
 * order, so {@code [user_id, id]} in {@code users/*&#47;posts} gets the user's id and the post's id.
 * {@code onConflict} is the rule for values whose kind does not fit their column ({@link ConflictRule});
 * a column may override it. {@code rowLevelSecurity} null means the plan's default. {@code notes} are
 * the comment lines written above the entity (what analysis found); they are kept on a round trip.
 */
public record EntityMapping(String source, String table, boolean skip, List<String> key, String onConflict,
                            Boolean rowLevelSecurity, List<ForeignKeyMapping> foreignKeys, List<ColumnMapping> columns,
                            List<String> notes) {
    public EntityMapping {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(onConflict, "onConflict");
        key = List.copyOf(key);
        foreignKeys = foreignKeys == null ? List.of() : List.copyOf(foreignKeys);
        columns = List.copyOf(columns);
        // a note is one YAML comment line: no line breaks or other characters YAML refuses, no surrounding blanks
        notes = notes == null ? List.of() : notes.stream().map(n -> n.replaceAll("[\\p{Cc}\\u2028\\u2029\\uFFFE\\uFFFF]+", " ").strip()).toList();
    }

    public Optional<ColumnMapping> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The key columns that take parts of the document key rather than a field. */
    public List<String> keyPartColumns() {
        return key.stream().filter(k -> column(k).isEmpty()).toList();
    }

    public EntityMapping withColumns(List<ColumnMapping> newColumns) {
        return new EntityMapping(source, table, skip, key, onConflict, rowLevelSecurity, foreignKeys, newColumns, notes);
    }

    /** The same mapping keyed by {@code newKey}, {@code why} added to its notes. */
    public EntityMapping withKey(List<String> newKey, String why) {
        return new EntityMapping(source, table, skip, newKey, onConflict, rowLevelSecurity, foreignKeys, columns, notesWith(why));
    }

    /** The same mapping, {@code note} added to its notes. */
    public EntityMapping withNote(String note) {
        return new EntityMapping(source, table, skip, key, onConflict, rowLevelSecurity, foreignKeys, columns, notesWith(note));
    }

    /** The same mapping skipped ({@code skip: true}), {@code why} added to its notes. */
    public EntityMapping skipped(String why) {
        return new EntityMapping(source, table, true, key, onConflict, rowLevelSecurity, foreignKeys, columns, notesWith(why));
    }

    private List<String> notesWith(String why) {
        List<String> out = new java.util.ArrayList<>(notes);
        out.add(why);
        return out;
    }
}
