package cutover.model;

import java.util.List;
import java.util.Optional;

/**
 * A target table as the plan defines it. {@code name} may carry a schema ({@code public.users});
 * without one the sink's default schema is used. Rows written to it are {@link Record}s whose
 * entity is {@code EntityName.of(name)}, whose fields are the columns, and whose key is the primary
 * key columns' values in order. {@code definition}, when present, is the table as a database of the
 * same kind defined it (a restore of its backup): a sink of that kind makes the table from it.
 * A table without a primary key (its source table had none) has its rows loaded whole, as the
 * source's bulk text, never record by record, which needs a key to resume and to upsert by; a
 * migration writes it only with its definition, which verify and plan check do without.
 * {@code elementsOf}, when present, says the table holds the elements of an array of its parent's
 * rows (the key to the parent, then the element's {@code index}): a parent row written again brings
 * all its elements, so those past them (an array that shrank) are the parent's no more.
 */
public record Table(String name, List<Column> columns, List<String> primaryKey, List<ForeignKey> foreignKeys,
                    boolean rowLevelSecurity, NativeDefinition definition, ForeignKey elementsOf) {
    public Table {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        foreignKeys = List.copyOf(foreignKeys);
        for (String pk : primaryKey) {
            if (columns.stream().noneMatch(c -> c.name().equals(pk))) {
                throw new IllegalArgumentException("table " + name + ": primary key column " + pk + " is not a column");
            }
        }
    }

    public Table(String name, List<Column> columns, List<String> primaryKey, List<ForeignKey> foreignKeys, boolean rowLevelSecurity,
                 NativeDefinition definition) {
        this(name, columns, primaryKey, foreignKeys, rowLevelSecurity, definition, null);
    }

    public Table(String name, List<Column> columns, List<String> primaryKey, List<ForeignKey> foreignKeys, boolean rowLevelSecurity) {
        this(name, columns, primaryKey, foreignKeys, rowLevelSecurity, null, null);
    }

    /** The same table, to be made as {@code d} defines it where the sink reads its format. */
    public Table withDefinition(NativeDefinition d) {
        return new Table(name, columns, primaryKey, foreignKeys, rowLevelSecurity, d, elementsOf);
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public EntityName entity() { return EntityName.of(name); }
}
