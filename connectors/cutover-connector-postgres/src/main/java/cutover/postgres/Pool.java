package cutover.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The connection pool of one connector. Opening it connects once, so a wrong host or password is
 * reported before any work starts, with the location redacted. Sessions run in UTC so timestamps
 * travel as text without a zone surprise.
 *
 * <p>While the pool is held at a moment ({@link #holdAtThisMoment(java.util.function.Supplier)}), every read transaction begun
 * with {@link #beginRead} imports the snapshot exported then, so parallel readers see one image.
 */
final class Pool implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final String location;
    private final String jdbcUrl;
    private final Properties connectProperties;
    /** The exported snapshot readers import, while one is held. */
    private final AtomicReference<Moment> heldSnapshot = new AtomicReference<>();

    /**
     * A held moment: the exported snapshot's id, the oldest transaction still running then
     * ({@code txid_snapshot_xmin}, with its epoch: every row written by a later transaction, or one
     * still running, has an {@code xmin} at or after it), and the database it was taken in.
     */
    record Moment(String snapshotId, long xmin, long databaseOid) {}

    private Pool(HikariDataSource dataSource, String location, String jdbcUrl, Properties connectProperties) {
        this.dataSource = dataSource;
        this.location = location;
        this.jdbcUrl = jdbcUrl;
        this.connectProperties = connectProperties;
    }

    static Pool open(PgLocation where, String password, int size, int connectTimeoutSeconds) {
        Properties direct = new Properties();
        direct.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        direct.setProperty("tcpKeepAlive", "true");
        direct.setProperty("ApplicationName", "cutover");
        // floats printed exactly whatever the database's own setting (an upsert compares rows as their text); intervals in
        // the one style both ends read alike (a negative one is another value in sql_standard's), whatever a database sets
        direct.setProperty("options", "-c TimeZone=UTC -c extra_float_digits=3 -c IntervalStyle=postgres");
        if (where.user() != null) direct.setProperty("user", where.user());
        if (password != null) direct.setProperty("password", password);
        // connect once now, so a wrong host, database or password is reported before any work starts;
        // made here, not by HikariCP's own check, which sleeps a second after a failure before it
        // reports it, and handed to the pool as its first connection rather than closed (~20 ms saved)
        Connection first;
        try {
            first = DRIVER.connect(where.jdbcUrl(), direct);
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "connecting", where.redacted());
        }
        HikariConfig config = new HikariConfig();
        config.setDataSource(new FirstConnectionMadeAlready(first, where.jdbcUrl(), direct));
        config.setMaximumPoolSize(size);
        // one while opening, so that the first connection stays for the first borrower; none after,
        // so that no connection is added in the background or kept idle for hours
        config.setMinimumIdle(1);
        config.setPoolName("cutover-" + where.host() + "-" + where.database());
        config.setConnectionTimeout(connectTimeoutSeconds * 1000L);
        config.setInitializationFailTimeout(1); // takes the first connection into the pool now
        try {
            HikariDataSource dataSource = new HikariDataSource(config);
            dataSource.getHikariConfigMXBean().setMinimumIdle(0);
            return new Pool(dataSource, where.redacted(), where.jdbcUrl(), direct);
        } catch (HikariPool.PoolInitializationException e) {
            closeQuietly(first);
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) throw SqlErrors.translate(sql, "connecting", where.redacted());
            throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "cannot connect to " + where.redacted() + ": " + e.getMessage(), e);
        }
    }

    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    /** The pool's connections, made by the driver; the first one is the connection {@link #open} made to check the server. */
    private static final class FirstConnectionMadeAlready extends org.postgresql.ds.PGSimpleDataSource {
        private final transient AtomicReference<Connection> first;
        private final String url;
        private final transient Properties properties;

        FirstConnectionMadeAlready(Connection first, String url, Properties properties) {
            this.first = new AtomicReference<>(first);
            this.url = url;
            this.properties = properties;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection made = first.getAndSet(null);
            return made != null ? made : DRIVER.connect(url, properties);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection(); // the pool is given no credentials of its own: they are in the properties
        }
    }

    Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "connecting", location);
        }
    }

    /** Closes a connection that failed and takes it out of the pool, so the next borrower gets a fresh one. */
    void discard(Connection connection) {
        try {
            dataSource.evictConnection(connection);
        } catch (RuntimeException ignored) {
            // already gone: nothing more to release
        }
    }

    String location() { return location; }

    /** Work on a connection, which may fail as JDBC does. */
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** The connection {@link #readCatalog} keeps between readings, as long as a moment's connections are kept. */
    private final SpareConnection catalogReader = new SpareConnection(ChangeLog.SPARE_SECONDS);
    private static final int CATALOG_CHECK_SECONDS = 5;

    /**
     * Runs {@code reading} on a connection outside the pool, kept for the next reading of the catalog
     * within two minutes. A server process that has read the catalog answers the same queries again
     * in a fraction of the time (its caches of the catalog are filled: the tables' definitions take
     * ~4 ms instead of ~21, measured in psql), and the pool hands out whichever connection is free: a
     * backup that stays up, reading the definitions every run, met at its second run a connection
     * that had never read them, and waited ~45 ms for them instead of ~20.
     */
    <T> T readCatalog(SqlWork<T> reading) throws SQLException {
        if (dataSource.isClosed()) throw new SQLException("the connection pool of " + location + " is closed", "08003");
        Connection c = catalogReader.take();
        if (c != null && !c.isValid(CATALOG_CHECK_SECONDS)) { // e.g. the server restarted since
            closeQuietly(c);
            c = null;
        }
        if (c == null) {
            try {
                c = directConnection();
            } catch (SQLException refused) { // e.g. the server's or the role's connections all taken: one of the pool's, as before, not kept
                try (Connection pooled = connection()) {
                    withoutJit(pooled, false);
                    T out;
                    try {
                        out = reading.run(pooled);
                    } catch (SQLException | RuntimeException e) {
                        try {
                            withoutJit(pooled, true);
                        } catch (SQLException alsoFailed) { // the reading's own failure is the one to tell
                            e.addSuppressed(alsoFailed);
                        }
                        throw e;
                    }
                    withoutJit(pooled, true);
                    return out;
                }
            }
            try {
                withoutJit(c, false); // kept so: the connection reads the catalog alone
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
        }
        T read;
        try {
            read = reading.run(c);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c); // in whatever state the failure left it: the next reading starts afresh
            throw e;
        }
        if (!catalogReader.keep(c)) closeQuietly(c); // another reading's is kept, or the pool is closed
        return read;
    }

    /** The moment the pool is held at, or empty when it is not. */
    java.util.Optional<Moment> heldMoment() {
        return java.util.Optional.ofNullable(heldSnapshot.get());
    }

    /**
     * Exports a snapshot from a transaction of its own, on a connection outside the pool (so a pool
     * of one still has a connection for the readers), and makes {@link #beginRead} import it until
     * the returned handle is closed. One at a time. The tables {@code toLock} names (schema-qualified,
     * quoted) are locked first, as {@code pg_dump} locks what it dumps: in ACCESS SHARE mode, which lets the application
     * read and write but not TRUNCATE, drop or rewrite them (ALTER TABLE) until the moment is let go.
     * Those are not safe for a snapshot taken before them: a table truncated after it reads as empty.
     * Taken before the snapshot (a transaction's snapshot is taken at its first query, not at LOCK
     * TABLE), so one committed before the locks were granted is seen by it. A table dropped between
     * the listing and the lock is listed again; where the server cannot hold so many locks
     * ({@code max_locks_per_transaction}), or the role may not lock one (a partition it may not read
     * but through its table), the moment is held without them.
     */
    cutover.connector.PointInTime holdAtThisMoment(java.util.function.Supplier<ToLock> toLock) {
        cutover.connector.PointInTime set = sharedHold;
        if (set != null) return new Joined(set.id()); // a schema's backup within a set's: the set lets go of the moment
        Connection holder = null;
        try {
            holder = DRIVER.connect(jdbcUrl, connectProperties);
            if (holder.getMetaData().getDatabaseMajorVersion() >= 10) {
                // the holder waits idle in its transaction while the readers import it (a set of schemas, one after another):
                // a server's idle_in_transaction_session_timeout would end it, and the readers' later imports with it
                try (Statement s = holder.createStatement()) {
                    s.execute("SET idle_in_transaction_session_timeout = 0");
                }
            }
            holder.setAutoCommit(false);
            Moment moment;
            try (Statement s = holder.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                readersWaitBriefly = false;
                unlocked = locked(holder, toLock);
                if (unlocked != null) s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); // a new transaction, no locks
                // one statement, so the snapshot exported is the one whose xmin is read
                try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), " + MOMENT_COLUMNS)) {
                    rs.next();
                    moment = momentOf(rs.getString(1), rs, 2);
                }
            }
            return held(moment, holder, Pool::closeQuietly);
        } catch (SQLException e) {
            closeQuietly(holder);
            if (!"55P03".equals(e.getSQLState())) throw SqlErrors.translateRead(e, "taking a snapshot to read at one moment", location);
            CutoverException failed = SqlErrors.translateRead(e, "locking the tables to read against TRUNCATE, DROP and ALTER TABLE (as pg_dump does)", location);
            throw new CutoverException(failed.code(), failed.getMessage() + ": another session holds, or waits for, a lock on one of them that"
                    + " excludes reading it (an ALTER TABLE, a TRUNCATE, a migration's DDL not yet committed), and a lock was not granted within "
                    + LOCK_WAIT_SECONDS + " s; nothing was read", e, failed.retryable());
        } catch (RuntimeException e) {
            closeQuietly(holder);
            throw e;
        }
    }

    /** How long the locks of a held moment wait for another session's lock that excludes reading (an ALTER TABLE running). */
    static final int LOCK_WAIT_SECONDS = 60;

    /** The tables a held moment is to lock ({@link #holdAtThisMoment(java.util.function.Supplier)}), or why none are. */
    record ToLock(List<String> tables, String whyNone) {
        static ToLock none(String why) { return new ToLock(List.of(), why); }
    }

    /**
     * Whether the held moment's tables are locked: a reader's ACCESS SHARE lock then waits only
     * behind a lock asked since that excludes reading (a TRUNCATE, an ALTER TABLE), which itself
     * waits for the holder's lock, which waits for the reader: a wait nobody ends (acceptance run 31:
     * the backup, the TRUNCATE and the application's queries of the table stood still for ten
     * minutes). Readers then give up after {@link #READER_LOCK_WAIT_SECONDS}, and the backup stops and
     * lets the other go, as pg_dump's workers do (NOWAIT).
     */
    private volatile boolean readersWaitBriefly;

    /** How long a reader of a locked moment waits for a table's lock (see {@link #readersWaitBriefly}). */
    static final int READER_LOCK_WAIT_SECONDS = 5;

    /** Why the last moment held left the tables it was to lock unlocked, or null where it locked them (or had none). */
    private volatile String unlocked;

    /** Why the last moment held left its tables unlocked against TRUNCATE and ALTER TABLE, if it did. */
    java.util.Optional<String> unlocked() {
        return java.util.Optional.ofNullable(unlocked);
    }

    /**
     * Locks the tables {@code toLock} lists in the holder's transaction, listing them again where one
     * was dropped meanwhile; returns why they are not locked (null where they are), the transaction
     * then rolled back where the server refused them (the caller begins another, without them).
     */
    private String locked(Connection holder, java.util.function.Supplier<ToLock> toLock) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            ToLock asked = toLock.get();
            if (asked.tables().isEmpty()) return asked.whyNone();
            try (Statement s = holder.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '" + LOCK_WAIT_SECONDS + "s'");
                s.execute("LOCK TABLE " + String.join(", ", asked.tables()) + " IN ACCESS SHARE MODE");
                readersWaitBriefly = true;
                return null;
            } catch (SQLException e) {
                holder.rollback();
                if ("53200".equals(e.getSQLState())) return "the server's lock table could not hold them (max_locks_per_transaction)";
                if ("42501".equals(e.getSQLState())) return "the role may not lock one of them (" + SqlErrors.reason(e.getMessage()) + ")";
                if (!"42P01".equals(e.getSQLState()) || attempt == 3) throw e;
                try (Statement s = holder.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                }
            }
        }
    }

    /** The moment held for several readings in turn ({@link #holdForAll}), or null. */
    private volatile cutover.connector.PointInTime sharedHold;

    /**
     * Holds the pool at this moment for every {@link #holdAtThisMoment} until the returned handle is
     * closed: those join it, and closing them lets go of nothing. A set of schemas backed up one
     * after another is so read at one moment ({@link cutover.connector.SchemaSet}).
     */
    cutover.connector.PointInTime holdForAll(java.util.function.Supplier<ToLock> toLock) {
        if (sharedHold != null) throw new IllegalStateException("the pool of " + location + " is held for all already");
        cutover.connector.PointInTime held = holdAtThisMoment(toLock);
        sharedHold = held;
        return new cutover.connector.PointInTime() {
            @Override
            public String id() { return held.id(); }

            @Override
            public void close() {
                sharedHold = null;
                held.close();
            }
        };
    }

    /** Whether the pool is held for all ({@link #holdForAll}): a hold joins it. */
    boolean heldForAll() {
        return sharedHold != null;
    }

    /** A hold joining the one held for all: closing it leaves the moment held. */
    private record Joined(String id) implements cutover.connector.PointInTime {
        @Override
        public void close() {}
    }

    /**
     * Makes {@link #beginRead} import the snapshot {@code snapshotId}, exported by {@code exporter}
     * (a replication connection that created a slot), until the returned handle is closed, which
     * gives {@code exporter} to {@code release} (it is closed instead when the snapshot cannot be
     * read at). One at a time.
     */
    cutover.connector.PointInTime holdAt(String snapshotId, Connection exporter, java.util.function.Consumer<Connection> release) {
        unlocked = null; // a replication slot's moment locks nothing, and says so in the docs rather than each run
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            Moment moment;
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "''") + "'");
                try (ResultSet rs = s.executeQuery("SELECT " + MOMENT_COLUMNS)) {
                    rs.next();
                    moment = momentOf(snapshotId, rs, 1);
                }
            }
            return held(moment, exporter, release);
        } catch (SQLException e) {
            closeQuietly(exporter);
            throw SqlErrors.translateRead(e, "reading at the moment of snapshot " + snapshotId, location);
        } catch (RuntimeException e) {
            closeQuietly(exporter);
            throw e;
        } finally {
            endRead(c);
        }
    }

    /**
     * As {@link #holdAt}, for a snapshot whose transaction {@code exporter} keeps open, and whose
     * oldest running transaction and database the export read already: nothing to ask (importing
     * it to read them cost a connection and three round trips of every scheduled run).
     */
    cutover.connector.PointInTime holdExported(Moment moment, Connection exporter, java.util.function.Consumer<Connection> release) {
        unlocked = null; // as holdAt's
        try {
            return held(moment, exporter, release);
        } catch (RuntimeException e) {
            closeQuietly(exporter);
            throw e;
        }
    }

    /**
     * The columns a {@link Moment} is read from, in the transaction that holds or imported its
     * snapshot: the snapshot's oldest running transaction, then the database ({@link #momentOf}).
     */
    static final String MOMENT_COLUMNS = "txid_snapshot_xmin(txid_current_snapshot()), (SELECT oid FROM pg_database WHERE datname = current_database())";

    /** The moment of snapshot {@code snapshotId} from {@link #MOMENT_COLUMNS}, starting at column {@code first} of the row. */
    static Moment momentOf(String snapshotId, ResultSet rs, int first) throws SQLException {
        return new Moment(snapshotId, rs.getLong(first), rs.getLong(first + 1));
    }

    /** The pool held at {@code moment} until the handle is closed, which gives {@code holder} to {@code release}. One at a time. */
    private HeldSnapshot held(Moment moment, Connection holder, java.util.function.Consumer<Connection> release) {
        if (!heldSnapshot.compareAndSet(null, moment)) throw new IllegalStateException("the pool of " + location + " is held at a moment already");
        return new HeldSnapshot(moment.snapshotId(), holder, release);
    }

    /** A connection of its own to the database, outside the pool, with the pool's credentials and session settings; the caller closes it. */
    /**
     * Turns just-in-time compilation off for the connection's catalog reads ({@code undo}: back to the
     * server's setting). The planner takes a catalog query over a thousand tables for a costly one, and
     * compiled it for 0.8-1.9 s to run it in 30-100 ms (bench/RESULTS.md, "Thirty-fifth session").
     * PostgreSQL 11 made it.
     */
    private static void withoutJit(Connection c, boolean undo) throws SQLException {
        if (c.getMetaData().getDatabaseMajorVersion() < 11) return;
        try (Statement s = c.createStatement()) {
            s.execute(undo ? "RESET jit" : "SET jit = off");
        }
    }

    Connection directConnection() throws SQLException {
        return DRIVER.connect(jdbcUrl, connectProperties);
    }

    /**
     * A connection of the replication protocol to the database (for logical replication slots),
     * with the pool's credentials and session settings; the caller closes it.
     */
    Connection replicationConnection() throws SQLException {
        Properties p = new Properties();
        p.putAll(connectProperties);
        org.postgresql.PGProperty.REPLICATION.set(p, "database");
        org.postgresql.PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        org.postgresql.PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DRIVER.connect(jdbcUrl, p);
    }

    /**
     * Begins a read-only transaction on {@code c}, in the snapshot held by {@link #holdAtThisMoment(java.util.function.Supplier)}
     * if one is: the transaction then sees exactly what that moment saw. It reads every row of a
     * table or fails ({@link #ALL_ROWS_OR_NONE}).
     */
    void beginRead(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setReadOnly(true);
        Moment held = heldSnapshot.get();
        try (Statement s = c.createStatement()) {
            s.execute(held == null ? ALL_ROWS_OR_NONE
                    : "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '" + held.snapshotId().replace("'", "''") + "'; "
                    + ALL_ROWS_OR_NONE + (readersWaitBriefly ? "; SET LOCAL lock_timeout = '" + READER_LOCK_WAIT_SECONDS + "s'" : ""));
        }
    }

    /**
     * A read that row-level security would filter (a role that neither owns the table nor bypasses
     * it) fails instead of leaving rows out, as {@code pg_dump} reads: a backup, a migration or a
     * verify that saw only the rows a policy shows would lose or miscount the others without a word.
     */
    static final String ALL_ROWS_OR_NONE = "SET LOCAL row_security = off";

    /**
     * Ends a read transaction begun with {@link #beginRead} (read-only: nothing to keep, and it lets
     * go of the snapshot) and gives the connection back, or drops it from the pool if it is broken.
     */
    void endRead(Connection c) {
        try {
            c.rollback();
            // a read stopped inside a COPY (a spool abandoned once its table was decided) can leave the session in a
            // transaction the rollback did not end: such a connection is not given to the next reader (acceptance: a
            // later run failed "Cannot change transaction read-only property in the middle of a transaction")
            if (c.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState() != org.postgresql.core.TransactionState.IDLE) {
                discard(c);
                return;
            }
            c.close();
        } catch (SQLException e) {
            discard(c);
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // the server ends the session's transaction and temporary slot with it anyway
        }
    }

    /** The exporting transaction, kept open while readers import its snapshot. */
    private final class HeldSnapshot implements cutover.connector.PointInTime {
        private final String id;
        private final Connection holder;
        private final java.util.function.Consumer<Connection> release;

        HeldSnapshot(String id, Connection holder, java.util.function.Consumer<Connection> release) {
            this.id = id;
            this.holder = holder;
            this.release = release;
        }

        @Override
        public String id() { return id; }

        @Override
        public void close() {
            Moment held = heldSnapshot.get();
            if (held != null && held.snapshotId().equals(id) && heldSnapshot.compareAndSet(held, null)) {
                readersWaitBriefly = false;
                release.accept(holder);
            }
        }
    }

    @Override
    public void close() {
        catalogReader.close();
        dataSource.close();
    }
}
