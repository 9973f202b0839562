package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.PointInTime;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.Record;
import cutover.model.Value;
import cutover.verify.Digests;
import cutover.verify.KeyRange;
import cutover.verify.RangeDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source held at a moment reads, in every split and every digest, the database as it was then,
 * whatever is committed meanwhile: what makes a backup of a live database one consistent image.
 */
class HoldAtThisMomentIT {
    TestDatabase db;
    Connector connector;
    Source source;
    Digests digests;

    @BeforeEach
    void start() {
        db = new TestDatabase();
        db.sql("CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT NULL)",
                "INSERT INTO accounts SELECT g, 'owner ' || g, 100 FROM generate_series(1, 1000) g",
                "CREATE TABLE transfers (id bigint PRIMARY KEY, account bigint NOT NULL REFERENCES accounts, amount numeric(12,2) NOT NULL)",
                "ANALYZE");
        // a pool of one: the held transaction must not take the readers' only connection
        connector = db.open(Map.of("split-rows", "100", "pool-size", "1"));
        source = TestDatabase.source(connector);
        digests = Connectors.require(connector, Digests.class);
    }

    @AfterEach
    void stop() {
        connector.close();
        db.close();
    }

    @Test
    void everySplitAndDigestReadsTheMomentItWasHeldAt() {
        RangeDigest before = wholeDigest("accounts");
        List<Split> splits = source.splits(4);
        assertThat(splits.stream().filter(s -> s.entities().toString().contains("accounts"))).hasSizeGreaterThan(1);

        Map<Long, String> read;
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            assertThat(moment.id()).isNotBlank();
            // the application goes on: a transfer with a new account, a changed balance, a closed account
            db.sql("INSERT INTO accounts VALUES (1001, 'owner 1001', 5)",
                    "INSERT INTO transfers VALUES (1, 1001, 5)",
                    "UPDATE accounts SET balance = 0 WHERE id = 500",
                    "DELETE FROM accounts WHERE id = 999");
            read = readAll(splits);
            assertThat(wholeDigest("accounts")).isEqualTo(before);
            assertThat(wholeDigest("transfers").count()).isZero();
        }
        assertThat(read).hasSize(1000).containsEntry(500L, "100.00").containsEntry(999L, "100.00").doesNotContainKey(1001L);

