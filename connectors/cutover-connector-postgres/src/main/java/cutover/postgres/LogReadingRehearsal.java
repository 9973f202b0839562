package cutover.postgres;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyColumn;
import cutover.connector.CopyTextFormat;
import cutover.model.Value;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The work of an incremental backup from the log, rehearsed once by a process that stays up
 * between backups, on rows it makes up, while it waits for its next run: the stream's messages
 * parsed and told ({@link StreamedChanges}) as a run meets them (a change's transaction, then the
 * moment's barrier, its marker's transaction in the window and the cut), the changed keys' buckets
 * counted ({@link LoggedChanges#bucketsAfter}), the rows put in key order and written ({@link
 * LoggedChanges#writeRows}) and their lines' value kinds tallied as a backup's layer tallies them
 * ({@link PgCopyText}'s tally), the stream advanced past the moment. A full backup runs none of it,
 * so the first incremental ran it interpreted while the compiler caught up beside it, 60-80 ms
 * more than the runs after it, a 1M-row table's first incremental 7-9% of its full backup instead
 * of 4-5% (bench/RESULTS.md, twelfth session). The messages are of every kind a run meets (inserts,
 * updates, deletes, the marker's logical message): code compiled for updates alone was thrown away
 * at the first other one (a deoptimization in {@code PgOutput.parse} and {@code Reader.apply}, in
 * the thirteenth session's first runs). Nothing here touches a database or a repository.
 */
final class LogReadingRehearsal {
    /** Changes per round, as many as 1% of a 1M-row table. */
    static final int ROWS = 10_000;
    /** One change in {@link #EVERY} inserts a row, one deletes one, the others update one. */
    static final int EVERY = 20;
    /** Rows a round writes: its updates and inserts. */
    static final int WRITTEN = ROWS - ROWS / EVERY;
    /**
     * Rounds at most, ~20-30 ms each once compiled. The rehearsal goes on until the next run takes its
     * moment ({@link #runBegins}), up to these: what it runs must stay in use until the compiler has
     * compiled it, as a compilation waiting in the queue is dropped once its method has not run for a
     * while; at six rounds the buckets' per-key lambdas were left in C1's code and compiled by C2
     * during the first run (JFR, thirteenth session), and at 40, on a slower machine, the rows'
     * writing and ordering ({@code LoggedChanges.writeRows}, {@code LoggedKeys.rows}) were (fourteenth).
     * 200 rounds are a few seconds of one core at the lowest priority, once per process.
     */
    static final int ROUNDS = 200;
    private static final String SCHEMA = "cutover_rehearsal";
    private static final String TABLE = "events";
    private static final int OID = 1;
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile boolean runBegun;

    private final StreamedChanges changes = new StreamedChanges(SCHEMA, 0, Map.of(TABLE, List.of("id")));
    private final KeyedTable keyed = new KeyedTable(new SourceTable(new TableName(SCHEMA, TABLE), COLUMNS,
            List.of("bigint", "text", "text", "numeric(12,2)", "timestamp with time zone", "text"), List.of("id"), List.of("amount", "payload"),
            1_000_000, 185L << 20, String.valueOf(OID)), List.of("src.id"), List.of("int8"), new int[] {0});
    /** A round's changes as the stream sends them, made once: making them is no part of the rehearsal. */
    private final List<ByteBuffer> messages = new java.util.ArrayList<>(ROWS);
    private final List<CopyColumn> copyColumns = List.of(new CopyColumn("id", "int8"), new CopyColumn("account", "text"),
            new CopyColumn("kind", "text"), new CopyColumn("amount", "numeric"), new CopyColumn("created", "timestamptz"),
            new CopyColumn("payload", "text"));
    private final ByteArrayOutputStream rows = new ByteArrayOutputStream();
    private Map<String, EnumMap<Value.Kind, Long>> kinds = Map.of();
    private long lsn = 1_000;
    private int xid = 7;

    LogReadingRehearsal() {
        changes.take(PgOutput.parse(relation())); // once per session, before the table's first change
        for (int i = 0; i < ROWS; i++) messages.add(change(i));
    }

    /** Starts the rehearsal on a thread of its own, at the lowest priority, once per process. */
    static void startOnce() {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                LogReadingRehearsal rehearsal = new LogReadingRehearsal();
                for (int i = 0; i < ROUNDS && !runBegun; i++) rehearsal.round(OutputStream.nullOutputStream());
            } catch (RuntimeException e) {
                // it only saves the next run time: that run reports any real failure
            }
        }, "cutover-log-rehearsal");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * A run begins (told by the schedule before it locks the repository, and again as it takes its
     * moment): the rehearsal, if it still runs, ends after its round. It would only compete with the
     * run: a thread's priority is not the operating system's on Linux, and run 2's lock and moment
     * took 10-20 ms longer beside it on two cores (bench/RESULTS.md, sixteenth session).
     */
    static void runBegins() {
        if (STARTED.get()) runBegun = true;
    }

    /**
     * One round: the {@link #ROWS} made-up changes committed in one transaction, then a moment taken
     * after them, their keys counted, the rows written in key order and tallied ({@link #kinds}),
     * then to {@code out}, and the stream advanced past the moment. Returns the rows written ({@link #WRITTEN}).
     */
    long round(OutputStream out) {
        long changed = lsn += 10, marker = lsn + 5;
        changes.take(PgOutput.parse(begin(changed, xid++)));
        for (ByteBuffer m : messages) changes.take(PgOutput.parse(m.duplicate()));
        changes.take(PgOutput.parse(commit(changed)));
        changes.barrier();
        changes.take(PgOutput.parse(begin(marker, xid++))); // the marker a moment emits, after its snapshot
        changes.take(PgOutput.parse(markerMessage(marker - 1)));
        changes.take(PgOutput.parse(commit(marker)));
        changes.cut(marker);
        Optional<Map<String, LoggedKeys>> told;
        try {
            told = changes.changesUpTo(marker, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        LoggedKeys logged = told.orElseThrow().get(TABLE);
        int buckets = 1024;
        String[] zeros = new String[buckets];
        java.util.Arrays.fill(zeros, "0");
        ChangeTracking.KeyBuckets then = new ChangeTracking.KeyBuckets(new ChangeTracking.Bucketing(buckets, 10), new long[buckets], zeros,
                new long[buckets], zeros);
        LoggedChanges.bucketsAfter(keyed, logged, then);
        rows.reset();
        long written = LoggedChanges.writeRows(keyed, logged, rows, order -> null).orElseThrow();
        kinds = tally(rows.toByteArray());
        try {
            rows.writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        changes.advance(marker);
        return written;
    }

    /**
     * The value kinds of the lines, as a layer's part counts them: a full backup compiles the tally
     * inlined into its own line loop, which the first layer's lines, of another shape, throw away.
     */
    private Map<String, EnumMap<Value.Kind, Long>> tally(byte[] lines) {
        CopyTextFormat.KindTally tally = CopyTextFormat.named(PgCopyText.NAME).orElseThrow().tally(copyColumns);
        for (int start = 0, i = 0; i < lines.length; i++) {
            if (lines[i] != '\n') continue;
            tally.line(lines, start, i - start);
            start = i + 1;
        }
        return tally.counts();
    }

    /** The last round's value kinds per column. */
    Map<String, EnumMap<Value.Kind, Long>> kinds() { return kinds; }

    private static final List<String> COLUMNS = List.of("id", "account", "kind", "amount", "created", "payload");

    private static ByteBuffer begin(long finalLsn, int xid) {
        ByteBuffer b = ByteBuffer.allocate(21);
        b.put((byte) 'B').putLong(finalLsn).putLong(0).putInt(xid);
        return b.flip();
    }

    /** pgoutput's logical message ('M'), as {@code pg_logical_emit_message(true, 'cutover', 'moment')} sends it. */
    private static ByteBuffer markerMessage(long at) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(10).put((byte) 'M').put((byte) 1).putLong(at).array());
        cString(out, "cutover");
        byte[] content = "moment".getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(content.length).array());
        out.writeBytes(content);
        return ByteBuffer.wrap(out.toByteArray());
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

    /**
     * Change {@code i} of a round: an insert of a new row, a delete (its key alone, as a table's
     * replica identity sends it), or an update of a row (its key unchanged); the ids spread as a
     * table's are when rows change at random.
     */
    private static ByteBuffer change(int i) {
        long id = i * 7_919L % 1_000_000;
        if (i % EVERY == 0) return row('I', 1_000_000L + i, i);
        if (i % EVERY == EVERY / 2) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(ByteBuffer.allocate(8).put((byte) 'D').putInt(OID).put((byte) 'K').putShort((short) COLUMNS.size()).array());
            tupleValue(out, Long.toString(id));
            for (int c = 1; c < COLUMNS.size(); c++) out.write('n');
            return ByteBuffer.wrap(out.toByteArray());
        }
        return row('U', id, i);
    }

    /** An insert ('I') or an update ('U') of the row {@code id}, its values made up from {@code i}. */
    private static ByteBuffer row(char kind, long id, int i) {
        String[] values = {Long.toString(id), "acct-" + (id % 5_000), i % 3 == 0 ? "refund" : "payment", (id % 100_000) + "." + (i % 100),
                "2026-12-04 13:" + (10 + i % 50) + ":0" + (i % 10) + ".123456+00", i % 11 == 0 ? null : "note\t" + i + " with a \\ and a tab"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).put((byte) kind).putInt(OID).put((byte) 'N').putShort((short) values.length).array());
        for (String v : values) tupleValue(out, v);
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static void tupleValue(ByteArrayOutputStream out, String v) {
        if (v == null) {
            out.write('n');
            return;
        }
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        out.write('t');
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static void cString(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
