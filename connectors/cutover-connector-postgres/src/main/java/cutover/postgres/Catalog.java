package cutover.postgres;

/** SQL over PostgreSQL's catalog that more than one reader of it needs. */
final class Catalog {
    private Catalog() {}

    /** A query for the primary key columns of the relation whose oid is {@code relation} (SQL), in key order. */
    static String primaryKeyColumns(String relation) {
        return "SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = " + relation
                + " AND i.indisprimary ORDER BY k.pos";
    }
}
