import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The baseline of bench/verify-vs-fullscan.sh: a plain full-scan comparison of one table in two
 * PostgreSQL databases. Both sides are streamed in key order over JDBC at once (server-side cursors,
 * 10,000 rows a round trip, one reader thread each), every row's columns are hashed in Java, and the
 * two sorted streams are merged: a key on one side only is missing or extra, a key whose hashes differ
 * is changed (its differing columns are named). Memory holds a few batches per side.
 *
 * <p>Run with the JDBC driver only: {@code java -cp postgresql.jar bench/FullScanDiff.java <jdbc-url-a> <jdbc-url-b> <table> <bigint key>}.
 */
public class FullScanDiff {
    /** One row: its key, its columns as text, and their hash. */
    record Row(long key, String[] columns, long hash) {}

    static final List<Row> END = List.of();

    public static void main(String[] args) throws Exception {
        String table = args[2], key = args[3];
        long started = System.nanoTime();
        BlockingQueue<List<Row>> a = new ArrayBlockingQueue<>(4), b = new ArrayBlockingQueue<>(4);
        Thread ra = reader(args[0], table, key, a), rb = reader(args[1], table, key, b);
        ra.start();
        rb.start();
        Cursor x = new Cursor(a), y = new Cursor(b);
        long rowsA = 0, rowsB = 0, missing = 0, extra = 0, changed = 0;
        while (x.row != null || y.row != null) {
            if (y.row == null || (x.row != null && x.row.key() < y.row.key())) {
                System.out.println("missing " + x.row.key());
                missing++;
                rowsA++;
                x.next();
            } else if (x.row == null || y.row.key() < x.row.key()) {
                System.out.println("extra " + y.row.key());
                extra++;
                rowsB++;
                y.next();
            } else {
                if (x.row.hash() != y.row.hash()) {
                    List<Integer> columns = new ArrayList<>();
                    for (int i = 0; i < x.row.columns().length; i++) {
                        if (!java.util.Objects.equals(x.row.columns()[i], y.row.columns()[i])) columns.add(i + 1);
                    }
                    System.out.println("changed " + x.row.key() + " columns " + columns);
                    changed++;
                }
                rowsA++;
                rowsB++;
                x.next();
                y.next();
            }
        }
        ra.join();
        rb.join();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("full scan: %d source rows, %d target rows compared in %.2f s = %.0f rows/s; %d missing, %d extra, %d changed%n",
                rowsA, rowsB, seconds, rowsA / seconds, missing, extra, changed);
    }

    /** The next row of one side's stream. */
    static final class Cursor {
        final BlockingQueue<List<Row>> queue;
        List<Row> batch = List.of();
        int index;
        Row row;

        Cursor(BlockingQueue<List<Row>> queue) throws InterruptedException {
            this.queue = queue;
            next();
        }

        void next() throws InterruptedException {
            if (index == batch.size()) {
                batch = queue.take();
                index = 0;
                if (batch == END) {
                    row = null;
                    return;
                }
            }
            row = batch.get(index++);
        }
    }

    static Thread reader(String url, String table, String key, BlockingQueue<List<Row>> out) {
        return new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url)) {
                c.setAutoCommit(false); // pgjdbc streams with a fetch size only inside a transaction
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(10_000);
                    try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + key)) {
                        int n = rs.getMetaData().getColumnCount();
                        int keyColumn = rs.findColumn(key);
                        List<Row> batch = new ArrayList<>(10_000);
                        while (rs.next()) {
                            String[] columns = new String[n];
                            long hash = 0xcbf29ce484222325L;
                            for (int i = 0; i < n; i++) {
                                columns[i] = rs.getString(i + 1);
                                hash = mix(hash, columns[i]);
                            }
                            batch.add(new Row(rs.getLong(keyColumn), columns, hash));
                            if (batch.size() == 10_000) {
                                out.put(batch);
                                batch = new ArrayList<>(10_000);
                            }
                        }
                        if (!batch.isEmpty()) out.put(batch);
                    }
                }
                out.put(END);
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** FNV-1a over the column's UTF-8 bytes, with a marker for NULL and a separator, then a final avalanche. */
    static long mix(long hash, String column) {
        if (column == null) return (hash ^ 0xff) * 0x100000001b3L;
        for (byte b : column.getBytes(StandardCharsets.UTF_8)) hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        hash = (hash ^ 0xfe) * 0x100000001b3L;
        return hash ^ (hash >>> 29);
    }
}
