package cutover.postgres;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A slot's changes read as the server logs them, over the replication protocol, for a process that
 * stays up between backups ({@code backup --every … --follow-changes}): the walsender decodes each
 * transaction as its WAL is written, so a backup that starts right after a large change waits only
 * for its tail, where reading the slot at the backup (or every few seconds, as before) decoded all
 * of it then, again for every read while the transaction ran.
 *
 * <p>The changes are kept per table from the moment of the last backup stored ({@link #from()}). A
 * backup's moment cuts them by commit position, which pgoutput sends at a transaction's begin:
 * those before it are that backup's ({@link #changesUpTo}), the later ones the next backup's.
 * Transactions that arrive while the moment is being taken ({@link #barrier} to {@link #cut}), whose
 * side is not known until it is, are kept one by one meanwhile. What arrives is consumed from the
 * slot (its position follows the stream), as the read ahead always did: a process that dies loses
 * it, and its next backup finds the slot past its mark and scans, once. Thread-safe.
 */
final class SlotStream implements AutoCloseable {
    private static final long POLL_MILLIS = 5;

    private final String schema;
    private final Connection connection;
    private final PGReplicationStream stream;
    private final Thread reader;
    private volatile Map<String, List<String>> keys;

    // guarded by this
    private final Map<Integer, PgOutput.Relation> relations = new HashMap<>();
    private long from;
    private Changes before = new Changes(-1), later = new Changes(-1);
    private List<Changes> window;          // between a barrier and its cut
    private long cut = Long.MAX_VALUE;
    private long passed;                   // every transaction that commits before this position has arrived
    private long told;                     // keys told since from
    private long flushTo;                  // a stored moment the slot must be confirmed at (the reader sends it)
    private boolean failed;

    /** Changes of some transactions, per table; {@code finalLsn} the commit position of a window's one transaction. */
    private final class Changes {
        final long finalLsn;
        final Map<String, LoggedKeys> tables = new HashMap<>();
        final Map<Integer, LoggedKeys.Reader> readers = new HashMap<>();

        Changes(long finalLsn) {
            this.finalLsn = finalLsn;
        }

        LoggedKeys.Reader reader(int oid) {
            return readers.computeIfAbsent(oid, o -> {
                PgOutput.Relation r = relations.get(o);
                if (r == null) throw new IllegalStateException("a change of relation " + o + " before its description");
                List<String> key = r.schema().equals(schema) ? keys.get(r.name()) : null;
                return key == null ? LoggedKeys.Reader.IGNORED : tables.computeIfAbsent(r.name(), n -> new LoggedKeys()).reader(r, key);
            });
        }

        /** Adds {@code later}'s changes, which came after these. */
        void addLater(Changes later) {
            later.tables.forEach((table, changes) -> tables.computeIfAbsent(table, t -> new LoggedKeys()).addLater(changes));
            readers.clear(); // a reader may have been made before its table's changes came from elsewhere
        }

        long keys() {
            return tables.values().stream().mapToLong(LoggedKeys::size).sum();
        }
    }

    private SlotStream(String schema, Connection connection, PGReplicationStream stream, long from, Map<String, List<String>> keys) {
        this.schema = schema;
        this.connection = connection;
        this.stream = stream;
        this.from = from;
        this.passed = from;
        this.keys = keys;
        this.reader = new Thread(this::read, "cutover-slot-stream");
        reader.setDaemon(true);
    }

    /** Streams the slot from {@code from} (the slot's confirmed position, where the last stored backup's moment is). */
    static SlotStream start(Pool pool, String slot, String schema, long from, Map<String, List<String>> keys) throws SQLException {
        Connection c = pool.replicationConnection();
        try {
            var builder = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot).withStartPosition(LogSequenceNumber.valueOf(from))
                    .withSlotOption("proto_version", 1).withSlotOption("publication_names", slot)
                    .withStatusInterval(1, TimeUnit.SECONDS);
            // a backup's marker (see ChangeLog) is a logical message: sent from version 14 on; before, its empty transaction is
            if (c.getMetaData().getDatabaseMajorVersion() >= 14) builder = builder.withSlotOption("messages", true);
            SlotStream s = new SlotStream(schema, c, builder.start(), from, keys);
            s.reader.start();
            return s;
        } catch (SQLException | RuntimeException e) {
            ChangeLog.close(c);
            throw e;
        }
    }

    /** The tables' primary keys, as the source read them last. */
    void keys(Map<String, List<String>> keys) {
        this.keys = keys;
    }

    synchronized long from() { return from; }

    synchronized boolean failed() { return failed; }

    /** A moment is about to be taken: transactions arriving from now on are kept apart until {@link #cut} places them. */
    synchronized void barrier() {
        before.addLater(later); // what came after the last cut (a backup not stored) came before this moment
        later = new Changes(-1);
        cut = Long.MAX_VALUE;
        window = new ArrayList<>();
    }

    /** The moment is at {@code lsn} (-1: none in the log): the transactions kept apart go to its side of it. */
    synchronized void cut(long lsn) {
        cut = lsn < 0 ? Long.MAX_VALUE : lsn;
        if (window == null) return;
        for (Changes t : window) (t.finalLsn >= cut ? later : before).addLater(t);
        window = null;
    }

    /**
     * The changes of the transactions that commit from {@link #from()} up to the cut at {@code to},
     * once every one of them has arrived (a marker written after the moment brings the stream past
     * it at once); empty when the stream failed, told more keys than are kept, was cut elsewhere, or
     * did not get there within {@code waitMillis}.
     */
    synchronized Optional<Map<String, LoggedKeys>> changesUpTo(long to, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!failed && cut == to && passed < to) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) return Optional.empty();
            wait(left);
        }
        if (failed || cut != to) return Optional.empty();
        return Optional.of(Map.copyOf(before.tables));
    }

    /** The backup cut at {@code to} was stored: the changes after it are the next one's, and the slot is confirmed there. */
    synchronized boolean advance(long to) {
        if (failed || cut != to || window != null) return false;
        from = to;
        before = later;
        later = new Changes(-1);
        cut = Long.MAX_VALUE;
        told = before.keys();
        flushTo = Math.max(flushTo, to);
        return true;
    }

    private void read() {
        Changes current = null;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ByteBuffer message = stream.readPending();
                long at = stream.getLastReceiveLSN().asLong();
                if (message == null) {
                    synchronized (this) {
                        // a keepalive's position: every transaction committed before it was sent before it
                        if (at > passed) {
                            passed = at;
                            notifyAll();
                        }
                        if (flushTo > 0) confirm(flushTo);
                    }
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                PgOutput.Message m = PgOutput.parse(message);
                long committed = -1;
                synchronized (this) {
                    if (m instanceof PgOutput.Begin b) {
                        current = b.finalLsn() < from ? null : window != null ? add(new Changes(b.finalLsn())) : b.finalLsn() >= cut ? later : before;
                    } else if (m instanceof PgOutput.Commit c) {
                        current = null;
                        committed = Math.max(c.endLsn(), flushTo);
                        if (c.commitLsn() > passed) passed = c.commitLsn();
                        notifyAll();
                    } else if (m instanceof PgOutput.Relation r) {
                        relations.put(r.oid(), r);
                        before.readers.remove(r.oid());
                        later.readers.remove(r.oid());
                        if (window != null) window.forEach(t -> t.readers.remove(r.oid()));
                    } else if (current != null) {
                        told += LoggedKeys.Reader.apply(m, current::reader);
                        if (told > ChangeLog.MAX_KEYS) throw new IllegalStateException("more keys changed than are kept");
                    }
                }
                if (committed >= 0) confirm(committed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            // the connection went, the server stopped, or more changed than is kept: the backups scan from now on
            synchronized (this) {
                failed = true;
                notifyAll();
            }
        }
    }

    private Changes add(Changes transaction) {
        window.add(transaction);
        return transaction;
    }

    /** Tells the server the slot may move to {@code lsn}: sent with the stream's next status update (the reader's thread only). */
    private void confirm(long lsn) {
        LogSequenceNumber at = LogSequenceNumber.valueOf(lsn);
        stream.setFlushedLSN(at);
        stream.setAppliedLSN(at);
    }

    /** Stops reading and ends the replication session: the slot is free for others once the server sees it. */
    @Override
    public void close() {
        reader.interrupt();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            stream.close();
        } catch (SQLException ignored) {
            // the session ends with the connection
        }
        ChangeLog.close(connection);
    }
}
