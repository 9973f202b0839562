package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;
import cutover.connector.Sink;
import cutover.connector.Source;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A scratch database on the test server (127.0.0.1:5432, user postgres, trust auth), or on the one
 * whose write-ahead log can be decoded ({@link #LOGICAL}: 127.0.0.1:5433, or
 * {@code $CUTOVER_TEST_PG_LOGICAL_PORT}), created for one test class and dropped after it (its
 * replication slots first), plus helpers to open the connector on it and run SQL.
 */
final class TestDatabase implements AutoCloseable {
    static final String HOST = "127.0.0.1:5432";
    static final String LOGICAL = "127.0.0.1:" + System.getenv().getOrDefault("CUTOVER_TEST_PG_LOGICAL_PORT", "5433");
    final String name = "cutover_it_pg_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    private final String host;

    TestDatabase() {
        this(HOST);
    }

    TestDatabase(String host) {
        this.host = host;
        admin(host, "CREATE DATABASE " + name);
    }

    String location() { return "postgresql://postgres:secret-pw@" + host + "/" + name; }

    Connector open(Map<String, String> settings) {
        return Connectors.discover().open(Location.parse(location()), new Settings(settings));
    }

    Connector open() { return open(Map.of()); }

    static Sink sink(Connector c) { return Connectors.require(c, Sink.class); }

    static Source source(Connector c) { return Connectors.require(c, Source.class); }

    Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + "/" + name + "?options=-c%20TimeZone=UTC", "postgres", "");
    }

    void sql(String... statements) {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of a query, each as a list of the columns' text forms. */
    List<List<String>> query(String sql) {
        try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) row.add(rs.getString(i));
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String one(String sql) { return query(sql).get(0).get(0); }

    static void admin(String sql) {
        admin(HOST, sql);
    }

    private static void admin(String host, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + "/test", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin(host, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "' AND pid <> pg_backend_pid()");
        admin(host, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + name + "' AND NOT active");
        admin(host, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
