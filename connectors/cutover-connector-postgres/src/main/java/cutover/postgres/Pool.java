package cutover.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection pool of one connector. Opening it connects once, so a wrong host or password is
 * reported before any work starts, with the location redacted. Sessions run in UTC so timestamps
 * travel as text without a zone surprise.
 */
final class Pool implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final String location;

    private Pool(HikariDataSource dataSource, String location) {
        this.dataSource = dataSource;
        this.location = location;
    }

    static Pool open(PgLocation where, String password, int size, int connectTimeoutSeconds) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(where.jdbcUrl());
        if (where.user() != null) config.setUsername(where.user());
        if (password != null) config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("cutover-" + where.host() + "-" + where.database());
        config.setConnectionTimeout(connectTimeoutSeconds * 1000L);
        config.setInitializationFailTimeout(1); // connect once now: fail fast, with a clear error
        config.addDataSourceProperty("connectTimeout", connectTimeoutSeconds);
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "cutover");
        config.addDataSourceProperty("options", "-c TimeZone=UTC");
        try {
            return new Pool(new HikariDataSource(config), where.redacted());
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) throw SqlErrors.translate(sql, "connecting", where.redacted());
            throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "cannot connect to " + where.redacted() + ": " + e.getMessage(), e);
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

    @Override
    public void close() { dataSource.close(); }
}
