package cutover.postgres;

import cutover.connector.RowDeletion;
import cutover.model.Key;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Deletes a table's rows by key in the open transaction (a restore's {@code --delete}): all in one
 * statement, or, where another table's row refers to one (SQLSTATE 23503), key by key under
 * savepoints, passes over them while one deletes any (a row of the table may refer to another of
 * it). The rows that rows outside the deletion refer to are found first and kept, so that one
 * statement deletes the rest, a chain of the table's own rows included (key by key, a chain of
 * 50,000 went a batch per run, in minutes: an acceptance run). What went is told by which keys are there before and after, not by the statements' counts: a
 * rule or a trigger left firing (a table the role does not own) may keep a row a DELETE named, and
 * such a row is kept, named, as one a foreign key holds. A row that rows outside the deletion refer
 * to by a foreign key that would delete or change them ({@code ON DELETE CASCADE}, {@code SET
 * NULL}, {@code SET DEFAULT}) is kept too, named: the restore does not reach into rows it leaves.
 */
final class KeyedDelete {
    static final String STILL_THERE = "the row is still there after its DELETE: a rule or trigger of the table kept it"
            + " (those of a table the restore's role does not own stay on)";

    /** Rounds of holding the rows held rows refer to; past them, what is left goes key by key. */
    private static final int ROUNDS = 50;

    private final Connection connection;
    private final TableName name;
    /** The table as its statements name it: ONLY where rows of tables inheriting from it would be reached too (not a partitioned one, whose rows are its partitions'). */
    private final String relation;
    private final List<String> key;
    private final Map<String, String> types;

    /** {@code types}: the type of each key column, as the catalog names it. */
    KeyedDelete(Connection connection, TableName name, List<String> key, Map<String, String> types) throws SQLException {
        this.connection = connection;
        this.name = name;
        this.key = key;
        this.types = types;
        this.relation = (partitioned(connection, name) ? "" : "ONLY ") + name.sql();
    }

