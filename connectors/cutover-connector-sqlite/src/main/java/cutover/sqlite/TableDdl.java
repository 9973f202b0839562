package cutover.sqlite;

import cutover.model.Column;
import cutover.model.ForeignKey;
import cutover.model.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * The CREATE TABLE for a plan's table. Foreign keys are declared here because SQLite cannot add
 * them to an existing table; they are not enforced while loading (foreign_keys is off, SQLite's
 * default), since splits load in any order, and {@link SqliteSink#finish} reports orphans instead.
 */
final class TableDdl {
    private TableDdl() {}

    static String create(Table table) {
        List<String> parts = new ArrayList<>();
        boolean byRowid = keyedByRowid(table);
        for (Column c : table.columns()) {
            if (byRowid && c.name().equals(table.primaryKey().get(0))) continue; // the table's own rowid
            parts.add(Sql.quote(c.name()) + " " + SqliteTypes.declaredType(c.type()) + (c.nullable() ? "" : " NOT NULL"));
        }
        if (!byRowid) parts.add("PRIMARY KEY (" + Sql.quoteAll(table.primaryKey()) + ")");
        for (ForeignKey fk : table.foreignKeys()) {
            parts.add("FOREIGN KEY (" + Sql.quoteAll(fk.columns()) + ") REFERENCES " + Sql.quote(Sql.tableName(fk.referencedTable()))
                    + " (" + Sql.quoteAll(fk.referencedColumns()) + ")");
        }
        return "CREATE TABLE " + Sql.quote(Sql.tableName(table.name())) + " (\n  " + String.join(",\n  ", parts) + "\n)";
    }

    /**
     * Whether the table is keyed by SQLite's own {@code rowid}: a SQLite table without a primary key
     * is read keyed so, and made again without a column of that name, its keys written into the
     * rowid, so it is the table it was (an application's inserts, which name no such column, work).
     * An upsert names it as any column ({@code "rowid"} is the rowid where no column has the name).
     */
    static boolean keyedByRowid(Table table) {
        return table.primaryKey().size() == 1 && isRowid(table.primaryKey().get(0));
    }

    /** SQLite's names of a row's rowid (a source whose table has a column named {@code rowid} keys it by {@code oid}). */
    static boolean isRowid(String column) {
        return column.equalsIgnoreCase("rowid") || column.equalsIgnoreCase("_rowid_") || column.equalsIgnoreCase("oid");
    }

    /** The idempotent upsert of one row: insert, or update every non-key column on a key conflict. */
    static String upsert(Table table) {
        List<String> names = table.columns().stream().map(Column::name).toList();
        List<String> updates = new ArrayList<>();
        for (String n : names) {
            if (!table.primaryKey().contains(n)) updates.add(Sql.quote(n) + " = excluded." + Sql.quote(n));
        }
        String placeholders = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
        return "INSERT INTO " + Sql.quote(Sql.tableName(table.name())) + " (" + Sql.quoteAll(names) + ") VALUES (" + placeholders + ")"
                + " ON CONFLICT (" + Sql.quoteAll(table.primaryKey()) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
    }
}
