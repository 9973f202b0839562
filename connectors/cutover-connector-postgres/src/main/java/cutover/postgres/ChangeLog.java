package cutover.postgres;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.ReplicationSlotInfo;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The write-ahead log of a database read through a logical replication slot and a publication of
 * the same name ({@code pgoutput}), so that a backup learns which keys changed since the previous
 * one without scanning its tables (docs/backup-format.md, "Changes from the write-ahead log").
 *
 * <p>Each backup's moment is the exported snapshot of a temporary slot, created after the
 * persistent one: a transaction whose commit record lies before that slot's consistent point is in
 * the snapshot, any later one is not. The changes between two backups are then exactly the
 * transactions the persistent slot decodes with commits from the earlier moment's point up to the
 * later one's; the slot is moved past them only once the later snapshot is stored, so a backup that
 * fails leaves them to the next.
 */
final class ChangeLog {
    /** Keys told at most per reading: past it, the scans ({@code xmin}) cost less than holding them. */
    static final int MAX_KEYS = 2_000_000;
    /**
     * The log is read only when it is smaller than 1/WAL_SHARE of the published tables' heaps.
     * Decoding reads every byte of WAL written since the mark (of every database of the cluster, and
     * the full page images written after each checkpoint), ~4.6 s a GB here, and moving the slot past
     * it afterwards ~0.5 s a GB; the scans it replaces (the keys' buckets and the changed rows, side by
     * side) ~2.8 s per GB of heap; the rows come from the log too (up to {@link LoggedKeys#ROW_BYTES}),
     * so none is looked up. They break even at about half: below it the log is cheaper (1M rows, 1% updated at
     * random, 79-83 MB of WAL against a 185 MB heap: 1.11-1.15 s a backup against 1.58 s by scans);
     * above it, as for 1% of 10M rows (1.1-1.5 GB of WAL against 1.85 GB), the scans. Up to
     * {@link #WAL_ALWAYS_READ} it is read whatever the tables' size: a fraction of a second.
     */
    static final int WAL_SHARE = 2;
    static final long WAL_ALWAYS_READ = 64L << 20;
    /**
     * How long a moment's replication connection is kept idle for the next moment of a process
     * that stays up: it saves the next backup 20-35 ms of connecting (a walsender forked), against
     * a walsender held between backups. Backups further apart connect again.
     */
    static final long SPARE_SECONDS = 120;
    private static final int SPARE_CHECK_SECONDS = 5;

    private final Pool pool;
    private final String slot;
    private final String schema;
    private final int waitSeconds;

    /** {@code waitSeconds}: how long a moment may wait for the transactions running when it is asked for. */
    ChangeLog(Pool pool, String slot, String schema, int waitSeconds) {
        requireSlotName(slot);
        this.pool = pool;
        this.slot = slot;
        this.schema = schema;
        this.waitSeconds = waitSeconds;
        this.checking = task -> daemon(task, "cutover-slot-check-" + slot);
    }