    /** Deletes the rows of {@code keys}, given as {@code texts} (by key column, each key's value as the text its type reads). */
    RowDeletion.Deleted delete(List<Key> keys, String[][] texts) throws SQLException {
        BitSet before = present(texts, keys.size(), true);
        Map<Integer, String> refused = new HashMap<>();
        BitSet deleting = new BitSet(keys.size());
        deleting.set(0, keys.size());
        // the rows others refer to are held, then those the held rows refer to, round after round (a tree's ancestors)
        for (int round = 0; round < ROUNDS; round++) {
            int[] index = deleting.stream().toArray();
            Map<Integer, String> held = heldByReferences(subset(texts, index), index.length);
            if (held.isEmpty()) break;
            held.forEach((i, why) -> {
                refused.put(index[i], why);
                deleting.clear(index[i]);
            });
        }
        int[] index = deleting.stream().toArray();
        if (index.length > 0) {
            String[][] rest = subset(texts, index);
            Savepoint whole = connection.setSavepoint();
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + relation + " WHERE (" + columns() + ") IN (SELECT "
                    + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> cast("k" + k, k)).toList())
                    + " FROM " + unnest(false) + ")")) {
                setArrays(ps, rest);
                ps.executeUpdate();
                connection.releaseSavepoint(whole);
            } catch (SQLException e) {
                if (!SqlErrors.isMissingParent(e.getSQLState())) throw e;
                connection.rollback(whole);
                Map<Integer, String> one = new HashMap<>();
                oneByOne(rest, index.length, one);
                one.forEach((i, why) -> refused.put(index[i], why));
            }
        }
        BitSet kept = present(texts, keys.size(), false);
        kept.and(before);
        Map<Key, String> named = new LinkedHashMap<>();
        kept.stream().forEach(r -> named.put(keys.get(r), refused.getOrDefault(r, STILL_THERE)));
        return new RowDeletion.Deleted(before.cardinality() - kept.cardinality(), named);
    }

    /** The keys' texts at {@code index}, in its order. */
    private static String[][] subset(String[][] texts, int[] index) {
        String[][] out = new String[texts.length][index.length];
        for (int k = 0; k < texts.length; k++) for (int i = 0; i < index.length; i++) out[k][i] = texts[k][index[i]];
        return out;
    }

    /**
     * Each key on its own, under a savepoint, in passes while one deletes any: those another row refers
     * to stay, with the server's reason in {@code refused}.
     */
    private void oneByOne(String[][] texts, int rows, Map<Integer, String> refused) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + relation + " WHERE (" + columns() + ") = ("
                + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> cast("?", k)).toList()) + ")")) {
            BitSet left = new BitSet(rows);
            left.set(0, rows);
            for (boolean progress = true; progress && !left.isEmpty(); ) {
                progress = false;
                for (int r = left.nextSetBit(0); r >= 0; r = left.nextSetBit(r + 1)) {
                    for (int k = 0; k < key.size(); k++) ps.setString(k + 1, texts[k][r]);
                    Savepoint row = connection.setSavepoint();
                    try {
                        ps.executeUpdate();
                        connection.releaseSavepoint(row);
                        left.clear(r);
                        refused.remove(r);
                        progress = true;
                    } catch (SQLException e) {
                        if (!SqlErrors.isMissingParent(e.getSQLState())) throw e;
                        connection.rollback(row);
                        org.postgresql.util.ServerErrorMessage server = e instanceof org.postgresql.util.PSQLException p ? p.getServerErrorMessage() : null;
                        String why = server == null ? e.getMessage() : server.getMessage() + (server.getDetail() == null ? "" : " (" + server.getDetail() + ")");
                        refused.put(r, why + " [SQLSTATE " + e.getSQLState() + "]");
                    }
                }
            }
        }
    }

    /**
     * The keys (by index) whose rows rows outside this deletion refer to, each with why: by a foreign
     * key that would refuse the DELETE, or delete or change them; a row of the table among the keys is
     * within it (so a chain of the table's rows goes in one statement).
     */
    private Map<Integer, String> heldByReferences(String[][] texts, int rows) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        for (Reference a : references(connection, name)) {
            // a row of this table among the keys is deleted with them: it holds none
            String outside = !a.self() ? "" : " AND NOT EXISTS (SELECT 1 FROM " + unnest(false).replace("AS u(", "AS v(") + " WHERE ("
                    + columns("c.") + ") = (" + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> cast("v.k" + k, k)).toList()) + "))";
            try (PreparedStatement ps = connection.prepareStatement("SELECT u.n FROM " + unnest(true) + " JOIN " + relation + " p ON (" + columns("p.")
                    + ") = (" + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> cast("u.k" + k, k)).toList())
                    + ") WHERE EXISTS (SELECT 1 FROM " + a.child() + " c WHERE (" + a.childColumns() + ") = (" + a.parentColumns() + ")" + outside + ")")) {
                setArrays(ps, texts);
                if (!outside.isEmpty()) for (int k = 0; k < texts.length; k++) ps.setArray(texts.length + k + 1, connection.createArrayOf("text", texts[k]));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.putIfAbsent(rs.getInt(1) - 1, "rows of " + a.child() + " refer to it by " + a.constraint() + (a.action().isEmpty() ? ""
                                : " " + a.action() + ", which would " + (a.action().endsWith("CASCADE") ? "delete" : "change") + " them")
                                + ", and the restore leaves them as they are (delete them first, or restore their table with --delete too)");
                    }
                }
            }
        }
        return out;
    }

    /**
     * A foreign key referring to the table: the referring relation ({@code child}, as SQL names it),
     * the constraint, whether it is the table's own, both sides' columns ({@code c.a, c."B"} and
     * {@code p.…}), and its action where it would delete or change the referring rows (or empty).
     */
    private record Reference(String child, String constraint, boolean self, String childColumns, String parentColumns, String action) {}

    /** The foreign keys referring to the table or to one of its partitions. */
    private static List<Reference> references(Connection connection, TableName name) throws SQLException {
        List<Reference> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT k.conrelid::regclass::text, k.conname, k.conrelid = k.confrelid,"
                + " (SELECT array_agg(quote_ident(a.attname) ORDER BY o) FROM unnest(k.conkey) WITH ORDINALITY AS c(n, o)"
                + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.n),"
                + " (SELECT array_agg(quote_ident(a.attname) ORDER BY o) FROM unnest(k.confkey) WITH ORDINALITY AS c(n, o)"
                + " JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = c.n),"
                + " CASE k.confdeltype WHEN 'c' THEN 'ON DELETE CASCADE' WHEN 'n' THEN 'ON DELETE SET NULL' WHEN 'd' THEN 'ON DELETE SET DEFAULT'"
                + " ELSE '' END FROM pg_constraint k WHERE k.contype = 'f' AND k.conparentid = 0"
                // to the table, or to one of its partitions (pg_partition_tree gives none for a table that is not partitioned)
                + " AND (k.confrelid = to_regclass(?) OR k.confrelid IN (SELECT relid FROM pg_partition_tree(to_regclass(?)))) ORDER BY 2")) {
            ps.setString(1, name.sql());
            ps.setString(2, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Reference(rs.getString(1), rs.getString(2), rs.getBoolean(3), prefixed("c.", rs.getArray(4)), prefixed("p.", rs.getArray(5)),
                            rs.getString(6)));
                }
            }
        }
        return out;
    }

    /**
     * Why the role could not delete the table's rows as a deletion does, or empty: its key read whole,
     * the DELETE, and the tables referring to it read whole (the rows holding a row are looked for
     * there), each planned in the open transaction under {@code row_security = off} (as the deletion
     * runs: a policy that would hide a row fails the statement), not run: planning checks privileges
     * and policies without reading a row.
     */
    static java.util.Optional<String> cannotDelete(Connection connection, TableName name, List<String> key) throws SQLException {
        String relation = (partitioned(connection, name) ? "" : "ONLY ") + name.sql();
        List<String> statements = new java.util.ArrayList<>(List.of("EXPLAIN SELECT " + TargetSchema.quotedList(key) + " FROM " + relation,
                "EXPLAIN DELETE FROM " + relation + " WHERE false"));
        for (Reference r : references(connection, name)) {
            if (!r.self()) statements.add("EXPLAIN SELECT " + r.childColumns() + " FROM " + r.child() + " c");
        }
        for (String sql : statements) {
            Savepoint before = connection.setSavepoint();
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute(sql);
                connection.releaseSavepoint(before);
            } catch (SQLException e) {
                connection.rollback(before);
                org.postgresql.util.ServerErrorMessage server = e instanceof org.postgresql.util.PSQLException p ? p.getServerErrorMessage() : null;
                return java.util.Optional.of(name + ": " + (server == null ? e.getMessage() : server.getMessage()) + " [SQLSTATE " + e.getSQLState() + "]");
            }
        }
        return java.util.Optional.empty();
    }

    /** Quoted column names ({@code a}, {@code "B"}) as {@code p.a, p."B"}. */
    private static String prefixed(String alias, java.sql.Array columns) throws SQLException {
        return String.join(", ", java.util.Arrays.stream((String[]) columns.getArray()).map(c -> alias + c).toList());
    }

    /**
     * Which of the keys (by their index) the table holds a row of; with {@code locking}, those rows
     * locked, before the rows referring to them are looked for: a row another session inserts
     * meanwhile that refers to one waits for this transaction, and then finds it gone, rather than
     * being deleted with it by a cascade unseen (acceptance run 19).
     */
    private BitSet present(String[][] texts, int rows, boolean locking) throws SQLException {
        BitSet out = new BitSet(rows);
        try (PreparedStatement ps = connection.prepareStatement("SELECT u.n FROM " + unnest(true) + " JOIN " + relation + " t ON (" + columns("t.") + ") = ("
                + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> cast("u.k" + k, k)).toList()) + ")" + (locking ? " FOR UPDATE OF t" : ""))) {
            setArrays(ps, texts);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.set(rs.getInt(1) - 1);
            }
        }
        return out;
    }

    /** {@code unnest(?::text[], …) AS u(k0, …)}: the keys as rows of text; {@code numbered}: with each one's number, {@code n}, from 1. */
    private String unnest(boolean numbered) {
        return "unnest(" + String.join(", ", java.util.Collections.nCopies(key.size(), "?::text[]")) + ")" + (numbered ? " WITH ORDINALITY" : "")
                + " AS u(" + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> "k" + k).toList()) + (numbered ? ", n" : "") + ")";
    }

    private static boolean partitioned(Connection c, TableName name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The text {@code expression} as a value of key column {@code k}'s type. */
    private String cast(String expression, int k) {
        return Catalog.fromText(expression, types.get(key.get(k)));
    }

    private String columns() {
        return TargetSchema.quotedList(key);
    }

    private String columns(String alias) {
        return String.join(", ", key.stream().map(k -> alias + TableName.quote(k)).toList());
    }

    private void setArrays(PreparedStatement ps, String[][] texts) throws SQLException {
        for (int k = 0; k < texts.length; k++) ps.setArray(k + 1, connection.createArrayOf("text", texts[k]));
    }
}
