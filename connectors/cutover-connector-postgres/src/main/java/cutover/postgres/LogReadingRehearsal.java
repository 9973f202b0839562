package cutover.postgres;

import cutover.connector.ChangeTracking;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The work of an incremental backup from the log, rehearsed once by a process that stays up
 * between backups, on rows it makes up, while it waits for its next run: the stream's messages
 * parsed and told ({@link StreamedChanges}), the changed keys' buckets counted ({@link
 * LoggedChanges#bucketsAfter}), the rows put in key order and written ({@link
 * LoggedChanges#writeRows}). A full backup runs none of it, so the first incremental ran it
 * interpreted while the compiler caught up beside it, 60-80 ms more than the runs after it, a
 * 1M-row table's first incremental 7-9% of its full backup instead of 4-5% (bench/RESULTS.md,
 * twelfth session). Nothing here touches a database or a repository.
 */
final class LogReadingRehearsal {
    /** Rows per round, as many as 1% of a 1M-row table; enough rounds for the compiler's thresholds (the launcher's, x3). */
    static final int ROWS = 10_000;
    static final int ROUNDS = 6;
    private static final String SCHEMA = "cutover_rehearsal";
    private static final String TABLE = "events";
    private static final int OID = 1;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private LogReadingRehearsal() {}

    /** Starts the rehearsal on a thread of its own, at the lowest priority, once per process. */
    static void startOnce() {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                for (int round = 0; round < ROUNDS; round++) rehearse(round, OutputStream.nullOutputStream());
            } catch (RuntimeException e) {
                // it only saves the next run time: that run reports any real failure
            }
        }, "cutover-log-rehearsal");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * One round: {@link #ROWS} made-up rows updated in one transaction, told by a stream, cut at a
     * moment, counted and written to {@code out} in key order. Returns the rows written.
     */
    static long rehearse(int round, OutputStream out) {
        Map<String, List<String>> keys = Map.of(TABLE, List.of("id"));
        StreamedChanges changes = new StreamedChanges(SCHEMA, 0, keys);
        long commit = 1_000 + round;
        changes.take(PgOutput.parse(begin(commit)));
        changes.take(PgOutput.parse(relation()));
        for (int i = 0; i < ROWS; i++) changes.take(PgOutput.parse(update(i, round)));
        changes.take(PgOutput.parse(commit(commit)));
        changes.barrier();
        changes.cut(commit + 1);
        changes.passed(commit + 1); // a keepalive past the moment
        Optional<Map<String, LoggedKeys>> told;
        try {
            told = changes.changesUpTo(commit + 1, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        LoggedKeys logged = told.orElseThrow().get(TABLE);
        SourceTable table = new SourceTable(new TableName(SCHEMA, TABLE), COLUMNS, List.of("bigint", "text", "text", "numeric(12,2)",
                "timestamp with time zone", "text"), List.of("id"), List.of("amount", "payload"), 1_000_000, 185L << 20);
        KeyedTable keyed = new KeyedTable(table, List.of("src.id"), List.of("int8"), new int[] {0});
        int buckets = 1024;
        String[] zeros = new String[buckets];
        java.util.Arrays.fill(zeros, "0");
        ChangeTracking.KeyBuckets then = new ChangeTracking.KeyBuckets(new ChangeTracking.Bucketing(buckets, 10), new long[buckets], zeros,
                new long[buckets], zeros);
        LoggedChanges.bucketsAfter(keyed, logged, then);
        return LoggedChanges.writeRows(keyed, logged, out, order -> null).orElseThrow();
    }

    private static final List<String> COLUMNS = List.of("id", "account", "kind", "amount", "created", "payload");

    private static ByteBuffer begin(long finalLsn) {
        ByteBuffer b = ByteBuffer.allocate(21);
        b.put((byte) 'B').putLong(finalLsn).putLong(0).putInt(7);
        return b.flip();
    }

    private static ByteBuffer commit(long lsn) {
        ByteBuffer b = ByteBuffer.allocate(26);
        b.put((byte) 'C').put((byte) 0).putLong(lsn).putLong(lsn + 1).putLong(0);
        return b.flip();
    }

    private static ByteBuffer relation() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(5).put((byte) 'R').putInt(OID);
        out.writeBytes(head.array());
        cString(out, SCHEMA);
        cString(out, TABLE);
        out.write('d');
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) COLUMNS.size()).array());
        for (String column : COLUMNS) {
            out.write(column.equals("id") ? 1 : 0);
            cString(out, column);
            out.writeBytes(ByteBuffer.allocate(8).putInt(25).putInt(-1).array());
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** An update of row {@code i} (its key unchanged), its ids spread as a table's are when rows are updated at random. */
    private static ByteBuffer update(int i, int round) {
        long id = (i * 7_919L + round) % 1_000_000;
        String[] values = {Long.toString(id), "acct-" + (id % 5_000), i % 3 == 0 ? "refund" : "payment", (id % 100_000) + "." + (i % 100),
                "2026-12-04 13:" + (10 + i % 50) + ":0" + (i % 10) + ".123456+00", i % 11 == 0 ? null : "note\t" + i + " with a \\ and a tab"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).put((byte) 'U').putInt(OID).put((byte) 'N').putShort((short) values.length).array());
        for (String v : values) {
            if (v == null) {
                out.write('n');
                continue;
            }
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            out.write('t');
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static void cString(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
