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
 * savepoints. What went is told by which keys are there before and after, not by the statements'
 * counts: a rule or a trigger left firing (a table the role does not own) may keep a row a DELETE
 * named, and such a row is kept, named, as one a foreign key holds.
 */
final class KeyedDelete {
    static final String STILL_THERE = "the row is still there after its DELETE: a rule or trigger of the table kept it"
            + " (those of a table the restore's role does not own stay on)";

    private final Connection connection;
    private final TableName name;
    private final List<String> key;
    private final Map<String, String> types;

    /** {@code types}: the type of each key column, as the catalog names it. */
    KeyedDelete(Connection connection, TableName name, List<String> key, Map<String, String> types) {
        this.connection = connection;
        this.name = name;
        this.key = key;
        this.types = types;
    }

    /** Deletes the rows of {@code keys}, given as {@code texts} (by key column, each key's value as the text its type reads). */
    RowDeletion.Deleted delete(List<Key> keys, String[][] texts) throws SQLException {
        BitSet before = present(texts, keys.size());
        Map<Integer, String> refused = new HashMap<>();
        Savepoint whole = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + name.sql() + " WHERE (" + columns() + ") IN (SELECT "
                + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> "k" + k + "::" + types.get(key.get(k))).toList())
                + " FROM " + unnest(false) + ")")) {
            setArrays(ps, texts);
            ps.executeUpdate();
            connection.releaseSavepoint(whole);
        } catch (SQLException e) {
            if (!SqlErrors.isMissingParent(e.getSQLState())) throw e;
            connection.rollback(whole);
            oneByOne(texts, keys.size(), refused);
        }
        BitSet kept = present(texts, keys.size());
        kept.and(before);
        Map<Key, String> named = new LinkedHashMap<>();
        kept.stream().forEach(r -> named.put(keys.get(r), refused.getOrDefault(r, STILL_THERE)));
        return new RowDeletion.Deleted(before.cardinality() - kept.cardinality(), named);
    }

    /** Each key on its own, under a savepoint: those another row refers to stay, with the server's reason in {@code refused}. */
    private void oneByOne(String[][] texts, int rows, Map<Integer, String> refused) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + name.sql() + " WHERE (" + columns() + ") = ("
                + String.join(", ", key.stream().map(k -> "?::" + types.get(k)).toList()) + ")")) {
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < key.size(); k++) ps.setString(k + 1, texts[k][r]);
                Savepoint row = connection.setSavepoint();
                try {
                    ps.executeUpdate();
                    connection.releaseSavepoint(row);
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

    /** Which of the keys (by their index) the table holds a row of. */
    private BitSet present(String[][] texts, int rows) throws SQLException {
        BitSet out = new BitSet(rows);
        try (PreparedStatement ps = connection.prepareStatement("SELECT n FROM " + unnest(true) + " WHERE EXISTS (SELECT 1 FROM " + name.sql() + " t WHERE (" + columns("t.") + ") = ("
                + String.join(", ", IntStream.range(0, key.size()).mapToObj(k -> "u.k" + k + "::" + types.get(key.get(k))).toList()) + "))")) {
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
