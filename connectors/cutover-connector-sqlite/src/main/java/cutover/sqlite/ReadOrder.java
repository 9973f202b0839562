package cutover.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The order a table is read in and how to continue after a row. Keyed tables are read by primary
 * key; a rowid table whose key is not its rowid also orders by rowid last, because SQLite lets such
 * keys hold several NULLs and the resume point must name exactly one row. Tables without a key are
 * read by rowid, which is then their records' key.
 */
record ReadOrder(List<String> keyColumns, List<String> orderExpressions, boolean keyIsRowid) {

    static ReadOrder of(TableShape shape) {
        if (shape.primaryKey().isEmpty()) {
            String rowid = rowidOf(shape);
            return new ReadOrder(List.of(rowid), List.of(rowid), true);
        }
        List<String> order = new ArrayList<>();
        for (String pk : shape.primaryKey()) order.add(Sql.quote(pk));
        if (shape.hasRowid() && !isRowidAlias(shape)) order.add(rowidOf(shape));
        return new ReadOrder(shape.primaryKey(), order, false);
    }

    /** The name of the table's rowid ({@link TableShape#rowidName}); a table whose columns take every such name cannot be read in order. */
    static String rowidOf(TableShape shape) {
        String name = shape.rowidName();
        if (name == null) {
            throw new cutover.error.CutoverException(cutover.error.ErrorCode.SOURCE_FORMAT_UNKNOWN, "table " + shape.name() + " has columns named rowid,"
                    + " _rowid_ and oid, which hide its rowid, and no primary key to read its rows in order by; rename one of them");
        }
        return name;
    }

    /** True when key order is rowid order, so a rowid range is a key range read straight off the table. */
    static boolean isRowidOrdered(TableShape shape) {
        return shape.hasRowid() && (shape.primaryKey().isEmpty() || isRowidAlias(shape));
    }

    /** An INTEGER PRIMARY KEY column is the rowid itself: unique and never NULL. */
    private static boolean isRowidAlias(TableShape shape) {
        if (shape.primaryKey().size() != 1) return false;
        return shape.column(shape.primaryKey().get(0))
                .map(c -> c.declaredType() != null && c.declaredType().trim().toUpperCase(Locale.ROOT).equals("INTEGER"))
                .orElse(false);
    }

    /**
     * The condition for rows after the given order values, with one {@code ?} per value in
     * {@code bindOrder}. SQL NULLs sort first, and a row value compared with NULL is NULL, so when
     * the last row had a NULL the comparison is spelled out column by column with IS.
     */
    String after(List<Object> last, List<Object> bindOrder) {
        int n = orderExpressions.size();
        if (!last.contains(null)) {
            bindOrder.addAll(last);
            if (n == 1) return orderExpressions.get(0) + " > ?";
            return "(" + String.join(", ", orderExpressions) + ") > (" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
        }
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> terms = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                terms.add(orderExpressions.get(j) + " IS ?");
                bindOrder.add(last.get(j));
            }
            if (last.get(i) == null) {
                terms.add(orderExpressions.get(i) + " IS NOT NULL");
            } else {
                terms.add(orderExpressions.get(i) + " > ?");
                bindOrder.add(last.get(i));
            }
            alternatives.add("(" + String.join(" AND ", terms) + ")");
        }
        return "(" + String.join(" OR ", alternatives) + ")";
    }
}
