package cutover.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The test servers (scripts/test-servers.sh starts them): scratch databases for the ITs, on the
 * server on 127.0.0.1:5432 (the static methods), or on {@link #LOGICAL}, whose write-ahead log can
 * be decoded (127.0.0.1:5433, or {@code $CUTOVER_TEST_PG_LOGICAL_PORT}).
 */
final class LocalPostgres {
    static final Server MAIN = new Server(5432);
    static final Server LOGICAL = new Server(Integer.parseInt(System.getenv().getOrDefault("CUTOVER_TEST_PG_LOGICAL_PORT", "5433")));

    private LocalPostgres() {}

    static String location(String database) { return MAIN.location(database); }

    static Connection connect(String database) throws SQLException { return MAIN.connect(database); }

    static void recreate(String... databases) throws SQLException { MAIN.recreate(databases); }

    static void drop(String... databases) throws SQLException { MAIN.drop(databases); }

    static void sql(String database, String... statements) throws SQLException { MAIN.sql(database, statements); }

    /** A login role of the name, made anew (one a stopped test left is dropped first). */
    static void recreateRole(String role) throws SQLException { sql("postgres", "drop role if exists " + role, "create role " + role + " login"); }

    static void dropRole(String role) throws SQLException { sql("postgres", "drop role if exists " + role); }

    /** The first column of every row the query gives, as text. */
    static java.util.List<String> query(String database, String sql) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = connect(database); Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** How many rows {@code table} holds. */
    static long count(String database, String table) throws SQLException {
        return Long.parseLong(query(database, "select count(*) from " + table).get(0));
    }

    /** A copy of the folder {@code from} (a repository, say) at {@code to}. */
    static void copyFolder(java.nio.file.Path from, java.nio.file.Path to) throws java.io.IOException {
        try (var all = java.nio.file.Files.walk(from)) {
            for (java.nio.file.Path p : all.toList()) {
                java.nio.file.Path target = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) java.nio.file.Files.createDirectories(target);
                else java.nio.file.Files.copy(p, target);
            }
        }
    }

    /** One PostgreSQL server on 127.0.0.1, user postgres, no password. */
    record Server(int port) {
        /** The location Cutover opens for a database of the server. */
        String location(String database) {
            return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
        }

        Connection connect(String database) throws SQLException {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
        }

        /** Drops each database if it exists, sessions and replication slots included, and creates it empty. */
        void recreate(String... databases) throws SQLException {
            for (String database : databases) {
                drop(database);
                admin("create database " + database);
            }
        }

        void drop(String... databases) throws SQLException {
            for (String database : databases) {
                admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "' and pid <> pg_backend_pid()",
                        "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '" + database + "' and not active",
                        "drop database if exists " + database + " with (force)");
            }
        }

        /** Runs the statements in one database, in order, each committed on its own. */
        void sql(String database, String... statements) throws SQLException {
            try (Connection c = connect(database); Statement st = c.createStatement()) {
                for (String sql : statements) st.execute(sql);
            }
        }

        private void admin(String... statements) throws SQLException {
            try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
                for (String sql : statements) st.execute(sql);
            }
        }
    }
}
