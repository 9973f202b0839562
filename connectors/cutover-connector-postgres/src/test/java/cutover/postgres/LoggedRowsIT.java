package cutover.postgres;

import cutover.connector.ChangeTracking;
import cutover.connector.Connector;
import cutover.connector.PointInTime;
import cutover.connector.Split;
import cutover.model.EntityName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows written from the write-ahead log ({@code PostgresSource#writeLoggedRows}) are, byte for byte,
 * what {@code COPY … TO} writes for the same rows at the same moment: every type the COPY text
 * format stores, with what its text escapes (backslash, tab, newline, carriage return, backspace,
 * form feed, vertical tab), NULLs, non-ASCII text, special floats, and rows inserted, updated
 * twice, deleted and inserted again. On the server with {@code wal_level = logical}.
 */
class LoggedRowsIT {
    private static final EntityName T = EntityName.of("t");

    @Test
    void rowsFromTheLogAreTheRowsCopyWrites() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, txt text, num numeric, f8 float8, f4 real, ts timestamptz, tsn timestamp, d date, "
                    + "b boolean, by bytea, js jsonb, u uuid, iv interval, vc varchar(12), ch char(3), i2 smallint, i4 int)");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_rows"))) {
                ChangeTracking source = (ChangeTracking) TestDatabase.source(connector);
                String mark = storedMoment(source);

                Random random = new Random(20261202);
                String[] texts = {"plain", "tab\there", "new\nline", "back\\slash", "cr\rhere", "bs\bff\fvt\u000b", "é ü 日本 🎉", "", "\\N", "'quote'"};
                String[] floats = {"0", "-0", "1e-300", "1.7976931348623157e308", "0.1", "NaN", "Infinity", "-Infinity", "3.141592653589793", "-2.5"};
                StringBuilder sql = new StringBuilder();
                for (int id = 1; id <= 400; id++) {
                    String txt = texts[random.nextInt(texts.length)];
                    sql.append("INSERT INTO t VALUES (").append(id).append(", ").append(random.nextInt(8) == 0 ? "NULL" : literal(txt + id)).append(", ")
                            .append(random.nextBoolean() ? "12345678901234567890.123456789" : "-0.000100").append(", ")
                            .append("'").append(floats[random.nextInt(floats.length)]).append("', ")
                            .append("'").append(floats[random.nextInt(floats.length)].replace("e308", "e38").replace("1e-300", "1e-40")).append("', ")
                            .append("'2024-02-29 12:34:56.789012+05:30'::timestamptz + interval '").append(random.nextInt(100000)).append(" minutes', ")
                            .append(random.nextBoolean() ? "'0044-03-15 00:00:00 BC'" : "'2024-01-01 23:59:59.5'").append(", ")
                            .append(random.nextBoolean() ? "'infinity'" : "'1999-12-31'").append(", ")
                            .append(random.nextBoolean()).append(", ")
                            .append("decode('").append(String.format("%08x", random.nextInt())).append("00ff5c09', 'hex'), ")
                            .append("'{\"k\": [1, 2.50, \"v\\\"\", null], \"é\": {\"t\": true}}', ")
                            .append("'").append(new java.util.UUID(random.nextLong(), random.nextLong())).append("', ")
                            .append("'1 year 2 mons 3 days 04:05:06.7'::interval * ").append(random.nextInt(5)).append(", ")
                            .append(literal(prefix(texts[random.nextInt(texts.length)], 4))).append(", ")
                            .append("'ab', ").append(random.nextInt(60000) - 30000).append(", ").append(random.nextInt()).append(");\n");
                }
                db.sql(sql.toString(),
                        "UPDATE t SET txt = 'updated\\tonce' WHERE id % 7 = 0", "UPDATE t SET num = num + 1, txt = E'twice\\\\' WHERE id % 14 = 0",
                        "DELETE FROM t WHERE id % 11 = 0", "INSERT INTO t (id, txt) SELECT id, 'back' FROM generate_series(11, 400, 33) id");

                try (PointInTime second = source.holdAtThisMoment().orElseThrow()) {
                    Optional<byte[]> fromLog = logged((PostgresSource) source, mark);
                    assertThat(fromLog).as("the log kept every row").isPresent();
                    ByteArrayOutputStream copied = new ByteArrayOutputStream();
                    List<Split> splits = source.splits(1);
                    for (Split s : splits) source.copyOut(s, copied);
                    String expected = copied.toString(StandardCharsets.UTF_8);
                    assertThat(expected.lines().count()).isGreaterThan(350);
                    assertThat(new String(fromLog.get(), StandardCharsets.UTF_8)).isEqualTo(expected);

                    // and the backup's call gives them
                    ByteArrayOutputStream changed = new ByteArrayOutputStream();
                    long rows = source.copyChangedSince(T, mark, changed);
                    assertThat(rows).isEqualTo(expected.lines().count());
                    assertThat(changed.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
                }
            }
        }
    }

    /**
     * Keys whose order only the server knows (text in a collation that is not C, uuid, a key of two
     * columns) are put in order by the server: the rows from the log come in the order the table's
     * reads give, byte for byte as COPY writes them, which a layer applied by key needs.
     */
    @Test
    void rowsFromTheLogOfOtherKeysComeInTheTablesOrder() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE words (k text COLLATE \"en-x-icu\" PRIMARY KEY, v text)",
                    "CREATE TABLE ids (id uuid PRIMARY KEY, n int)",
                    "CREATE TABLE pairs (a varchar(20) COLLATE \"sv-x-icu\", b int, v text, PRIMARY KEY (a, b))");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_keys"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String mark = storedMoment(source);
                String[] words = {"apple", "Apple", "APPLE", "banana", "Banana", "äpple", "zebra", "Zebra", "ångström", "öl", "oz", "a b", "a-b",
                        "ab", "tab\there", "back\\slash", "日本", "🎉", "é", "e", "E", "f", " lead", "trail "};
                StringBuilder sql = new StringBuilder();
                for (int i = 0; i < words.length; i++) {
                    sql.append("INSERT INTO words VALUES (").append(literal(words[i])).append(", 'w").append(i).append("');\n");
                    sql.append("INSERT INTO pairs VALUES (").append(literal(words[i])).append(", ").append(i % 3).append(", 'p").append(i).append("'), (")
                            .append(literal(words[i])).append(", ").append(-i - 1).append(", NULL);\n");
                }
                sql.append("INSERT INTO ids SELECT md5(g::text)::uuid, g FROM generate_series(1, 300) g;\n");
                db.sql(sql.toString(), "UPDATE words SET v = 'changed' WHERE k IN ('apple', 'Zebra')", "DELETE FROM pairs WHERE b = 0",
                        "UPDATE ids SET n = -n WHERE n % 5 = 0", "DELETE FROM ids WHERE n % 7 = 0");
                try (PointInTime second = source.holdAtThisMoment().orElseThrow()) {
                    for (String table : List.of("words", "ids", "pairs")) {
                        EntityName entity = EntityName.of(table);
                        ByteArrayOutputStream fromLog = new ByteArrayOutputStream();
                        assertThat(source.writeLoggedRows(entity, mark, fromLog)).as(table).isPresent();
                        ByteArrayOutputStream copied = new ByteArrayOutputStream();
                        for (Split s : source.splits(1)) if (s.entities().contains(entity)) source.copyOut(s, copied);
                        assertThat(copied.size()).as(table).isGreaterThan(100);
                        assertThat(fromLog.toString(StandardCharsets.UTF_8)).as(table).isEqualTo(copied.toString(StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    /**
     * A process that stays up between backups streams the slot ({@code keepUp}); a backup takes the
     * changes that committed before its moment from the stream, and the later ones are the next
     * backup's. A backup that is not stored leaves what it took for the next attempt, which also
     * gets what came since; once one is stored, the slot is confirmed at its moment and the stream
     * goes on from there.
     */
    @Test
    void aStreamedSlotGivesEachBackupTheChangesBeforeItsMoment() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_ahead"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String mark = storedMoment(source);
                source.keepUp();
                assertThat(slotActive(db)).as("streamed").isEqualTo("t");

                db.sql("UPDATE t SET v = 'a' WHERE id <= 100", "DELETE FROM t WHERE id BETWEEN 200 AND 210",
                        "INSERT INTO t SELECT g, 'new' FROM generate_series(2000, 2050) g");
                db.sql("UPDATE t SET v = E'b\\tb' WHERE id BETWEEN 50 AND 150", "UPDATE t SET id = 3000 WHERE id = 300");
                String expected = rowsOf(db, "id <= 150 OR id BETWEEN 2000 AND 2050 OR id = 3000");
                String third;
                try (PointInTime second = source.holdAtThisMoment().orElseThrow()) {
                    db.sql("DELETE FROM t WHERE id BETWEEN 2000 AND 2010"); // after the moment: the next backup's
                    assertThat(logged(source, mark).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue(expected);
                }
                // that backup was not stored: the next one gets its changes and those since, by the same stream
                db.sql("UPDATE t SET v = 'd' WHERE id = 400");
                try (PointInTime again = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(logged(source, mark).map(b -> new String(b, StandardCharsets.UTF_8)))
                            .hasValue(rowsOf(db, "id <= 150 OR id BETWEEN 2011 AND 2050 OR id = 3000 OR id = 400"));
                    third = source.markOfThisMoment().orElseThrow();
                    source.storedUpTo(third);
                }
                assertThat(slotActive(db)).as("the same stream goes on").isEqualTo("t");
                db.sql("UPDATE t SET v = 'e' WHERE id = 500");
                try (PointInTime fourth = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(logged(source, third).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue(rowsOf(db, "id = 500"));
                    String fourthMark = source.markOfThisMoment().orElseThrow();
                    source.storedUpTo(fourthMark);
                    String at = fourthMark.substring(fourthMark.lastIndexOf(':') + 1);
                    for (int wait = 0; wait < 100 && !"t".equals(db.one("SELECT confirmed_flush_lsn >= '" + at + "'::pg_lsn FROM pg_replication_slots "
                            + "WHERE slot_name = 'cutover_it_ahead'")); wait++) Thread.sleep(50);
                    assertThat(db.one("SELECT confirmed_flush_lsn >= '" + at + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = 'cutover_it_ahead'"))
                            .as("confirmed by the stream").isEqualTo("t");
                }
            }
            assertThat(slotActive(db)).as("the stream ends with the source").isEqualTo("f");
        }
    }

    /**
     * A streamed moment taken once the stream has passed everything logged commits no marker: the
     * marker only carries the stream past the moment, and its commit waits for the log's flush (up
     * to hundreds of milliseconds on a disk writing back what the changes dirtied). The moment writes
     * nothing to the log, and its changes are the ones before it. Tried a few times: another writer
     * of the log (autovacuum, the background writer's snapshot record) may come between.
     */
    @Test
    void aMomentTheStreamIsAlreadyPastWritesNothingToTheLog() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_caught_up"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String mark = storedMoment(source);
                source.keepUp();
                db.sql("UPDATE t SET v = 'changed' WHERE id <= 10", "DELETE FROM t WHERE id = 50");
                String expected = rowsOf(db, "id <= 10");
                boolean nothingLogged = false;
                for (int attempt = 0; attempt < 5 && !nothingLogged; attempt++) {
                    String before = streamedUpToTheLogsEnd(db, "cutover_it_caught_up");
                    try (PointInTime held = source.holdAtThisMoment().orElseThrow()) {
                        nothingLogged = before.equals(db.one("SELECT pg_current_wal_insert_lsn()::text"));
                        assertThat(logged(source, mark).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue(expected);
                    }
                }
                assertThat(nothingLogged).as("a moment that wrote nothing to the log, in five").isTrue();
            }
        }
    }

    /**
     * The connection a streamed moment exports its snapshot from is kept for the next moment and not
     * asked first whether it still answers (a round trip of every run): one the server ended
     * meanwhile fails at the export, and a new one exports the moment, still without a temporary
     * slot (falling back to one would hold it during the moment), its changes those before it.
     */
    @Test
    void anExportingConnectionTheServerEndedIsReplacedByANewOne() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_exporter"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String mark = storedMoment(source);
                source.keepUp();
                db.sql("UPDATE t SET v = 'a' WHERE id <= 5");
                String second;
                try (PointInTime held = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(db.one("SELECT count(*) FROM pg_replication_slots WHERE temporary")).as("an exported moment").isEqualTo("0");
                    assertThat(logged(source, mark).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue(rowsOf(db, "id <= 5"));
                    second = source.markOfThisMoment().orElseThrow();
                    source.storedUpTo(second);
                }
                String others = "FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
                assertThat(Integer.parseInt(db.one("SELECT count(*) " + others))).as("the kept exporting connection, and the pool's").isPositive();
                db.sql("SELECT pg_terminate_backend(pid) " + others);
                Thread.sleep(600); // past the pool's window in which a connection is lent without a check
                db.sql("UPDATE t SET v = 'b' WHERE id BETWEEN 10 AND 12");
                try (PointInTime third = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(db.one("SELECT count(*) FROM pg_replication_slots WHERE temporary")).as("exported again by a new connection").isEqualTo("0");
                    assertThat(logged(source, second).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue(rowsOf(db, "id BETWEEN 10 AND 12"));
                }
            }
        }
    }

    /** Waits until the slot's stream has been sent everything logged, and a little more for the source to read it; the log's end then. */
    private static String streamedUpToTheLogsEnd(TestDatabase db, String slot) throws InterruptedException {
        String query = "SELECT r.sent_lsn >= pg_current_wal_insert_lsn() FROM pg_stat_replication r JOIN pg_replication_slots s "
                + "ON s.active_pid = r.pid WHERE s.slot_name = '" + slot + "'";
        for (int wait = 0; wait < 200 && !"t".equals(db.one(query)); wait++) Thread.sleep(25);
        Thread.sleep(100); // the source polls the stream every few milliseconds
        return db.one("SELECT pg_current_wal_insert_lsn()::text");
    }

    /**
     * Moments taken while transactions commit all the time, through a streamed slot: each is an
     * exported snapshot placed in the log by the transactions it sees (no temporary slot), and the
     * rows the log gives since the last one, laid over that moment's table, are this moment's table,
     * every time. A transaction put on the wrong side of a moment would leave a row differing.
     */
    @Test
    void momentsTakenWhileWritersCommitAreExactlyTheLoggedChangesApart() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t SELECT g, '0' FROM generate_series(1, 200) g");
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int seed = w;
                writers.add(new Thread(() -> {
                    Random random = new Random(seed);
                    try (java.sql.Connection c = db.jdbc(); java.sql.Statement st = c.createStatement()) {
                        while (writing.get()) {
                            long id = 1 + random.nextInt(300); // the ids past 200 inserted, then updated
                            st.execute("INSERT INTO t VALUES (" + id + ", '1') ON CONFLICT (id) DO UPDATE SET v = (t.v::int + 1)::text");
                            commits.incrementAndGet();
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_ahead"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String mark;
                Map<Long, String> then;
                try (PointInTime first = source.holdAtThisMoment().orElseThrow()) {
                    mark = source.markOfThisMoment().orElseThrow();
                    then = rowsAt(db, first.id());
                }
                source.storedUpTo(mark);
                source.keepUp();
                writers.forEach(Thread::start);
                for (int wait = 0; commits.get() < 20 && wait < 2_000; wait++) Thread.sleep(5); // writing before the first moment
                int exported = 0;
                for (int moment = 0; moment < 12; moment++) {
                    Thread.sleep(40);
                    Map<Long, String> now;
                    String next;
                    try (PointInTime held = source.holdAtThisMoment().orElseThrow()) {
                        if ("0".equals(db.one("SELECT count(*) FROM pg_replication_slots WHERE temporary"))) exported++;
                        now = rowsAt(db, held.id());
                        Map<Long, String> expected = new java.util.TreeMap<>(then);
                        String loggedRows = logged(source, mark).map(b -> new String(b, StandardCharsets.UTF_8)).orElseThrow();
                        for (String line : loggedRows.split("\n")) {
                            if (line.isEmpty()) continue;
                            String[] fields = line.split("\t");
                            expected.put(Long.parseLong(fields[0]), fields[1]);
                        }
                        assertThat(now).as("moment %d: the last one's rows with the logged ones laid over them", moment).isEqualTo(expected);
                        next = source.markOfThisMoment().orElseThrow();
                    }
                    source.storedUpTo(next);
                    source.keepUp();
                    mark = next;
                    then = now;
                }
                writing.set(false);
                for (Thread t : writers) t.join();
                assertThat(commits.get()).as("transactions committed meanwhile").isGreaterThan(100);
                assertThat(exported).as("moments without a temporary slot").isGreaterThanOrEqualTo(6);
            } finally {
                writing.set(false);
            }
        }
    }

    /**
     * A transaction left open while a streaming process takes its moment does not hold the moment
     * (a temporary slot's snapshot would wait for it to end): the moment sees it as running, and its
     * changes, told when it commits, are the next moment's.
     */
    @Test
    void aTransactionLeftOpenDoesNotHoldAStreamedMomentAndIsTheNextOnes() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'a' FROM generate_series(1, 10) g");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_ahead", "follow-changes-wait", "20"));
                 java.sql.Connection open = db.jdbc(); java.sql.Statement st = open.createStatement()) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String first = storedMoment(source);
                source.keepUp();
                open.setAutoCommit(false);
                st.execute("UPDATE t SET v = 'open' WHERE id = 5");
                db.sql("UPDATE t SET v = 'b' WHERE id = 2");
                String second;
                long started = System.nanoTime();
                try (PointInTime held = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("not held by the open transaction").isLessThan(java.time.Duration.ofSeconds(5));
                    assertThat(rowsAt(db, held.id())).containsEntry(2L, "b").containsEntry(5L, "a");
                    assertThat(logged(source, first).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue("2\tb\n");
                    second = source.markOfThisMoment().orElseThrow();
                }
                source.storedUpTo(second);
                open.commit();
                try (PointInTime third = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(logged(source, second).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue("5\topen\n");
                }
            }
        }
    }

    /** The rows of t as the exported snapshot {@code snapshotId} sees them. */
    private static Map<Long, String> rowsAt(TestDatabase db, String snapshotId) throws java.sql.SQLException {
        Map<Long, String> out = new java.util.TreeMap<>();
        try (java.sql.Connection c = db.jdbc(); java.sql.Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT '" + snapshotId + "'");
            try (java.sql.ResultSet rs = st.executeQuery("SELECT id, v FROM t")) {
                while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
            }
            c.rollback();
        }
        return out;
    }

    /**
     * A table made while the slot is streamed joins the publication at the next moment, and its
     * changes reach the stream before the stream knows its key (the keys are given again only after
     * that backup is stored): they cannot be told from the log, so the backup after finds them by a
     * scan instead of taking the table for unchanged.
     */
    @Test
    void aTableMadeWhileTheSlotIsStreamedIsScannedUntilTheStreamKnowsItsKey() throws Exception {
        EntityName u = EntityName.of("u");
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_ahead"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                storedMoment(source);
                source.keepUp();
                db.sql("CREATE TABLE u (id bigint PRIMARY KEY, v text)", "INSERT INTO u SELECT g, 'a' FROM generate_series(1, 10) g");
                String second = storedMoment(source); // the publication takes u before this moment; u is read whole
                db.sql("UPDATE u SET v = 'b' WHERE id = 3", "UPDATE t SET v = 'b'");
                try (PointInTime third = source.holdAtThisMoment().orElseThrow()) {
                    ByteArrayOutputStream changed = new ByteArrayOutputStream();
                    source.copyChangedSince(u, second, changed);
                    assertThat(changed.toString(StandardCharsets.UTF_8)).as("u's changed rows").contains("3\tb\n");
                    assertThat(logged(source, second).map(b -> new String(b, StandardCharsets.UTF_8))).as("t's, from the log").hasValue("1\tb\n");
                }
            }
        }
    }

    /**
     * A stream that breaks (its session ended by the server) tells no backup anything: the next one
     * scans, and once it is stored a later {@code keepUp} streams again.
     */
    @Test
    void aBrokenStreamLeavesTheBackupsToScansUntilOneIsStored() throws Exception {
        try (TestDatabase db = new TestDatabase(TestDatabase.LOGICAL)) {
            db.sql("CREATE TABLE t (id bigint PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
            try (Connector connector = db.open(Map.of("follow-changes", "cutover_it_broken"))) {
                PostgresSource source = (PostgresSource) TestDatabase.source(connector);
                String mark = storedMoment(source);
                source.keepUp();
                db.sql("UPDATE t SET v = 'a' WHERE id <= 10");
                for (int wait = 0; wait < 100 && !"t".equals(db.one("SELECT confirmed_flush_lsn > '" + mark.substring(mark.lastIndexOf(':') + 1)
                        + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = 'cutover_it_broken'")); wait++) Thread.sleep(50);
                db.sql("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cutover_it_broken'");
                db.sql("UPDATE t SET v = 'b' WHERE id = 20");
                String second;
                try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(logged(source, mark)).as("the log cannot tell: scans").isEmpty();
                    assertThat(source.copyChangedSince(T, mark, new ByteArrayOutputStream())).isEqualTo(11);
                    second = source.markOfThisMoment().orElseThrow();
                    source.storedUpTo(second);
                }
                source.keepUp();
                assertThat(db.one("SELECT active FROM pg_replication_slots WHERE slot_name = 'cutover_it_broken'")).isEqualTo("t");
                db.sql("UPDATE t SET v = 'c' WHERE id = 30");
                try (PointInTime third = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(logged(source, second).map(b -> new String(b, StandardCharsets.UTF_8))).hasValue(rowsOf(db, "id = 30"));
                }
            }
        }
    }

    /** Takes a moment and tells the source its snapshot was stored, as a backup does; returns the moment's mark. */
    private static String storedMoment(ChangeTracking source) {
        String mark;
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            mark = source.markOfThisMoment().orElseThrow();
        }
        source.storedUpTo(mark);
        return mark;
    }

    /** The changed rows of t as written from the log, or empty when they are not. */
    private static Optional<byte[]> logged(PostgresSource source, String mark) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return source.writeLoggedRows(T, mark, out).isPresent() ? Optional.of(out.toByteArray()) : Optional.empty();
    }

    /** The rows of t meeting {@code where}, in key order, as COPY writes them. */
    private static String rowsOf(TestDatabase db, String where) {
        StringBuilder out = new StringBuilder();
        for (List<String> row : db.query("SELECT id, v FROM t WHERE " + where + " ORDER BY id")) {
            out.append(row.get(0)).append('\t');
            PgCopyText.appendField(out, row.get(1));
            out.append('\n');
        }
        return out.toString();
    }

    private static String slotActive(TestDatabase db) {
        return db.one("SELECT active::text FROM pg_replication_slots WHERE slot_name = 'cutover_it_ahead'").substring(0, 1);
    }

    private static String prefix(String s, int codePoints) {
        return s.codePoints().limit(codePoints).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static String literal(String s) {
        return "E'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\b", "\\b").replace("\f", "\\f").replace("\u000b", "\\x0b") + "'";
    }
}
