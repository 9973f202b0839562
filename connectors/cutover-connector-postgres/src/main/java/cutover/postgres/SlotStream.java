package cutover.postgres;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
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
 * <p>A thread of its own reads the stream into {@link StreamedChanges}, which keeps them per table
 * and cuts them at each backup's moment. What arrives is confirmed (consumed from the slot) as it
 * is told, as the read ahead always did: a process that dies loses it, and its next backup finds
 * the slot past its mark and scans, once.
 */
final class SlotStream implements AutoCloseable {
    private static final long POLL_MILLIS = 5;

    private final Connection connection;
    private final PGReplicationStream stream;
    private final StreamedChanges changes;
    private final Thread reader;

    private SlotStream(Connection connection, PGReplicationStream stream, StreamedChanges changes) {
        this.connection = connection;
        this.stream = stream;
        this.changes = changes;
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
            SlotStream s = new SlotStream(c, builder.start(), new StreamedChanges(schema, from, keys));
            s.reader.start();
            return s;
        } catch (SQLException | RuntimeException e) {
            Pool.closeQuietly(c);
            throw e;
        }
    }

    void keys(Map<String, List<String>> keys) { changes.keys(keys); }

    long from() { return changes.from(); }

    boolean failed() { return changes.failed(); }

    void barrier() { changes.barrier(); }

    void cut(long lsn) { changes.cut(lsn); }

    Optional<Map<String, LoggedKeys>> changesUpTo(long to, long waitMillis) throws InterruptedException {
        return changes.changesUpTo(to, waitMillis);
    }

    boolean advance(long to) { return changes.advance(to); }

    java.util.OptionalLong cutFor(SnapshotXids snapshot, long insertedUpTo, long waitMillis) throws InterruptedException {
        return changes.cutFor(snapshot, insertedUpTo, waitMillis);
    }

    long passed() { return changes.passed(); }

    private void read() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    // the last position received: a keepalive's (the server sends a transaction once it has decoded
                    // its commit, in commit order, so every transaction that commits before a position it has passed was
                    // sent before it), or a message's (a begin's first record, a change's own, a commit's end: each
                    // after the commits of every transaction sent before it, and before its own)
                    changes.passed(stream.getLastReceiveLSN().asLong());
                    long stored = changes.confirmAt();
                    if (stored > 0) confirm(stored);
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                long confirmable = changes.take(PgOutput.parse(message));
                if (confirmable >= 0) confirm(confirmable);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            changes.fail(); // the connection went, the server stopped, or more changed than is kept: the backups scan from now on
        }
    }

    /** Tells the server the slot may move to {@code lsn}, with the stream's next status update (this thread only). */
    private void confirm(long lsn) {
        LogSequenceNumber at = LogSequenceNumber.valueOf(lsn);
        if (stream.getLastFlushedLSN().asLong() >= lsn) return;
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
        Pool.closeQuietly(connection);
    }
}
