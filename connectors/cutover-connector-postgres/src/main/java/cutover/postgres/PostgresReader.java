package cutover.postgres;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one split in key order through a server-side cursor (pgjdbc streams with a fetch size only
 * inside a transaction), starting after the position's key. The position's token is the last key
 * read, as a {@link KeyText} array; its ordinal counts rows from the start of the split.
 */
final class PostgresReader implements RecordReader {
    private final Pool pool;
    private final SourceTable table;
    private final EntityName entity;
    private final List<String> keyColumns;
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final String[] typeNames;
    /** Of a partitioned table without a key: its partitions' names by oid, which its rows' keys begin with. */
    private final Map<String, String> partitionNames;
    private long ordinal;
    private String token;
    /** The key of the row read last, as text, until {@link #position} makes it the token. */
    private List<String> lastKeyText;
    private boolean closed;

    PostgresReader(Pool pool, SourceTable table, String lo, String hi, Position from, int fetchSize) {
        this.pool = pool;
        this.table = table;
        this.entity = EntityName.of(table.name().name());
        this.keyColumns = table.readOrder();
        this.ordinal = from.ordinal();
        this.token = from.token();
        List<String> params = new ArrayList<>();
        List<String> after = from.token().isEmpty() ? List.of() : KeyText.decode(from.token(), "resume position of " + entity);
        if (!after.isEmpty() && after.size() != keyColumns.size()) {
            // a key added or dropped since, or a position from a version that read this table in another order
            throw new CutoverException(ErrorCode.STATE_CONFLICT, "the resume position of " + entity + " holds " + after.size()
                    + " values, but the table is now read in order of " + keyColumns + ": it cannot be resumed; run again with --restart");
        }
        String sql = select(table, lo, hi, after, true, value -> {
            params.add(value);
            return "?";
        });

        Connection c = pool.connection();
        try {
            pool.beginRead(c); // at the backup's moment, while one is held
            this.partitionNames = table.keyedByPlace() && table.partitioned() ? partitionNames(c, table) : Map.of();
            PreparedStatement ps = c.prepareStatement(sql);
            ps.setFetchSize(fetchSize);
            for (int i = 0; i < params.size(); i++) ps.setString(i + 1, params.get(i));
            this.connection = c;
            this.statement = ps;
            this.rows = ps.executeQuery();
            ResultSetMetaData meta = rows.getMetaData();
            this.typeNames = new String[table.columns().size()];
            for (int i = 0; i < typeNames.length; i++) typeNames[i] = PgTypes.typname(meta, i + 1);
        } catch (SQLException e) {
            pool.endRead(c);
            throw SqlErrors.translateRead(e, "reading " + table.name(), pool.location());
        }
    }

    /**
     * The query of a split's rows in key order: the table's columns (and, with {@code keyText}, the
     * key's text forms, for positions), from {@code lo} (inclusive) to {@code hi} (exclusive) on the
     * first key column, after the key {@code after} when resuming. {@code bind} turns each value
     * into SQL: a parameter marker for a prepared statement, a literal for COPY, which takes none.
     */
    static String select(SourceTable table, String lo, String hi, List<String> after, boolean keyText, Function<String, String> bind) {
        return select(table, lo, hi, after, keyText, bind, null);
    }

