package cutover.postgres;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private long ordinal;
    private String token;
    private boolean closed;

    PostgresReader(Pool pool, SourceTable table, String lo, String hi, Position from, int fetchSize) {
        this.pool = pool;
        this.table = table;
        this.entity = EntityName.of(table.name().name());
        boolean byCtid = table.primaryKey().isEmpty();
        this.keyColumns = byCtid ? List.of("ctid") : table.primaryKey();
        this.ordinal = from.ordinal();
        this.token = from.token();
        List<String> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String col : table.columns()) sql.append(TableName.quote(col)).append(", ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quoteKey(keyColumns.get(i))).append("::text");
        }
        sql.append(" FROM ").append(table.name().sql()).append(" AS src WHERE TRUE");
        String first = quoteKey(keyColumns.get(0));
        String firstType = typeOf(keyColumns.get(0));
        if (lo != null) {
            sql.append(" AND ").append(first).append(" >= CAST(? AS ").append(firstType).append(')');
            params.add(lo);
        }
        if (hi != null) {
            sql.append(" AND ").append(first).append(" < CAST(? AS ").append(firstType).append(')');
            params.add(hi);
        }
        if (!from.token().isEmpty()) {
            List<String> after = KeyText.decode(from.token(), "resume position of " + entity);
            StringBuilder left = new StringBuilder(), right = new StringBuilder();
            for (int i = 0; i < keyColumns.size(); i++) {
                if (i > 0) {
                    left.append(", ");
                    right.append(", ");
                }
                left.append(quoteKey(keyColumns.get(i)));
                right.append("CAST(? AS ").append(typeOf(keyColumns.get(i))).append(')');
                params.add(after.get(i));
            }
            sql.append(" AND (").append(left).append(") > (").append(right).append(')');
        }
        sql.append(" ORDER BY ");
        for (int i = 0; i < keyColumns.size(); i++) sql.append(i == 0 ? "" : ", ").append(quoteKey(keyColumns.get(i)));

        Connection c = pool.connection();
        try {
            pool.beginRead(c); // at the backup's moment, while one is held
            PreparedStatement ps = c.prepareStatement(sql.toString());
            ps.setFetchSize(fetchSize);
            for (int i = 0; i < params.size(); i++) ps.setString(i + 1, params.get(i));
            this.connection = c;
            this.statement = ps;
            this.rows = ps.executeQuery();
            ResultSetMetaData meta = rows.getMetaData();
            this.typeNames = new String[table.columns().size()];
            for (int i = 0; i < typeNames.length; i++) typeNames[i] = meta.getColumnTypeName(i + 1);
        } catch (SQLException e) {
            closeQuietly(c);
            throw SqlErrors.translateRead(e, "reading " + table.name(), pool.location());
        }
    }

    private String typeOf(String keyColumn) {
        return keyColumn.equals("ctid") && table.primaryKey().isEmpty() ? "tid" : table.typeOf(keyColumn);
    }

    private String quoteKey(String keyColumn) {
        // qualified: the key's text form is also selected, and an output column of the same name would make ORDER BY ambiguous
        return "src." + (keyColumn.equals("ctid") && table.primaryKey().isEmpty() ? "ctid" : TableName.quote(keyColumn));
    }

    @Override
    public Item next() {
        try {
            if (closed || !rows.next()) return null;
            int n = table.columns().size();
            Map<String, Value> fields = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) fields.put(table.columns().get(i), PgValues.read(rows, i + 1, typeNames[i]));
            List<String> keyText = new ArrayList<>(keyColumns.size());
            List<Value> key = new ArrayList<>(keyColumns.size());
            for (int i = 0; i < keyColumns.size(); i++) {
                String text = rows.getString(n + 1 + i);
                keyText.add(text);
                key.add(table.primaryKey().isEmpty() ? Value.of(text) : fields.get(keyColumns.get(i)));
            }
            ordinal++;
            token = KeyText.encode(keyText);
            return new Ok(new Record(entity, new Key(key), fields));
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading " + table.name(), pool.location());
        }
    }

    @Override
    public Position position() { return new Position(ordinal, token); }

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
        closeQuietly(connection);
    }

    private void closeQuietly(Connection c) {
        try {
            c.rollback(); // read-only: nothing to keep, and it ends the snapshot
            c.close();
        } catch (SQLException e) {
            pool.discard(c);
        }
    }
}