        // let go, the present is read again
        Map<Long, String> now = readAll(source.splits(4));
        assertThat(now).hasSize(1000).containsEntry(500L, "0.00").doesNotContainKey(999L).containsEntry(1001L, "5.00");
        assertThat(wholeDigest("accounts")).isNotEqualTo(before);
    }

    /**
     * While the moment is held its tables are locked as pg_dump locks them: the application reads and
     * writes them, but a TRUNCATE (which a snapshot taken before it would read as an empty table)
     * waits until the moment is let go.
     */
    @Test
    void theTablesReadCannotBeTruncatedWhileTheMomentIsHeld() throws Exception {
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow(); java.sql.Connection app = db.jdbc(); java.sql.Statement s = app.createStatement()) {
            s.execute("SET lock_timeout = '300ms'");
            s.execute("INSERT INTO accounts VALUES (5000, 'late', 1)"); // writing goes on
            assertThatThrownBy(() -> s.execute("TRUNCATE transfers")).isInstanceOf(java.sql.SQLException.class)
                    .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState()).isEqualTo("55P03"));
            assertThat(readAll(source.splits(4))).hasSize(1000); // as it was
        }
        try (java.sql.Connection app = db.jdbc(); java.sql.Statement s = app.createStatement()) {
            s.execute("SET lock_timeout = '300ms'");
            s.execute("TRUNCATE transfers");
        }
    }

    /**
     * A TRUNCATE asked while the moment holds its table's lock waits for it, and a reader's lock then
     * queues behind the TRUNCATE: nobody would end that wait (acceptance run 31: the backup, the
     * TRUNCATE and the application's queries of the table stood still ten minutes). The reader gives up
     * after a few seconds, saying why; the moment let go, the TRUNCATE goes through.
     */
    @Test
    void aReaderQueuedBehindATruncateAskedSinceStopsInsteadOfWaitingForever() throws Exception {
        java.util.concurrent.CompletableFuture<Void> truncated;
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            truncated = java.util.concurrent.CompletableFuture.runAsync(() -> db.sql("SET lock_timeout = '60s'", "TRUNCATE transfers"));
            Thread.sleep(500); // the TRUNCATE queued behind the moment's lock
            long started = System.nanoTime();
            // listing, splitting or reading the table: each waits for its lock, and gives up
            assertThatThrownBy(() -> readAll(source.splits(1))).isInstanceOfSatisfying(cutover.error.CutoverException.class, e -> {
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("55P03", "waits for the backup to end, so the backup stops and lets it go");
            });
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(30));
            assertThat(truncated).isNotDone();
        }
        truncated.get(30, java.util.concurrent.TimeUnit.SECONDS); // let go, the TRUNCATE is granted
    }

    /**
     * A role that may read only some of the schema's tables (a migration's rollback point reads only
     * the plan's) holds a moment all the same, the tables it may read locked: a lock needs a privilege
     * on the table, and one it may not take stopped the moment.
     */
    @Test
    void aRoleThatMayReadSomeTablesLocksThoseAndHoldsTheMoment() throws Exception {
        String role = db.name + "_reader";
        db.sql("CREATE ROLE " + role + " LOGIN", "GRANT SELECT ON accounts TO " + role);
        try (Connector limited = cutover.connector.Connectors.discover().open(cutover.connector.Location.parse(
                db.location().replace("postgres:secret-pw@", role + "@")), new cutover.connector.Settings(Map.of()));
             PointInTime moment = TestDatabase.source(limited).holdAtThisMoment().orElseThrow();
             java.sql.Connection app = db.jdbc(); java.sql.Statement s = app.createStatement()) {
            s.execute("SET lock_timeout = '300ms'");
            assertThatThrownBy(() -> s.execute("TRUNCATE accounts")).hasMessageContaining("lock timeout");
            s.execute("TRUNCATE transfers"); // not one it reads
        } finally {
            db.sql("DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    /**
     * A schema whose tables would take more than half the server's lock table (which the application
     * shares: a lock it could not get failed with "out of shared memory") is read without the locks,
     * and the moment says so for the backup's warnings.
     */
    @Test
    void tablesTooManyToLockAreReadUnlockedAndSaidSo() {
        long half = Long.parseLong(db.query("SELECT current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int"
                + " + current_setting('max_prepared_transactions')::int) / 2").get(0).get(0));
        org.junit.jupiter.api.Assumptions.assumeTrue(half < 6000, "a server with a lock table of " + 2 * half + " takes too long to fill here");
        // with accounts and transfers, one more than half
        db.sql("DO $$ BEGIN FOR i IN 1.." + (half - 1) + " LOOP EXECUTE format('CREATE TABLE many_%s (id int)', i); END LOOP; END $$");
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            assertThat(source.momentWarnings()).singleElement().asString()
                    .contains("read without being locked", "more than half the server's lock table");
        }
        db.sql("DROP TABLE many_1", "DROP TABLE many_2");
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            assertThat(source.momentWarnings()).isEmpty(); // as many as it may lock: locked
        }
    }

    @Test
    void oneMomentIsHeldAtATimeAndClosingTwiceIsHarmless() {
        PointInTime first = source.holdAtThisMoment().orElseThrow();
        assertThatThrownBy(() -> source.holdAtThisMoment()).isInstanceOf(IllegalStateException.class).hasMessageContaining("held at a moment already");
        first.close();
        first.close();
        try (PointInTime second = source.holdAtThisMoment().orElseThrow()) {
            assertThat(second.id()).isNotEqualTo(first.id());
        }
    }

    private RangeDigest wholeDigest(String table) {
        return digests.digests(table, digests.table(table).orElseThrow().columnNames(), KeyRange.ALL, List.of()).get(0);
    }

    /** Balance by account id over every split of the accounts table. */
    private Map<Long, String> readAll(List<Split> splits) {
        Map<Long, String> out = new TreeMap<>();
        List<Record> records = new ArrayList<>();
        for (Split split : splits) {
            try (RecordReader r = source.read(split, Position.START)) {
                for (RecordReader.Item i = r.next(); i != null; i = r.next()) records.add(((RecordReader.Ok) i).record());
            }
        }
        for (Record r : records) {
            if (!r.entity().value().endsWith("accounts")) continue;
            long id = ((Value.Int64) r.fields().get("id")).value();
            assertThat(out.put(id, r.fields().get("balance").toString())).as("account " + id + " read twice").isNull();
        }
        return out;
    }
}