    /** The same, of the rows that also meet {@code condition} (SQL over the table as {@code src}), when it is not null. */
    static String select(SourceTable table, String lo, String hi, List<String> after, boolean keyText, Function<String, String> bind,
                         String condition) {
        List<String> keyColumns = table.readOrder();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < table.columns().size(); i++) sql.append(i == 0 ? "" : ", ").append("src.").append(TableName.quote(table.columns().get(i)));
        if (keyText) for (String k : keyColumns) sql.append(", ").append(quoteKey(table, k)).append("::text");
        sql.append(" FROM ").append(table.from()).append(" AS src WHERE TRUE");
        if (condition != null) sql.append(" AND (").append(condition).append(')');
        String first = quoteKey(table, keyColumns.get(0));
        String firstType = typeOf(table, keyColumns.get(0));
        if (lo != null) sql.append(" AND ").append(first).append(" >= CAST(").append(bind.apply(lo)).append(" AS ").append(firstType).append(')');
        if (hi != null) sql.append(" AND ").append(first).append(" < CAST(").append(bind.apply(hi)).append(" AS ").append(firstType).append(')');
        if (!after.isEmpty()) {
            StringBuilder left = new StringBuilder(), right = new StringBuilder();
            for (int i = 0; i < keyColumns.size(); i++) {
                left.append(i == 0 ? "" : ", ").append(quoteKey(table, keyColumns.get(i)));
                right.append(i == 0 ? "" : ", ").append("CAST(").append(bind.apply(after.get(i))).append(" AS ")
                        .append(typeOf(table, keyColumns.get(i))).append(')');
            }
            sql.append(" AND (").append(left).append(") > (").append(right).append(')');
        }
        sql.append(" ORDER BY ");
        for (int i = 0; i < keyColumns.size(); i++) sql.append(i == 0 ? "" : ", ").append(quoteKey(table, keyColumns.get(i)));
        return sql.toString();
    }

    private static String typeOf(SourceTable table, String keyColumn) {
        if (!table.keyedByPlace()) return table.typeOf(keyColumn);
        return keyColumn.equals("ctid") ? "tid" : "oid";
    }

    private static String quoteKey(SourceTable table, String keyColumn) {
        // qualified: the key's text form is also selected, and an output column of the same name would make ORDER BY ambiguous
        return "src." + (table.keyedByPlace() ? keyColumn : TableName.quote(keyColumn)); // ctid and tableoid are system columns
    }

    /**
     * The leaf partitions of a partitioned table by oid, named as a key shows them: by name, with
     * the schema where it is not the table's.
     */
    private static Map<String, String> partitionNames(Connection c, SourceTable table) throws SQLException {
        Map<String, String> names = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.oid::text, CASE WHEN p.relnamespace = r.relnamespace THEN p.relname::text "
                + "ELSE n.nspname || '.' || p.relname END FROM pg_partition_tree(CAST(? AS oid)) t JOIN pg_class p ON p.oid = t.relid "
                + "JOIN pg_namespace n ON n.oid = p.relnamespace JOIN pg_class r ON r.oid = CAST(? AS oid) WHERE t.isleaf")) {
            ps.setString(1, table.oid());
            ps.setString(2, table.oid());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.put(rs.getString(1), rs.getString(2));
            }
        }
        return names;
    }

    /**
     * The key of a row of a table without one: its ctid, after its partition's name in a partitioned
     * table ({@code events_2026:(0,1)}); a partition attached since the read began is named by its oid.
     */
    private Value placeKey(List<String> keyText) {
        if (keyText.size() == 1) return Value.of(keyText.get(0));
        return Value.of(partitionNames.getOrDefault(keyText.get(0), keyText.get(0)) + ":" + keyText.get(1));
    }

    @Override
    public Item next() {
        try {
            if (closed || !rows.next()) return null;
            int n = table.columns().size();
            Map<String, Value> fields = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) fields.put(table.columns().get(i), PgValues.read(rows, i + 1, typeNames[i]));
            List<String> keyText = new ArrayList<>(keyColumns.size());
            for (int i = 0; i < keyColumns.size(); i++) keyText.add(rows.getString(n + 1 + i));
            Key key;
            if (table.keyedByPlace()) {
                key = new Key(List.of(placeKey(keyText)));
            } else {
                List<Value> values = new ArrayList<>(keyColumns.size());
                for (String k : keyColumns) values.add(fields.get(k));
                key = new Key(values);
            }
            ordinal++;
            lastKeyText = keyText;
            return new Ok(new Record(entity, key, fields));
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading " + table.name(), pool.location());
        }
    }

    @Override
    public Position position() {
        // the token is made when asked (a checkpoint's), not for every row: its JSON was a tenth of what a read allocated
        if (lastKeyText != null) {
            token = KeyText.encode(lastKeyText);
            lastKeyText = null;
        }
        return new Position(ordinal, token);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            rows.close();
            statement.close();
        } catch (SQLException ignored) {
            // closing the connection below releases the cursor anyway
        }
        pool.endRead(connection);
    }
}
