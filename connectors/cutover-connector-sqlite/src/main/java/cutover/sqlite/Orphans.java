package cutover.sqlite;

import cutover.model.ForeignKey;
import cutover.model.Table;

import java.util.ArrayList;
import java.util.List;

/** Rows whose foreign key points to no parent row, found by a query since SQLite did not enforce it. */
final class Orphans {
    private Orphans() {}

    static String countQuery(Table child, ForeignKey fk) {
        List<String> notNull = new ArrayList<>(), matches = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
            String col = Sql.quote(fk.columns().get(i));
            notNull.add("c." + col + " IS NOT NULL");
            matches.add("p." + Sql.quote(fk.referencedColumns().get(i)) + " = c." + col);
        }
        return "SELECT count(*) FROM " + Sql.quote(Sql.tableName(child.name())) + " c WHERE " + String.join(" AND ", notNull)
                + " AND NOT EXISTS (SELECT 1 FROM " + Sql.quote(Sql.tableName(fk.referencedTable())) + " p WHERE "
                + String.join(" AND ", matches) + ")";
    }

    static String describe(Table child, ForeignKey fk, long orphans) {
        return "table " + Sql.tableName(child.name()) + ": " + orphans + (orphans == 1 ? " row has " : " rows have ") + fk.columns()
                + " matching no row of " + Sql.tableName(fk.referencedTable()) + fk.referencedColumns()
                + " (kept; SQLite does not enforce foreign keys unless PRAGMA foreign_keys=ON, which would refuse them)";
    }
}
