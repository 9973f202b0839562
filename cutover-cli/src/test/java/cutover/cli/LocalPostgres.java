package cutover.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The test server on 127.0.0.1:5432 (scripts/test-servers.sh starts it): scratch databases for the ITs. */
final class LocalPostgres {
    private LocalPostgres() {}

    /** The location Cutover opens for a database of the test server. */
    static String location(String database) {
        return "postgresql://postgres@127.0.0.1:5432/" + database;
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
    }

    /** Drops each database if it exists, sessions included, and creates it empty. */
    static void recreate(String... databases) throws SQLException {
        for (String database : databases) admin("drop database if exists " + database + " with (force)", "create database " + database);
    }

    static void drop(String... databases) throws SQLException {
        for (String database : databases) admin("drop database if exists " + database + " with (force)");
    }

    /** Runs the statements in one database, in order, each committed on its own. */
    static void sql(String database, String... statements) throws SQLException {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String sql : statements) st.execute(sql);
        }
    }

    private static void admin(String... statements) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            for (String sql : statements) st.execute(sql);
        }
    }
}
