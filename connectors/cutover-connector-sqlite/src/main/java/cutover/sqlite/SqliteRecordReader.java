package cutover.sqlite;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one table in its {@link ReadOrder} with a single query that starts after the resume
 * position's key, so resuming costs an index seek rather than a re-read. The query's read
 * transaction gives the whole split one consistent snapshot. Owns its connection.
 */
final class SqliteRecordReader implements RecordReader {
    private final Connection connection;
    private final TableShape shape;
    private final ReadOrder order;
    private final EntityName entity;
    private final String splitId;
    private final List<ColumnType> recognised = new ArrayList<>();
    private final PreparedStatement statement;
    private final ResultSet rows;
    private Position position;

    SqliteRecordReader(Connection connection, TableShape shape, RowidRange range, Position from, String splitId) throws SQLException {
        this.connection = connection;
        this.shape = shape;
        this.order = ReadOrder.of(shape);
        this.entity = EntityName.of(shape.name());
        this.splitId = splitId;
        this.position = from;
        for (TableShape.ColumnShape c : shape.columns()) recognised.add(c.recognised());

        List<String> select = new ArrayList<>(order.orderExpressions());
        for (TableShape.ColumnShape c : shape.columns()) select.add(Sql.quote(c.name()));
        List<Object> binds = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        String inRange = range.from() == null && range.to() == null ? "" : range.condition(ReadOrder.rowidOf(shape), binds);
        if (!inRange.isEmpty()) conditions.add(inRange);
        if (!from.isStart()) {
            List<Object> last = KeyToken.decode(from.token(), order.orderExpressions().size(), splitId);
            conditions.add(order.after(last, binds));
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        String sql = "SELECT " + String.join(", ", select) + " FROM " + Sql.quote(shape.name()) + where
                + " ORDER BY " + String.join(", ", order.orderExpressions());
        this.statement = connection.prepareStatement(sql);
        for (int i = 0; i < binds.size(); i++) bind(statement, i + 1, binds.get(i));
        this.rows = statement.executeQuery();
    }

    private static void bind(PreparedStatement p, int i, Object v) throws SQLException {
        if (v == null) p.setNull(i, Types.NULL);
        else if (v instanceof Long l) p.setLong(i, l);
        else if (v instanceof Double d) p.setDouble(i, d);
        else if (v instanceof String s) p.setString(i, s);
        else p.setBytes(i, (byte[]) v);
    }

    @Override
    public Item next() {
        try {
            if (!rows.next()) return null;
            int orderCount = order.orderExpressions().size();
            List<Object> last = new ArrayList<>(orderCount);
            for (int i = 1; i <= orderCount; i++) last.add(rows.getObject(i));
            Map<String, Value> fields = new LinkedHashMap<>();
            for (int i = 0; i < shape.columns().size(); i++) {
                fields.put(shape.columns().get(i).name(), StoredValues.fromStored(rows.getObject(orderCount + 1 + i), recognised.get(i)));
            }
            Key key;
            if (order.keyIsRowid()) {
                key = Key.of(Value.of(((Number) last.get(0)).longValue()));
            } else {
                List<Value> parts = new ArrayList<>();
                for (String k : order.keyColumns()) parts.add(fields.get(k));
                key = new Key(parts);
            }
            position = new Position(position.ordinal() + 1, KeyToken.encode(last));
            return new Ok(new Record(entity, key, fields));
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "reading table " + shape.name() + " (split " + splitId + ") after position "
                    + position.ordinal() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Position position() { return position; }

    @Override
    public void close() {
        SqliteDatabase.closeQuietly(rows);
        SqliteDatabase.closeQuietly(statement);
        SqliteDatabase.closeQuietly(connection);
    }
}
