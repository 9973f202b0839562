package cutover.sqlite;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the tables of a SQLite file, opened read-only. Each table is one split whose id is the table
 * name (stable across runs), read in primary key order (rowid order for a table without one) by a
 * {@link SqliteRecordReader} on its own connection, so splits read in parallel. Splitting a large
 * table into rowid ranges is not done yet: a SQLite file is read by one process from one disk, and a
 * table scan in key order is already close to the disk's speed.
 */
final class SqliteSource implements Source, AutoCloseable {
    private final SqliteDatabase db;
    private Connection connection;

    SqliteSource(SqliteDatabase db) {
        this.db = db;
    }

    private synchronized Connection connection() {
        if (connection == null) connection = db.openForReading();
        return connection;
    }

    @Override
    public synchronized List<EntityInfo> entities() {
        try {
            Connection c = connection();
            List<EntityInfo> out = new ArrayList<>();
            for (String table : TableShape.userTables(c)) {
                TableShape shape = shape(c, table);
                out.add(new EntityInfo(EntityName.of(table), count(c, table), -1, ReadOrder.of(shape).keyColumns()));
            }
            return out;
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot list the tables of " + db.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        for (EntityInfo e : entities()) {
            out.add(new Split(e.name().value(), Set.of(e.name()), e.estimatedCount(), "table " + e.name() + " of " + db.path()));
        }
        return out;
    }

    @Override
    public RecordReader read(Split split, Position from) {
        Connection c = db.openForReading();
        try {
            TableShape shape = shape(c, split.id());
            return new SqliteRecordReader(c, shape, from, split.id());
        } catch (SQLException | RuntimeException e) {
            SqliteDatabase.closeQuietly(c);
            if (e instanceof CutoverException ce) throw ce;
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot read table " + split.id() + " of " + db.path() + ": " + e.getMessage(), e);
        }
    }

    private TableShape shape(Connection c, String table) throws SQLException {
        return TableShape.read(c, table).orElseThrow(() -> new CutoverException(ErrorCode.SOURCE_CHANGED,
                "table " + table + " is no longer in " + db.path() + "; start the run over with --restart"));
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.quote(table))) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public synchronized void close() {
        SqliteDatabase.closeQuietly(connection);
        connection = null;
    }
}
