package cutover.postgres;

import cutover.connector.Location;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection a pool keeps for reading the catalog ({@link Pool#readCatalog}): the same server process while it serves, a new one after it stopped serving. */
class CatalogReaderIT {
    private TestDatabase db;
    private Pool pool;

    @BeforeEach
    void open() {
        db = new TestDatabase();
        pool = Pool.open(PgLocation.parse(Location.parse(db.location())), null, 2, 10);
    }

    @AfterEach
    void close() {
        pool.close();
        db.close();
    }

    private int backend() throws SQLException {
        return pool.readCatalog(CatalogReaderIT::pid);
    }

    private static int pid(java.sql.Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private boolean running(int pid) {
        return db.one("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).equals("1");
    }

    /** Whether server process {@code pid} has ended, waiting up to two seconds for it to. */
    private boolean ended(int pid) throws InterruptedException {
        for (int wait = 0; wait < 100 && running(pid); wait++) Thread.sleep(20);
        return !running(pid);
    }

    @Test
    void everyReadingIsServedByTheSameServerProcessOutsideThePool() throws Exception {
        int first = backend();
        assertThat(backend()).isEqualTo(first);
        try (var pooled = pool.connection()) {
            assertThat(pid(pooled)).as("a connection of the pool").isNotEqualTo(first);
        }
        assertThat(backend()).isEqualTo(first);
    }

    @Test
    void aServerProcessEndedSinceTheLastReadingIsReplaced() throws Exception {
        int first = backend();
        db.one("SELECT pg_terminate_backend(" + first + ")");
        ended(first);
        int second = backend();
        assertThat(second).isNotEqualTo(first);
        assertThat(backend()).isEqualTo(second);
    }

    @Test
    void aReadingThatFailedLeavesItsConnectionClosedAndTheNextOneStartsAfresh() throws Exception {
        int first = backend();
        assertThatThrownBy(() -> pool.readCatalog(c -> {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT no_such_column FROM pg_class");
            }
            return null;
        })).isInstanceOf(SQLException.class).hasMessageContaining("no_such_column");
        int second = backend();
        assertThat(second).isNotEqualTo(first);
        assertThat(ended(first)).as("the failed reading's server process").isTrue();
    }

    @Test
    void closingThePoolEndsTheKeptConnectionAndRefusesLaterReadings() throws Exception {
        int kept = backend();
        pool.close();
        assertThat(ended(kept)).isTrue();
        assertThatThrownBy(this::backend).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void whereNoConnectionCanBeMadeBesideThePoolAReadingTakesOneOfThePool() throws Exception {
        String role = "cutover_it_two_connections";
        TestDatabase.admin("DROP ROLE IF EXISTS " + role);
        TestDatabase.admin("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 2");
        try (Pool limited = Pool.open(PgLocation.parse(Location.parse("postgresql://" + role + "@" + TestDatabase.HOST + "/" + db.name)), null, 2, 10);
             java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST + "/" + db.name, role, "")) {
            // the role's two connections: the one the pool made when it opened (idle in it) and this test's
            int read = limited.readCatalog(CatalogReaderIT::pid);
            try (var pooled = limited.connection()) {
                assertThat(read).as("the pool's idle connection").isEqualTo(pid(pooled));
            }
            assertThat(limited.readCatalog(CatalogReaderIT::pid)).isEqualTo(read);
        } finally {
            TestDatabase.admin("DROP ROLE IF EXISTS " + role);
        }
    }
}
