package cutover.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a table's rows read as beyond their stored bytes, as an md5: its columns' numbers and types,
 * and of every type they are made of (a domain's base, an array's element, a range's subtype, a
 * composite's attributes) an enum's labels in order and a composite's attributes' numbers and types.
 * A column dropped and added again under its name (a new number, its rows NULL without being
 * written), an enum's label renamed or a composite's attribute added changes what unchanged rows
 * read as: a backup that reuses rows it did not read must see that (docs/backup-format.md, `table`).
 * The types are read in one flat query and walked here: the same walk as a recursive query per
 * table cost PostgreSQL's planner enough to compile it (JIT), 300 ms a backup.
 */
final class RowsLayout {
    /** A type's own part of a layout and the types it is made of. */
    private record TypeNode(String own, List<Long> madeOf) {}

    private final Map<Long, TypeNode> types;

    private RowsLayout(Map<Long, TypeNode> types) {
        this.types = types;
    }

    /** The types a column can be made of beyond a plain base type (but the system's own), read now. */
    static RowsLayout read(Connection c) throws SQLException {
        Map<Long, TypeNode> types = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT t.oid::bigint, t.typbasetype::bigint, t.typelem::bigint, "
                + "(SELECT g.rngsubtype::bigint FROM pg_range g WHERE g.rngtypid = t.oid), "
                + "array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), "
                + "array(SELECT a.attnum || ' ' || a.atttypid FROM pg_attribute a WHERE t.typtype = 'c' AND a.attrelid = t.typrelid "
                + "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) "
                // the system's own types never change (a catalog's row type among them): only an array's element is walked from them
                + "FROM pg_type t WHERE (t.typtype IN ('d', 'e', 'c', 'r') AND t.typnamespace NOT IN ('pg_catalog'::regnamespace,"
                + " 'information_schema'::regnamespace)) OR t.typelem <> 0")) {
            while (rs.next()) {
                List<Long> madeOf = new ArrayList<>();
                for (int column = 2; column <= 4; column++) {
                    long oid = rs.getLong(column);
                    if (oid != 0) madeOf.add(oid);
                }
                List<String> labels = Catalog.texts(rs.getArray(5)), attributes = Catalog.texts(rs.getArray(6));
                for (String attribute : attributes) madeOf.add(Long.parseLong(attribute.substring(attribute.indexOf(' ') + 1)));
                types.put(rs.getLong(1), new TypeNode(String.join(",", labels) + ":" + String.join(",", attributes), madeOf));
            }
        }
        return new RowsLayout(types);
    }

    /** The md5 of a table whose columns are {@code columns}, each {@code "attnum typeoid"} in column order. */
    String of(List<String> columns) {
        Map<Long, String> reached = new TreeMap<>();
        Deque<Long> next = new ArrayDeque<>();
        for (String column : columns) next.add(Long.parseLong(column.substring(column.indexOf(' ') + 1)));
        while (!next.isEmpty()) {
            long oid = next.poll();
            if (reached.containsKey(oid)) continue;
            TypeNode node = types.get(oid);
            reached.put(oid, node == null ? "" : node.own());
            if (node != null) next.addAll(node.madeOf());
        }
        StringBuilder text = new StringBuilder(String.join(",", columns)).append('|');
        reached.forEach((oid, own) -> text.append(oid).append(':').append(own).append(';'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }
}
