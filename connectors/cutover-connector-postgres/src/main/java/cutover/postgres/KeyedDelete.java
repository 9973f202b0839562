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
 * Deletes rows by key in the open transaction (a restore's {@code --delete}), of one table or of
 * several together: all in one statement (a writable CTE for several: the foreign keys are checked
 * at its end, so rows of two tables referring to each other, a team and its owner, go together),
 * or, where the statement is refused for a row another refers to (SQLSTATE 23503), key by key
 * under savepoints, passes over them while one deletes any. The rows that rows outside the deletion
 * refer to are found first and kept, so that one statement deletes the rest, a chain of a table's
 * own rows included (key by key, a chain of 50,000 went a batch per run, in minutes: an acceptance
 * run). What went is told by which keys are there before and after, not by the statements' counts:
 * a rule or a trigger left firing (a table the role does not own) may keep a row a DELETE named,
 * and such a row is kept, named, as one a foreign key holds. A row that rows outside the deletion
 * refer to by a foreign key that would delete or change them ({@code ON DELETE CASCADE}, {@code
 * SET NULL}, {@code SET DEFAULT}) is kept too, named: the restore does not reach into rows it leaves.
 */
final class KeyedDelete {
    static final String STILL_THERE = "the row is still there after its DELETE: a rule or trigger of the table kept it"
            + " (those of a table the restore's role does not own stay on)";

    private final Connection connection;
    private final List<Part> parts = new java.util.ArrayList<>();

    KeyedDelete(Connection connection) {
        this.connection = connection;
    }

    /**
     * Adds a table's rows to delete: {@code keys}, given as {@code texts} (by key column, each key's
     * value as the text its type reads); {@code types}: the type of each key column, as the catalog
     * names it.
     */
    KeyedDelete add(TableName name, List<String> key, Map<String, String> types, List<Key> keys, String[][] texts) throws SQLException {
        parts.add(new Part(connection, name, key, types, keys, texts));
        return this;
    }

    /** Deletes the rows added; by table, in the order added, how many went and which were kept, with why. */
    List<RowDeletion.Deleted> delete() throws SQLException {
        for (Part p : parts) {
            p.before = present(p, true);
            p.deleting.set(0, p.keys.size());
        }
        // the rows rows outside the deletion refer to are held; then, through the references among the rows deleted,
        // each row a held row refers to, and so on (a tree's ancestors, a chain of any length: taken a round of
        // queries a link, a chain longer than the rounds failed the statement and went key by key, for an hour)
        java.util.ArrayDeque<int[]> heldToFollow = new java.util.ArrayDeque<>(); // part, row
        for (int q = 0; q < parts.size(); q++) {
            Part p = parts.get(q);
            int part = q;
            heldByReferences(p).forEach((i, why) -> {
                p.refused.put(i, why);
                p.deleting.clear(i);
                heldToFollow.add(new int[] {part, i});
            });
        }
        if (!heldToFollow.isEmpty()) {
            List<Link> links = linksWithin();
            while (!heldToFollow.isEmpty()) {
                int[] held = heldToFollow.poll();
                for (Link link : links) {
                    if (link.child() != held[0]) continue;
                    Part parent = parts.get(link.parent());
                    for (int r : link.from().getOrDefault(held[1], List.of())) {
                        if (!parent.deleting.get(r)) continue;
                        Part child = parts.get(held[0]);
                        parent.refused.put(r, "rows of " + link.reference().child() + " refer to it by " + link.reference().constraint() + ", one of them kept ("
                                + child.name + " " + child.keys.get(held[1]) + ")");
                        parent.deleting.clear(r);
                        heldToFollow.add(new int[] {link.parent(), r});
                    }
                }
            }
        }
        List<Part> going = parts.stream().filter(p -> !p.deleting.isEmpty()).toList();
        // PostgreSQL takes no DELETE within a WITH on a table with a rule on DELETE but a single DO INSTEAD (SQLSTATE
        // 0A000, which the pool takes for a lost connection; such rules stay on where the role does not own the
        // table): a statement a table then, rows of tables referring to each other going key by key
        List<List<Part>> statements = going.size() > 1 && withDeleteRules(going) ? going.stream().map(List::of).toList() : List.of(going);
        boolean refused = false;
        for (List<Part> together : statements) {
            if (together.isEmpty()) continue;
            Savepoint whole = connection.setSavepoint();
            try (PreparedStatement ps = connection.prepareStatement(together.size() == 1 ? together.get(0).deleteStatement()
                    : "WITH " + String.join(", ", IntStream.range(0, together.size()).mapToObj(i -> "d" + i + " AS (" + together.get(i).deleteStatement() + ")")
                    .toList()) + " SELECT 1")) {
                int parameter = 1;
                for (Part p : together) parameter = setArrays(ps, parameter, p.subset(p.deleting.stream().toArray()));
                ps.execute();
                connection.releaseSavepoint(whole);
                together.forEach(p -> p.deleting.clear());
            } catch (SQLException e) {
                if (!SqlErrors.isMissingParent(e.getSQLState())) throw e;
                connection.rollback(whole);
                refused = true;
            }
        }
        if (refused) {
            // key by key, table after table, while a pass deletes any (a row of one may hold a row of another)
            for (boolean progress = true; progress; ) {
                progress = false;
                for (Part p : going) progress |= oneByOne(p);
            }
        }
        List<RowDeletion.Deleted> out = new java.util.ArrayList<>();
        for (Part p : parts) {
            BitSet kept = present(p, false);
            kept.and(p.before);
            Map<Key, String> named = new LinkedHashMap<>();
            kept.stream().forEach(r -> named.put(p.keys.get(r), p.refused.getOrDefault(r, STILL_THERE)));
            out.add(new RowDeletion.Deleted(p.before.cardinality() - kept.cardinality(), named));
        }
        return out;
    }

    /**
     * A table as the deletion's statements name it ({@code sql}): ONLY where rows of tables inheriting
     * from it would be reached too (not a partitioned one, whose rows are its partitions').
     */
    private record Relation(long oid, String sql) {
        static Relation of(Connection connection, TableName name) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("SELECT oid, relkind = 'p' FROM pg_class WHERE oid = to_regclass(?)")) {
                ps.setString(1, name.sql());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new SQLException("relation " + name.sql() + " does not exist", "42P01");
                    return new Relation(rs.getLong(1), (rs.getBoolean(2) ? "" : "ONLY ") + name.sql());
                }
            }
        }
    }

    /** One table's part of a deletion: the table, its key, the keys to delete and, as it goes, which are held and why. */
    private static final class Part {
        final TableName name;
        /** The table as its statements name it ({@link Relation#sql}). */
        final String relation;
        final long oid;
        /** The foreign keys referring to the table, read once for finding the rows held and the links among those deleted. */
        final List<Reference> references;
        final List<String> key;
        final Map<String, String> types;
        final List<Key> keys;
        final String[][] texts;
        BitSet before;
        /** The keys (by index) still to delete: not held. */
        final BitSet deleting;
        /** Why the rows (by index) held or refused were. */
        final Map<Integer, String> refused = new HashMap<>();

        Part(Connection connection, TableName name, List<String> key, Map<String, String> types, List<Key> keys, String[][] texts) throws SQLException {
            this.name = name;
            this.key = key;
            this.types = types;
            this.keys = keys;
            this.texts = texts;
            this.deleting = new BitSet(keys.size());
            Relation r = Relation.of(connection, name);
            this.oid = r.oid();
            this.relation = r.sql();
            this.references = references(connection, name);
        }

        /** The keys' texts at {@code index}, in its order. */
        String[][] subset(int[] index) {
            String[][] out = new String[texts.length][index.length];
            for (int k = 0; k < texts.length; k++) for (int i = 0; i < index.length; i++) out[k][i] = texts[k][index[i]];
            return out;
        }

        /** The DELETE of the keys given as its parameters' arrays. */
        String deleteStatement() {
            return "DELETE FROM " + relation + " WHERE (" + TargetSchema.quotedList(key) + ") IN (SELECT " + casts("") + " FROM " + unnest(false, "u") + ")";
        }

        /** The text columns {@code alias.k0, …} as values of the key columns' types. */
        String casts(String alias) {
            return String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> Catalog.fromText(alias + "k" + k, types.get(key.get(k)))).toList());
        }

        /** {@code unnest(?::text[], …) AS alias(k0, …)}: the keys as rows of text; {@code numbered}: with each one's number, {@code n}, from 1. */
        String unnest(boolean numbered, String alias) {
            return "unnest(" + String.join(", ", java.util.Collections.nCopies(key.size(), "?::text[]")) + ")" + (numbered ? " WITH ORDINALITY" : "")
                    + " AS " + alias + "(" + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> "k" + k).toList()) + (numbered ? ", n" : "") + ")";
        }

        String columns(String alias) {
            return String.join(", ", key.stream().map(k -> alias + TableName.quote(k)).toList());
        }
    }

    /**
     * The part's keys still to delete each on its own, under a savepoint, in passes while one deletes
     * any: those another row refers to stay, with the server's reason; whether any went.
     */
    private boolean oneByOne(Part p) throws SQLException {
        boolean any = false;
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + p.relation + " WHERE (" + TargetSchema.quotedList(p.key) + ") = ("
                + String.join(", ", IntStream.range(0, p.key.size()).mapToObj(k -> Catalog.fromText("?", p.types.get(p.key.get(k)))).toList()) + ")")) {
            for (boolean progress = true; progress && !p.deleting.isEmpty(); ) {
                progress = false;
                for (int r = p.deleting.nextSetBit(0); r >= 0; r = p.deleting.nextSetBit(r + 1)) {
                    for (int k = 0; k < p.key.size(); k++) ps.setString(k + 1, p.texts[k][r]);
                    Savepoint row = connection.setSavepoint();
                    try {
                        ps.executeUpdate();
                        connection.releaseSavepoint(row);
                        p.deleting.clear(r);
                        p.refused.remove(r);
                        progress = any = true;
                    } catch (SQLException e) {
                        if (!SqlErrors.isMissingParent(e.getSQLState())) throw e;
                        connection.rollback(row);
                        p.refused.put(r, said(e, true));
                    }
                }
            }
        }
        return any;
    }

    /**
     * The keys of part {@code p} (by index) whose rows rows outside this deletion refer to, each with
     * why: by a foreign key that would refuse the DELETE, or delete or change them. A row among the
     * keys, of this table or another part's, is within it (a row held so holds the rows it refers to:
     * {@link #linksWithin}).
     */
    private Map<Integer, String> heldByReferences(Part p) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        if (p.keys.isEmpty()) return out;
        for (Reference a : p.references) {
            Part child = partOf(a.childOid());
            // a referring row among the keys goes with them, unless held itself: it holds none; one not among them stays
            // (the snapshot's own row, or one the restore kept), not a row the restore leaves
            String advice = child == null ? "and the restore leaves them as they are (delete them first, or restore their table with --delete too)"
                    : "rows the restore keeps (the snapshot's, or refused)";
            String outside = child == null ? "" : " AND NOT EXISTS (SELECT 1 FROM " + child.unnest(false, "v") + " WHERE (" + child.columns("c.") + ") = ("
                    + child.casts("v.") + "))";
            try (PreparedStatement ps = connection.prepareStatement("SELECT u.n FROM " + p.unnest(true, "u") + " JOIN " + p.relation + " p ON ("
                    + p.columns("p.") + ") = (" + p.casts("u.") + ") WHERE EXISTS (SELECT 1 FROM " + a.child() + " c WHERE (" + a.childColumns("c.") + ") = ("
                    + a.parentColumns("p.") + ")" + outside + ")")) {
                int next = setArrays(ps, 1, p.texts);
                if (child != null) setArrays(ps, next, child.texts);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.putIfAbsent(rs.getInt(1) - 1, "rows of " + a.child() + " refer to it by " + a.constraint() + (a.action().isEmpty() ? ""
                                : " " + a.action() + ", which would " + (a.action().endsWith("CASCADE") ? "delete" : "change") + " them") + ", " + advice);
                    }
                }
            }
        }
        return out;
    }

    /** Whether a rule on DELETE of one of the parts' tables may fire. */
    private boolean withDeleteRules(List<Part> of) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = ANY (?) AND ev_type = '4'"
                + " AND ev_enabled <> 'D')")) {
            ps.setArray(1, connection.createArrayOf("oid", of.stream().map(p -> p.oid).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The part of the relation of this OID, or null. */
    private Part partOf(long oid) {
        return parts.stream().filter(q -> q.oid == oid).findFirst().orElse(null);
    }

    /**
     * A foreign key's references among the rows deleted: from each row of part {@code child} (by
     * index) to the rows of part {@code parent} it refers to.
     */
    private record Link(Reference reference, int child, int parent, Map<Integer, List<Integer>> from) {}

    /** The references among the rows deleted, by every foreign key from one part's table to another's (or its own). */
    private List<Link> linksWithin() throws SQLException {
        List<Link> out = new java.util.ArrayList<>();
        for (int pi = 0; pi < parts.size(); pi++) {
            Part p = parts.get(pi);
            for (Reference a : p.references) {
                Part child = partOf(a.childOid());
                if (child == null) continue;
                Map<Integer, List<Integer>> from = new HashMap<>();
                try (PreparedStatement ps = connection.prepareStatement("SELECT u.n, w.n FROM " + child.unnest(true, "u") + " JOIN " + a.child() + " c ON ("
                        + child.columns("c.") + ") = (" + child.casts("u.") + ") JOIN " + p.relation + " p ON (" + a.childColumns("c.") + ") = ("
                        + a.parentColumns("p.") + ") JOIN " + p.unnest(true, "w") + " ON (" + p.columns("p.") + ") = (" + p.casts("w.") + ")")) {
                    int next = setArrays(ps, 1, child.texts);
                    setArrays(ps, next, p.texts);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) from.computeIfAbsent(rs.getInt(1) - 1, k -> new java.util.ArrayList<>()).add(rs.getInt(2) - 1);
                    }
                }
                if (!from.isEmpty()) out.add(new Link(a, parts.indexOf(child), pi, from));
            }
        }
        return out;
    }

    /**
     * A foreign key referring to the table: the referring relation ({@code child}, as SQL names it,
     * and its OID), the constraint, whether it is the table's own, both sides' columns (quoted), its
     * action where it would delete or change the referring rows (or empty), and whether an index of
     * the referring table leads with its columns (else PostgreSQL reads that table whole to check
     * each row deleted).
     */
    private record Reference(String child, long childOid, String constraint, boolean self, List<String> childColumns, List<String> parentColumns,
                             String action, boolean indexed) {
        /** The referring columns as {@code alias.a, alias."B"}. */
        String childColumns(String alias) {
            return String.join(", ", childColumns.stream().map(c -> alias + c).toList());
        }

        String parentColumns(String alias) {
            return String.join(", ", parentColumns.stream().map(c -> alias + c).toList());
        }
    }

    /** The foreign keys referring to the table or to one of its partitions. */
    private static List<Reference> references(Connection connection, TableName name) throws SQLException {
        List<Reference> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT k.conrelid::regclass::text, k.conrelid::bigint, k.conname, k.conrelid = k.confrelid,"
                + " (SELECT array_agg(quote_ident(a.attname) ORDER BY o) FROM unnest(k.conkey) WITH ORDINALITY AS c(n, o)"
                + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.n),"
                + " (SELECT array_agg(quote_ident(a.attname) ORDER BY o) FROM unnest(k.confkey) WITH ORDINALITY AS c(n, o)"
                + " JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = c.n),"
                + " CASE k.confdeltype WHEN 'c' THEN 'ON DELETE CASCADE' WHEN 'n' THEN 'ON DELETE SET NULL' WHEN 'd' THEN 'ON DELETE SET DEFAULT'"
                + " ELSE '' END, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid AND i.indpred IS NULL"
                + " AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] @> k.conkey)"
                + " FROM pg_constraint k WHERE k.contype = 'f' AND k.conparentid = 0"
                // to the table, or to one of its partitions (pg_partition_tree gives none for a table that is not partitioned)
                + " AND (k.confrelid = to_regclass(?) OR k.confrelid IN (SELECT relid FROM pg_partition_tree(to_regclass(?)))) ORDER BY k.conname")) {
            ps.setString(1, name.sql());
            ps.setString(2, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Reference(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4), List.of((String[]) rs.getArray(5).getArray()),
                            List.of((String[]) rs.getArray(6).getArray()), rs.getString(7), rs.getBoolean(8)));
                }
            }
        }
        return out;
    }

    /**
     * Why the role could not delete the table's rows as a deletion does, or empty: its key read whole
     * and locked, the DELETE, and the tables referring to it read whole (the rows holding a row are looked for
     * there), each planned in the open transaction under {@code row_security = off} (as the deletion
     * runs: a policy that would hide a row fails the statement), not run: planning checks privileges
     * and policies without reading a row.
     */
    static java.util.Optional<String> cannotDelete(Connection connection, TableName name, List<String> key) throws SQLException {
        String relation = Relation.of(connection, name).sql();
        // the rows are locked before they are deleted: FOR UPDATE takes the UPDATE privilege too (a table of key columns
        // alone, whose upsert updates nothing, failed after its rows were written: acceptance run 20)
        List<String> statements = new java.util.ArrayList<>(List.of("EXPLAIN SELECT " + TargetSchema.quotedList(key) + " FROM " + relation + " t FOR UPDATE OF t",
                "EXPLAIN DELETE FROM " + relation + " WHERE false"));
        for (Reference r : references(connection, name)) {
            if (!r.self()) statements.add("EXPLAIN SELECT " + r.childColumns("c.") + " FROM " + r.child() + " c");
        }
        for (String sql : statements) {
            Savepoint before = connection.setSavepoint();
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute(sql);
                connection.releaseSavepoint(before);
            } catch (SQLException e) {
                connection.rollback(before);
                return java.util.Optional.of(name + ": " + said(e, false));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The foreign keys referring to the table (or one of its partitions) no index of the referring
     * table leads with the columns of: PostgreSQL checks each row deleted by reading the referring
     * table whole (200,000 rows of a cycle deleted so took hours: acceptance run 20); each a sentence.
     */
    static List<String> unindexedReferences(Connection connection, TableName name) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        for (Reference r : references(connection, name)) {
            if (r.indexed()) continue;
            String columns = String.join(", ", r.childColumns());
            out.add(r.child() + " (" + r.constraint() + ": no index leads with its column(s) " + columns + "; CREATE INDEX ON " + r.child() + " ("
                    + columns + ") makes it fast)");
        }
        return out;
    }

    /**
     * Which of the part's keys (by their index) the table holds a row of; with {@code locking}, those
     * rows locked, before the rows referring to them are looked for: a row another session inserts
     * meanwhile that refers to one waits for this transaction, and then finds it gone, rather than
     * being deleted with it by a cascade unseen (acceptance run 19).
     */
    private BitSet present(Part p, boolean locking) throws SQLException {
        BitSet out = new BitSet(p.keys.size());
        try (PreparedStatement ps = connection.prepareStatement("SELECT u.n FROM " + p.unnest(true, "u") + " JOIN " + p.relation + " t ON ("
                + p.columns("t.") + ") = (" + p.casts("u.") + ")" + (locking ? " FOR UPDATE OF t" : ""))) {
            setArrays(ps, 1, p.texts);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.set(rs.getInt(1) - 1);
            }
        }
        return out;
    }

    /** The server's message ({@code detail}: with its detail), without the client's wrapping, and the SQLSTATE. */
    private static String said(SQLException e, boolean detail) {
        org.postgresql.util.ServerErrorMessage server = e instanceof org.postgresql.util.PSQLException p ? p.getServerErrorMessage() : null;
        String message = server == null ? e.getMessage() : server.getMessage() + (detail && server.getDetail() != null ? " (" + server.getDetail() + ")" : "");
        return message + " [SQLSTATE " + e.getSQLState() + "]";
    }

    /** Sets the keys' texts as text arrays from parameter {@code first} on; the next parameter's number. */
    private int setArrays(PreparedStatement ps, int first, String[][] texts) throws SQLException {
        for (int k = 0; k < texts.length; k++) ps.setArray(first + k, connection.createArrayOf("text", texts[k]));
        return first + texts.length;
    }
}
