package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectIT {
    private static CutoverException openFails(String location, Map<String, String> settings) {
        try (Connector c = Connectors.discover().open(Location.parse(location), new Settings(settings))) {
            throw new AssertionError("opened " + c.location());
        } catch (CutoverException e) {
            return e;
        }
    }

    @Test
    void bothSchemesAreRegistered() {
        assertThat(Connectors.discover().schemes()).contains("postgresql", "postgres");
        try (TestDatabase db = new TestDatabase();
             Connector c = Connectors.discover().open("postgres://postgres@127.0.0.1:5432/" + db.name + "?schema=app")) {
            assertThat(TestDatabase.sink(c).describe().defaultSchema()).isEqualTo("app");
            assertThat(c.capability(cutover.connector.Source.class)).isPresent();
        }
    }

    @Test
    void theConnectionThatChecksTheServerServesTheFirstQuery() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            long before = sessionsOnceClosed(db.name);
            try (Connector c = db.open()) {
                TestDatabase.source(c).entities(); // one catalog query, after the check made at opening
            }
            // with none kept idle, the pool closed the checking connection and connected again: two
            assertThat(sessionsOnceClosed(db.name) - before).isEqualTo(1);
        }
    }

    /** The sessions the server has counted for {@code database}, once none is open (each is counted as it ends). */
    private static long sessionsOnceClosed(String database) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST + "/postgres", "postgres", "");
             java.sql.Statement s = c.createStatement()) {
            for (int wait = 0; wait < 100; wait++) {
                try (java.sql.ResultSet open = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
                    open.next();
                    if (open.getLong(1) == 0) break;
                }
                Thread.sleep(50);
            }
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (java.sql.ResultSet rs = s.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = '" + database + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void anUnreachableServerIsRetryableAndTheMessageHidesThePassword() {
        CutoverException e = openFails("postgresql://postgres:hunter2@127.0.0.1:1/test", Map.of("connect-timeout", "2"));
        assertThat(e.code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("127.0.0.1:1").contains("***").doesNotContain("hunter2");
    }

    @Test
    void refusedCredentialsAreNotRetryable() {
        CutoverException e = openFails("postgresql://no_such_role_cutover:hunter2@127.0.0.1:5432/test", Map.of());
        assertThat(e.code()).isEqualTo(ErrorCode.TARGET_AUTH);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void aMissingDatabaseIsNotRetryable() {
        CutoverException e = openFails("postgresql://postgres@127.0.0.1:5432/cutover_no_such_db_here", Map.of());
        assertThat(e.code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("no database of that name (as a target, create it first)");
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThatThrownBy(() -> Connectors.discover().open(Location.parse("postgresql://postgres@127.0.0.1/test"),
                new Settings(Map.of("pool-size", "0"))))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SETTING_INVALID))
                .hasMessageContaining("pool-size");
    }
}