    static void requireSlotName(String slot) {
        if (!slot.matches("[a-z0-9_]{1,50}")) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "a replication slot's name for --follow-changes is 1 to 50 of a-z, 0-9 and _, not '" + slot + "'");
        }
    }

    String slot() { return slot; }

    /** The moment of the last backup stored through this process, where the slot was confirmed; -1 before one. */
    private long storedAt = -1;      // guarded by this
    /** The slot read as it is logged, in a process that stays up ({@link #keepUp}); null when not. */
    private SlotStream stream;       // guarded by this
    private boolean backingUp;       // guarded by this: from a moment taken until it is stored
    /** Whether this process stays up between backups ({@link #staysUp}): moments' connections are then kept. */
    private boolean staysUp;         // guarded by this
    /** A replication connection without a slot, kept from the last moment for the next ({@link #giveBack}). */
    private final SpareConnection spare = new SpareConnection(SPARE_SECONDS);
    /** The connection that exported the last moment's snapshot ({@link #exportedMoment}), kept for the next. */
    private final SpareConnection exporter = new SpareConnection(SPARE_SECONDS);
    /**
     * The slot's checks of {@link #exportedMoment}, on a thread of their own: made with the log, as a
     * lambda's class is made the first time its line runs, in a streaming process's first incremental.
     */
    private final java.util.function.Supplier<Prepared> prepare = this::prepareSlot;
    private final java.util.concurrent.Executor checking;

    /**
     * A moment to read at: the temporary slot's exported snapshot and its consistent point, held
     * while its connection stays open and idle ({@link #lsn} -1, no snapshot, when the slot could not
     * be made in time: the caller takes one of its own); {@code logged}, the tables the publication
     * held before this moment was asked for: only their changes are all in the log. {@code read}: the
     * snapshot's oldest running transaction and database, where its export read them (a streamed
     * moment's); null where the pool reads them by importing the snapshot (a temporary slot's).
     */
    record Moment(String snapshotId, long lsn, Set<String> logged, Connection holder, String temporarySlot, Pool.Moment read) {
        boolean inLog() { return lsn >= 0; }

        static Moment notInLog(Set<String> logged) { return new Moment(null, -1, logged, null, null, null); }
    }

    /**
     * Makes the publication hold every table of the schema whose log carries its key, and the slot
     * exist (creating them on first use), then takes the moment; the stream, if one runs, is cut there.
     */
    Moment takeMoment() {
        LogReadingRehearsal.runBegins();
        SlotStream streaming;
        synchronized (this) {
            backingUp = true;
            streaming = stream;
        }
        if (streaming != null) streaming.barrier(); // the transactions arriving while the moment is placed wait for it
        Moment taken = null;
        try {
            if (streaming != null && !streaming.failed()) taken = exportedMoment(streaming);
            if (taken == null) taken = placeMoment();
            return taken;
        } finally {
            if (streaming != null) streaming.cut(taken == null ? -1 : taken.lsn());
        }
    }

    /** A moment through a temporary slot, made after the publication and slot are checked (see {@link #exportedMoment} for a streaming process's). */
    private Moment placeMoment() {
        // the connection kept since the last moment, or a new one (the server forks a walsender:
        // 20-35 ms here), made ready while the publication and slot are checked on a pooled one
        CompletableFuture<Connection> opening = replicationConnection(spare.take());
        boolean handedOver = false;
        try {
            Prepared prepared = prepareSlot();
            if (!prepared.slotReady()) return Moment.notInLog(prepared.logged());
            Connection holder = ready(opening);
            Optional<ReplicationSlotInfo> info = temporarySlot(holder);
            if (info.isEmpty()) return Moment.notInLog(prepared.logged());
            handedOver = true;
            ReplicationSlotInfo made = info.get();
            return new Moment(made.getSnapshotName(), made.getConsistentPoint().asLong(), prepared.logged(), holder, made.getSlotName(), null);
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "taking a moment through a temporary replication slot", pool.location());
        } finally {
            if (!handedOver) opening.thenAccept(Pool::closeQuietly); // now, or when it arrives
        }
    }

    /** {@code spare} if it still answers (the server may have ended it since: a restart, a timeout), else a new replication connection. */
    private CompletableFuture<Connection> replicationConnection(Connection spare) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (spare != null && spare.isValid(SPARE_CHECK_SECONDS)) return spare;
                Pool.closeQuietly(spare);
                return pool.replicationConnection();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, task -> daemon(task, "cutover-slot-connect-" + slot));
    }

    /**
     * A moment without a temporary slot, for a process that streams the slot: a snapshot exported
     * from a transaction of its own, and the commit position the stream places it at ({@link
     * StreamedChanges#cutFor}: the transactions the snapshot sees are exactly those that commit
     * before it). Making a temporary slot took 6-18 ms of each scheduled run, and 60-90 ms at times,
     * where this is a query and the marker's round trip. Null where the stream cannot place the
     * snapshot (a transaction became visible after one that committed later, or the stream failed or
     * lagged): the caller takes a temporary slot's moment instead.
     */
    private Moment exportedMoment(SlotStream streaming) {
        // the checks run beside the snapshot: where they change the publication, the snapshot is taken
        // again after them, so that a table they add is in it before the moment
        CompletableFuture<Prepared> preparing = CompletableFuture.supplyAsync(prepare, checking);
        Connection holder = null;
        boolean handedOver = false;
        try {
            // the connection kept since the last moment, unasked whether it still answers (a round trip
            // of every run): one the server ended meanwhile (a restart, a timeout) fails at once, and a new one exports
            holder = exporter.take();
            Exported exported = null;
            if (holder != null) {
                try {
                    exported = export(holder, streaming);
                } catch (SQLException ended) {
                    Pool.closeQuietly(holder);
                    holder = null;
                }
            }
            if (holder == null) {
                holder = exportingConnection();
                exported = export(holder, streaming);
            }
            Prepared prepared = ready(preparing);
            if (!prepared.slotReady()) return Moment.notInLog(prepared.logged());
            if (!prepared.asBefore()) {
                holder.rollback();
                exported = export(holder, streaming);
            }
            java.util.OptionalLong at = streaming.cutFor(exported.seen(), exported.insertedUpTo(), TimeUnit.SECONDS.toMillis(waitSeconds));
            if (at.isEmpty()) return null;
            handedOver = true;
            return new Moment(exported.moment().snapshotId(), at.getAsLong(), prepared.logged(), holder, null, exported.moment());
        } catch (SQLException e) {
            return null; // the temporary slot's way reports what lasts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERNAL, "interrupted while taking a moment", e);
        } finally {
            if (!handedOver) {
                keepExporter(holder);
                preparing.handle((done, failed) -> null).join(); // the temporary slot's way checks again, after these checks
            }
        }
    }

    /**
     * A snapshot exported by {@link #export}: its id with its oldest running transaction and the
     * database (as the pool holds it), the transactions it sees, and the WAL's insert position read after it.
     */
    private record Exported(Pool.Moment moment, SnapshotXids seen, long insertedUpTo) {}

    /**
     * Exports a snapshot from a new transaction on {@code holder} (left open for the readers to import
     * it), then, unless the stream is past it already, commits the marker that brings the stream past
     * the insert position read after it.
     */
    private Exported export(Connection holder, SlotStream streaming) throws SQLException {
        Exported exported = exportedSnapshot(holder);
        // past it already where nothing was logged since the stream's last transaction or keepalive: the
        // marker's commit waits for the log's flush, 1-280 ms on a disk busy writing back what changed
        if (streaming.passed() < exported.insertedUpTo()) emitMarker();
        return exported;
    }

    /** A snapshot exported from a new transaction on {@code holder}, left open. */
    private static Exported exportedSnapshot(Connection holder) throws SQLException {
        try (Statement s = holder.createStatement()) {
            // the insert position is read after the snapshot is taken (at the statement's start)
            try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), txid_current_snapshot()::text, pg_current_wal_insert_lsn()::text, "
                    + Pool.MOMENT_COLUMNS)) {
                rs.next();
                return new Exported(Pool.momentOf(rs.getString(1), rs, 4), SnapshotXids.parse(rs.getString(2)),
                        LogSequenceNumber.valueOf(rs.getString(3)).asLong());
            }
        }
    }

    /**
     * A connection for {@link #export}: its transactions repeatable reads and read only, set once for
     * its session, so that each export's {@code BEGIN READ ONLY} goes with its query in one round trip.
     */
    private Connection exportingConnection() throws SQLException {
        Connection c = pool.directConnection();
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            Pool.closeQuietly(c);
            throw e;
        }
    }

    /**
     * A connection made ready for the next exported moment, unless one is kept already: one snapshot
     * exported and let go on it, so that the new backend's caches (and this process's code) are warm
     * for the moment's (the first export of a new connection took 18 ms of a run, later ones 3-4).
     */
    private void openExporter() {
        Connection c = null;
        try {
            c = exportingConnection();
            exportedSnapshot(c);
            c.rollback();
            if (exporter.keep(c)) c = null;
        } catch (SQLException e) {
            // the moment makes its own
        } finally {
            Pool.closeQuietly(c);
        }
    }

    /** The exporting transaction ended and its connection kept for the next moment, in a process that stays up; else closed. */
    private void keepExporter(Connection c) {
        if (c == null) return;
        boolean keep;
        synchronized (this) {
            keep = staysUp;
        }
        try {
            c.rollback();
        } catch (SQLException e) {
            keep = false;
        }
        if (!keep || !exporter.keep(c)) Pool.closeQuietly(c);
    }

    /** Commits a logical message, which brings the stream past every position logged before it at once (a keepalive may take seconds). */
    private void emitMarker() throws SQLException {
        try (Connection c = pool.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("SELECT pg_logical_emit_message(true, 'cutover', 'moment')");
        }
    }

    /**
     * The moment's replication connection, once no reader needs its snapshot: in a process that
     * stays up, its temporary slot dropped (which ends the exported snapshot too) and the connection
     * kept for the next moment, for up to {@link #SPARE_SECONDS} idle; else closed, which drops the slot.
     */
    void giveBack(Moment moment) {
        Connection c = moment.holder();
        if (c == null) return;
        if (moment.temporarySlot() == null) { // an exported moment's (see exportedMoment)
            keepExporter(c);
            return;
        }
        boolean keep;
        synchronized (this) {
            keep = staysUp;
        }
        if (keep && dropTemporarySlot(c, moment.temporarySlot()) && spare.keep(c)) return;
        Pool.closeQuietly(c);
    }

    private static boolean dropTemporarySlot(Connection c, String temporarySlot) {
        try {
            c.unwrap(PGConnection.class).getReplicationAPI().dropReplicationSlot(temporarySlot);
            return true;
        } catch (SQLException e) {
            return false; // closed instead: the slot goes with the session
        }
    }

    /** What {@code work} on another thread gave, or the failure it threw, as if thrown here. */
    private static <T> T ready(CompletableFuture<T> work) throws SQLException {
        try {
            return work.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) throw sql;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * The tables whose changes are all in the log, whether the slot is ready (false: making it waited
     * too long), and whether the publication and slot were as the last backup left them (nothing
     * added, taken out, made or made again).
     */
    private record Prepared(Set<String> logged, boolean slotReady, boolean asBefore) {}

    /**
     * Makes the publication hold every table of the schema whose log carries its key and the slot
     * exist, made now (or made again, when it has {@link #fallenBehind} too far); one round trip
     * when both are as the last backup left them.
     */
    private Prepared prepareSlot() {
        try (Connection c = pool.connection()) {
            c.setAutoCommit(true);
            Probe probe = probe(c);
            if (!"logical".equals(probe.walLevel())) {
                throw new CutoverException(ErrorCode.SETTING_INVALID, "following changes through the write-ahead log needs wal_level = logical on "
                        + pool.location() + " (it is " + probe.walLevel() + "): set it and restart the server, or back up without --follow-changes");
            }
            Set<String> logged = publishTables(c, probe);
            boolean published = probe.publicationExists() && probe.keyed().equals(probe.published());
            if (probe.slotPlugin() == null) return new Prepared(logged, createSlot(c), false);
            if (!"pgoutput".equals(probe.slotPlugin()) || !probe.slotOfThisDatabase()) {
                throw new CutoverException(ErrorCode.SETTING_INVALID, "the replication slot " + slot + " on " + pool.location()
                        + " is not a pgoutput slot of this database; name another with --follow-changes=NAME");
            }
            if (fallenBehind(c, probe)) {
                // the scans will be cheaper than the log this time; moving the slot past it would decode it all
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, slot);
                    ps.execute();
                }
                return new Prepared(logged, createSlot(c), false);
            }
            return new Prepared(logged, true, published);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new CutoverException(ErrorCode.SOURCE_AUTH, "following changes on " + pool.location() + " needs a role with the REPLICATION "
                        + "attribute (or a superuser) that owns the tables, to make the publication and slot " + slot + ": " + e.getMessage(), e);
            }
            throw SqlErrors.translateRead(e, "preparing the replication slot " + slot, pool.location());
        }
    }

    /**
     * What a moment needs to know before it is taken, asked in one query: the server's {@code
     * wal_level}; the schema's tables whose log carries their key ({@code keyed}: replica identity
     * {@code DEFAULT} with a primary key, or {@code FULL}); whether the publication exists and the
     * schema's tables it holds; the slot's plugin and database (null: no slot), the bytes of WAL it
     * keeps past its confirmed position and whether a process streams it.
     */
    private record Probe(String walLevel, Set<String> keyed, boolean publicationExists, Set<String> published,
                         String slotPlugin, boolean slotOfThisDatabase, long slotKeptBytes, boolean slotActive) {}

    private Probe probe(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('wal_level'), "
                + "array(SELECT r.relname::text FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE n.nspname = ? AND r.relkind IN ('r', 'p') AND NOT r.relispartition AND (r.relreplident = 'f' OR (r.relreplident = 'd' "
                + "AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = r.oid AND i.indisprimary)))), "
                + "EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?), "
                + "array(SELECT tablename::text FROM pg_publication_tables WHERE pubname = ? AND schemaname = ?), "
                + "s.plugin, s.database = current_database(), "
                + "CASE WHEN pg_is_in_recovery() THEN 0 ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::int8 END, s.active "
                + "FROM (SELECT 1) AS one LEFT JOIN pg_replication_slots s ON s.slot_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, slot);
            ps.setString(3, slot);
            ps.setString(4, schema);
            ps.setString(5, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Probe(rs.getString(1), Set.copyOf(Catalog.texts(rs.getArray(2))), rs.getBoolean(3), Set.copyOf(Catalog.texts(rs.getArray(4))),
                        rs.getString(5), rs.getBoolean(6), rs.getLong(7), rs.getBoolean(8));
            }
        }
    }

    /**
     * A temporary slot exporting its snapshot, made on {@code c}; empty when it took longer than
     * {@link #waitSeconds}: a slot's snapshot waits for every transaction running when it is asked
     * for to end, and one left open for hours must not hold a backup for as long. Its session is
     * then ended, which drops the half-made slot.
     */
    private Optional<ReplicationSlotInfo> temporarySlot(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        int pid = pg.getBackendPID();
        CompletableFuture<ReplicationSlotInfo> making = CompletableFuture.supplyAsync(() -> {
            try {
                return pg.getReplicationAPI().createReplicationSlot().logical()
                        .withSlotName(slot + "_" + Long.toHexString(System.nanoTime() & 0xFFFFFFFL)).withOutputPlugin("pgoutput").withTemporaryOption().make();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, task -> daemon(task, "cutover-slot-" + slot));
        try {
            ReplicationSlotInfo info = making.get(waitSeconds, TimeUnit.SECONDS);
            if (info.getSnapshotName() == null) throw new IllegalStateException("the server exported no snapshot with the temporary slot");
            return Optional.of(info);
        } catch (TimeoutException e) {
            try (Connection admin = pool.connection(); PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                ps.execute();
            }
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) throw sql;
            throw new IllegalStateException("making a temporary replication slot failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERNAL, "interrupted while taking a moment", e);
        }
    }

    /**
     * Adds the schema's tables that the publication lacks (creating it if missing), takes out those
     * that no longer qualify, and returns the qualifying tables it held already. A table qualifies when its log carries its
     * primary key: replica identity {@code DEFAULT} with a primary key, or {@code FULL}. Any other
     * table must stay out: PostgreSQL refuses every UPDATE and DELETE of a table without a replica
     * identity in a publication of them, and a backup must never break the application's writes.
     */
    private Set<String> publishTables(Connection c, Probe probe) throws SQLException {
        Set<String> keyed = probe.keyed(), published = probe.published();
        boolean exists = probe.publicationExists();
        Set<String> missing = new HashSet<>(keyed), unqualified = new HashSet<>(published);
        missing.removeAll(published);
        unqualified.removeAll(keyed);
        if (exists && !unqualified.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER PUBLICATION " + slot + " DROP TABLE " + tableList(unqualified));
            }
        }
        if (!exists) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE PUBLICATION " + slot + (missing.isEmpty() ? "" : " FOR TABLE " + tableList(missing)));
            }
        } else if (!missing.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER PUBLICATION " + slot + " ADD TABLE " + tableList(missing));
            }
        }
        Set<String> logged = new HashSet<>(keyed);
        logged.retainAll(published);
        return logged;
    }

    private String tableList(Set<String> tables) {
        StringBuilder out = new StringBuilder();
        for (String t : tables) out.append(out.length() == 0 ? "" : ", ").append(new TableName(schema, t).sql());
        return out.toString();
    }

    /** Makes the slot; false when making it waited too long for running transactions. */
    private boolean createSlot(Connection c) throws SQLException {
        // making a slot waits for the transactions running to end, as a temporary one does (see temporarySlot)
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            s.execute("SET statement_timeout = " + waitSeconds * 1000L);
            try {
                ps.setString(1, slot);
                ps.execute();
                return true;
            } catch (SQLException e) {
                if ("57014".equals(e.getSQLState())) return false; // cancelled by the timeout: the next backup tries again
                throw e;
            } finally {
                s.execute("RESET statement_timeout");
            }
        }
    }

    /**
     * The keys changed by the transactions that committed from {@code from} up to (not including)
     * {@code to}, per table of the schema; empty when the log cannot tell them all: the slot is gone,
     * was moved past {@code from}, lost its WAL, or more than {@link #MAX_KEYS} keys changed.
     * {@code keys} gives each table's primary key columns.
     *
     * <p>Taken from the stream where this process streams the slot from {@code from} ({@link
     * #keepUp}); else read with {@code pg_logical_slot_peek_binary_changes}, which decodes only the
     * transactions that commit before {@code to} and ends there, leaving the slot where it is (it
     * moves once the snapshot is stored). The slot starts at its confirmed position, which a backup
     * that failed after moving it could leave before {@code from}: transactions that committed
     * before {@code from} are skipped.
     */
    Optional<Map<String, LoggedKeys>> changes(long from, long to, Map<String, List<String>> keys) {
        if (from > to) return Optional.empty();
        SlotStream streaming;
        synchronized (this) {
            streaming = stream;
        }
        if (streaming != null) {
            Optional<Map<String, LoggedKeys>> streamed = streaming.from() == from ? streamed(streaming, to) : Optional.empty();
            if (streamed.isPresent()) return streamed;
            stopStream(streaming); // it cannot tell this backup's changes: the slot is read as without it, where its position allows
        }
        Connection c = null;
        try {
            c = pool.connection();
            c.setAutoCommit(true);
            if (!readableFrom(c, from)) return Optional.empty();
            if (from == to) return Optional.of(Map.of());
            if (!smallerThanTheTables(c, from, to)) return Optional.empty();
            c.setAutoCommit(false); // a cursor: the messages are fetched in batches, not all at once
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM pg_logical_slot_peek_binary_changes(?, ?::pg_lsn, NULL, "
                    + "'proto_version', '1', 'publication_names', ?)")) {
                ps.setFetchSize(10_000);
                ps.setString(1, slot);
                ps.setString(2, LogSequenceNumber.valueOf(to).asString());
                ps.setString(3, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    return read(rs, from, to, keys);
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading the changes from the replication slot " + slot, pool.location());
        } finally {
            Pool.closeQuietly(c);
        }
    }

    /**
     * The changes the stream brought up to the moment at {@code to}: a marker committed now, after the
     * moment, brings the stream past it at once (a keepalive could take seconds); empty when the
     * stream cannot tell them.
     */
    private Optional<Map<String, LoggedKeys>> streamed(SlotStream streaming, long to) {
        try {
            if (streaming.passed() < to) emitMarker(); // an exported moment's marker brought it there already
            return streaming.changesUpTo(to, TimeUnit.SECONDS.toMillis(waitSeconds));
        } catch (SQLException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERNAL, "interrupted while reading the changes from the replication slot " + slot, e);
        }
    }

    /** Whether the slot can still give every change from {@code from}: it exists, was not moved past it, and keeps its WAL. */
    private boolean readableFrom(Connection c, long from) throws SQLException {
        return readableFrom(c, from, false);
    }

    /** The same; {@code exactly}: the slot is at {@code from}, where this process left it (no one else moved it). */
    private boolean readableFrom(Connection c, long from, boolean exactly) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT confirmed_flush_lsn " + (exactly ? "=" : "<=") + " ?::pg_lsn "
                + "AND coalesce(wal_status, 'reserved') <> 'lost' AND NOT active FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, LogSequenceNumber.valueOf(from).asString());
            ps.setString(2, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * The keys of the transactions whose commit record starts at or after {@code from} and before
     * {@code to}: a moment's snapshot holds exactly the transactions that commit before its slot's
     * consistent point (a slot starting there decodes the others).
     */
    /** Whether the WAL from {@code from} to {@code to} is under 1/{@link #WAL_SHARE} of the published tables' heaps. */
    private boolean smallerThanTheTables(Connection c, long from, long to) throws SQLException {
        return to - from <= WAL_ALWAYS_READ || worthReading(to - from, publishedHeapBytes(c)); // a small log asks no heap sizes
    }

    /** Whether decoding {@code walBytes} of WAL costs less than scanning {@code heapBytes} of tables ({@link #WAL_SHARE}). */
    static boolean worthReading(long walBytes, long heapBytes) {
        return walBytes <= WAL_ALWAYS_READ || walBytes * WAL_SHARE < heapBytes;
    }

    private long publishedHeapBytes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(pg_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0) "
                + "FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Whether the slot has kept more WAL than reading it would be worth ({@link #WAL_SHARE}): the
     * backup then finds the changes by scans, and the slot, dropped and made again before the
     * moment, starts from it, instead of being moved past that WAL afterwards, which decodes it all
     * (0.4 s a gigabyte) only to throw it away.
     */
    private boolean fallenBehind(Connection c, Probe probe) throws SQLException {
        return !probe.slotActive() && probe.slotKeptBytes() > WAL_ALWAYS_READ && !worthReading(probe.slotKeptBytes(), publishedHeapBytes(c));
    }

    private Optional<Map<String, LoggedKeys>> read(ResultSet messages, long from, long to, Map<String, List<String>> keys) throws SQLException {
        Map<Integer, LoggedKeys.Reader> relations = new HashMap<>();
        Map<String, LoggedKeys> out = new HashMap<>();
        int told = 0;
        boolean skipping = false;
        while (messages.next()) {
            PgOutput.Message m = PgOutput.parse(ByteBuffer.wrap(messages.getBytes(1)));
            if (m instanceof PgOutput.Begin b) {
                skipping = b.finalLsn() < from || b.finalLsn() >= to; // in the earlier snapshot already, or not in this one
            } else if (m instanceof PgOutput.Commit) {
                if (told > MAX_KEYS) return Optional.empty();
            } else if (m instanceof PgOutput.Relation r) {
                relations.put(r.oid(), LoggedKeys.readerInto(out, r, schema, keys));
            } else if (!skipping) {
                told += LoggedKeys.Reader.apply(m, oid -> reader(relations, oid));
            }
        }
        return Optional.of(out);
    }

    /**
     * For a process that stays up between backups ({@code backup --every … --follow-changes}): reads
     * the slot as the server logs it ({@link SlotStream}), so that a backup waits only for what was
     * logged just before its moment. Started once a backup's moment was stored through this process
     * (the changes kept start there) and the slot is still there, unread by anyone else; called
     * again, it gives the stream the tables' keys as they are now, and replaces one that failed at
     * the next stored backup. Where it cannot start (no walsender free, a role without replication),
     * backups read the slot themselves, as without it.
     */
    synchronized void keepUp(Map<String, List<String>> keys) {
        staysUp();
        if (stream != null) {
            if (!stream.failed()) {
                stream.keys(keys);
                return;
            }
            stopStream(stream);
        }
        if (backingUp || storedAt < 0) return;
        try {
            try (Connection c = pool.connection()) {
                c.setAutoCommit(true);
                if (!readableFrom(c, storedAt, true)) {
                    storedAt = -1; // moved by someone else: the next backup reads what it needs, and reading ahead waits for the one after
                    return;
                }
            }
            stream = SlotStream.start(pool, slot, schema, storedAt, keys);
            LogReadingRehearsal.startOnce(); // while it waits for its first incremental
            daemon(this::openExporter, "cutover-slot-exporter-" + slot); // the next moment's (a new one forks a backend: 20-35 ms)
        } catch (SQLException e) {
            // the changes stay in the slot: the next backup reads them
        }
    }

    /**
     * This process stays up between backups: each moment's replication connection is kept for the
     * next ({@link #giveBack}). Said before the first backup, so that its moment's is kept too: the
     * read ahead ({@link #keepUp}) starts only once that backup is stored, after it gave it back.
     */
    synchronized void staysUp() {
        staysUp = true;
    }

    /** Ends the stream and waits (up to a few seconds) for the server to free the slot, which it does once the session ends. */
    private synchronized void stopStream(SlotStream streaming) {
        streaming.close();
        if (stream == streaming) stream = null;
        try (Connection c = pool.connection(); PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            c.setAutoCommit(true);
            ps.setString(1, slot);
            for (int tries = 0; tries < 100; tries++) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) return;
                }
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            // the slot's state is asked again by whoever reads it next
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops reading ahead and closes the connection kept for the next moment, for a source being closed. */
    synchronized void close() {
        staysUp = false;
        if (stream != null) stopStream(stream);
        spare.close();
        exporter.close();
    }

    private long confirmedPosition(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new SQLException("the replication slot " + slot + " is gone");
                return LogSequenceNumber.valueOf(rs.getString(1)).asLong();
            }
        }
    }

    private static LoggedKeys.Reader reader(Map<Integer, LoggedKeys.Reader> relations, int oid) {
        LoggedKeys.Reader r = relations.get(oid);
        if (r == null) throw new IllegalStateException("a change of relation " + oid + " before its description");
        return r;
    }

    /**
     * Moves the slot to {@code lsn} (the moment of a stored snapshot): the server may then recycle
     * the WAL before it. A stream cut there goes on from it (it confirms the slot there itself);
     * any other is stopped, and the slot moved here.
     */
    synchronized void confirm(long lsn) {
        backingUp = false;
        if (stream != null) {
            if (stream.advance(lsn)) {
                storedAt = lsn;
                return;
            }
            stopStream(stream);
        }
        storedAt = -1;
        try (Connection c = pool.connection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_replication_slot_advance(slot_name, ?::pg_lsn) FROM pg_replication_slots "
                     + "WHERE slot_name = ? AND confirmed_flush_lsn < ?::pg_lsn AND NOT active")) {
            c.setAutoCommit(true);
            String at = LogSequenceNumber.valueOf(lsn).asString();
            ps.setString(1, at);
            ps.setString(2, slot);
            ps.setString(3, at);
            ps.execute();
            if (confirmedPosition(c) == lsn) storedAt = lsn;
        } catch (SQLException e) {
            // the slot stays where it was: the next backup reads a little more of the log
        }
    }
}
