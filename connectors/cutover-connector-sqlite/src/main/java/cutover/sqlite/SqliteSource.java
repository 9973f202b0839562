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
    private final long splitRows;
    private Connection connection;

    /** {@code splitRows}: a table keyed by rowid with more rows than this is read in rowid ranges. */
    SqliteSource(SqliteDatabase db, long splitRows) {
        this.db = db;
        this.splitRows = splitRows;
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
                List<String> keyColumns = ReadOrder.of(shape).keyColumns();
                // the columns its schema lets hold NULL (a key column is never one: the plan keys by it)
                List<String> nullable = shape.columns().stream().filter(col -> !col.notNull() && !keyColumns.contains(col.name()))
                        .map(TableShape.ColumnShape::name).toList();
                out.add(new EntityInfo(EntityName.of(table), count(c, table), -1, keyColumns, nullable));
            }
            return out;
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot list the tables of " + db.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key of a table keyed by its rowid only (an INTEGER PRIMARY KEY, or none): one integer per
     * row. Any other key of SQLite's may hold values of several kinds (1 and '1'), text a plan may
     * make one value of ('1.5' and '1.50' as numeric), and NULLs: a plan keyed by it claims its keys.
     */
    @Override
    public synchronized List<String> keyColumns(EntityName entity) {
        try {
            return TableShape.read(connection(), entity.value()).filter(ReadOrder::isRowidOrdered)
                    .map(shape -> ReadOrder.of(shape).keyColumns()).orElse(List.of());
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot read the key of table " + entity + " in " + db.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * One split per table, whose id is the table name; a table keyed by rowid (INTEGER PRIMARY KEY, or
     * no key) with more than {@code splitRows} rows is cut into up to {@code parallelism} rowid ranges,
     * each a key range read in key order, with ids like {@code users#rowid:1000..2000}. Ids depend on
     * the rowids present and on {@code parallelism}, so resume a run with the same parallelism.
     */
    @Override
    public synchronized List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        try {
            Connection c = connection();
            for (EntityInfo e : entities()) {
                String table = e.name().value();
                int parts = (int) Math.min(parallelism, (e.estimatedCount() + splitRows - 1) / Math.max(1, splitRows));
                TableShape shape = shape(c, table);
                List<RowidRange> ranges = parts > 1 && ReadOrder.isRowidOrdered(shape)
                        ? rowidRanges(c, table, ReadOrder.rowidOf(shape), parts) : List.of(new RowidRange(null, null));
                if (ranges.size() == 1) {
                    out.add(new Split(table, Set.of(e.name()), e.estimatedCount(), "table " + table + " of " + db.path()));
                    continue;
                }
                for (RowidRange r : ranges) {
                    out.add(new Split(table + r.idSuffix(), Set.of(e.name()), e.estimatedCount() / ranges.size(),
                            "rowids " + r.idSuffix().substring(RowidRange.MARK.length()) + " of table " + table + " of " + db.path()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot split the tables of " + db.path() + ": " + e.getMessage(), e);
        }
    }

    private static List<RowidRange> rowidRanges(Connection c, String table, String rowid, int parts) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(" + rowid + "), max(" + rowid + ") FROM " + Sql.quote(table))) {
            if (!rs.next() || rs.getObject(1) == null) return List.of(new RowidRange(null, null));
            return RowidRange.cover(rs.getLong(1), rs.getLong(2), parts);
        }
    }

    @Override
    public RecordReader read(Split split, Position from) {
        Connection c = db.openForReading();
        try {
            // a table's own name wins over a range suffix, for a table whose name looks like one
            var whole = TableShape.read(c, split.id());
            RowidRange range = whole.isPresent() ? null : RowidRange.parse(split.id());
            TableShape shape = whole.isPresent() ? whole.get() : shape(c, range == null ? split.id() : RowidRange.table(split.id()));
            return new SqliteRecordReader(c, shape, range == null ? new RowidRange(null, null) : range, from, split.id());
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
