package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.Position;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.migrate.MigrateResult;
import cutover.migrate.Migration;
import cutover.migrate.Retry;
import cutover.migrate.RowMapper;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.ForeignKey;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A SQLite database copied into another through {@link Migration}, crashed, and resumed. */
class SqliteMigrationTest {
    static final int USERS = 1234, POSTS = 777, ORPHANS = 3;

    static final Table USERS_TABLE = new Table("users", List.of(new Column("id", ColumnType.BIGINT, false),
            new Column("email", ColumnType.TEXT, false), new Column("score", ColumnType.DOUBLE, true),
            new Column("joined", ColumnType.TIMESTAMPTZ, true), new Column("active", ColumnType.BOOLEAN, true),
            new Column("avatar", ColumnType.BYTES, true)), List.of("id"), List.of(), false);
    static final Table POSTS_TABLE = new Table("posts", List.of(new Column("id", ColumnType.TEXT, false),
            new Column("user_id", ColumnType.BIGINT, true), new Column("body", ColumnType.JSON, true)), List.of("id"),
            List.of(new ForeignKey(List.of("user_id"), "users", List.of("id"))), false);

    /** Identity: every source row becomes the same row of the table of the same name. */
    static final RowMapper IDENTITY = new RowMapper() {
        @Override public List<Table> tables() { return List.of(USERS_TABLE, POSTS_TABLE); }

        @Override public Mapped map(Record source) {
            return new Rows(List.of(new Record(EntityName.of(source.entity().value()), source.key(), source.fields())));
        }
    };

    @TempDir Path dir;

    private Path sourceFile() throws Exception {
        Path file = dir.resolve("app.db");
        TestFiles.sql(file, "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, score REAL, joined DATETIME,"
                        + " active BOOLEAN, avatar BLOB)",
                "CREATE TABLE posts (id TEXT PRIMARY KEY, user_id INTEGER REFERENCES users(id), body JSON)");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= USERS; i++) {
                    p.setLong(1, i * 3L);
                    p.setString(2, "user" + i + "@example.com");
                    if (i % 10 == 0) p.setNull(3, java.sql.Types.NULL); else p.setDouble(3, i / 7.0);
                    p.setString(4, String.format("2023-%02d-%02d %02d:%02d:%02d", 1 + i % 12, 1 + i % 28, i % 24, i % 60, i % 59));
                    p.setInt(5, i % 2);
                    if (i % 5 == 0) p.setNull(6, java.sql.Types.NULL); else p.setBytes(6, new byte[] {(byte) i, (byte) (i >> 8), 0});
                    p.executeUpdate();
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO posts VALUES (?, ?, ?)")) {
                for (int i = 0; i < POSTS; i++) {
                    p.setString(1, "p" + Integer.toString(i, 36) + (i % 3 == 0 ? "é" : ""));
                    p.setLong(2, i < ORPHANS ? 999_999 : 3L * (1 + i % USERS));
                    p.setString(3, "{\"title\":\"post " + i + "\",\"tags\":[\"a\",\"b\"],\"likes\":" + i + "}");
                    p.executeUpdate();
                }
            }
            c.commit();
        }
        return file;
    }

    /** The real sink with a fault injected at the Nth write: before the commit, inside the transaction, or after it. */
    static final class CrashingSink implements Sink {
        enum Fault { BEFORE_COMMIT, INSIDE_TRANSACTION, AFTER_COMMIT }

        final Sink real;
        final int crashAt;
        final Fault fault;
        final AtomicInteger writes = new AtomicInteger();
        final AtomicLong rowsCommitted;

        CrashingSink(Sink real, int crashAt, Fault fault, AtomicLong rowsCommitted) {
            this.real = real;
            this.crashAt = crashAt;
            this.fault = fault;
            this.rowsCommitted = rowsCommitted;
        }

        @Override public TargetInfo describe() { return real.describe(); }
        @Override public List<String> prepare(String runId, List<Table> tables, boolean create) { return real.prepare(runId, tables, create); }
        @Override public Optional<RecordError> check(Table table, Record row) { return real.check(table, row); }
        @Override public Map<String, Checkpoint> checkpoints(String runId) { return real.checkpoints(runId); }
        @Override public void resetCheckpoints(String runId) { real.resetCheckpoints(runId); }
        @Override public void forgetCheckpoints(String runId, java.util.Set<String> splitIds) { real.forgetCheckpoints(runId, splitIds); }
        @Override public List<String> finish(String runId, List<Table> tables) { return real.finish(runId, tables); }

        @Override
        public SinkWriter writer(String runId, String splitId, List<Table> tables) {
            SinkWriter w = real.writer(runId, splitId, tables);
            return new SinkWriter() {
                @Override
                public void write(List<Record> rows, Checkpoint checkpoint) {
                    boolean crash = writes.incrementAndGet() == crashAt;
                    if (crash && fault == Fault.BEFORE_COMMIT) throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "simulated crash");
                    List<Record> sent = rows;
                    if (crash && fault == Fault.INSIDE_TRANSACTION) {
                        // a last row the table refuses (email is NOT NULL): SQLite fails after upserting the others
                        sent = new ArrayList<>(rows);
                        Map<String, Value> bad = new HashMap<>(Map.of("id", Value.of(-1L), "email", Value.NULL));
                        sent.add(new Record(EntityName.of("users"), cutover.model.Key.of(Value.of(-1L)), bad));
                    }
                    w.write(sent, checkpoint);
                    rowsCommitted.addAndGet(rows.size());
                    if (crash && fault == Fault.AFTER_COMMIT) throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "simulated connection loss");
                }

                @Override public void close() { w.close(); }
            };
        }
    }

    private Migration migration(Source source, Sink sink, Path runDir, Retry retry) {
        return Migration.builder().source(source).sink(sink).mapper(IDENTITY).runId("copy-1").runDirectory(runDir)
                .parallelism(2).batchSize(100).retry(retry).build();
    }

    @Test
    void copiesADatabaseAndEveryRowSurvivesACrashExactlyOnce() throws Exception {
        Path from = sourceFile();
        int scenario = 0;
        for (CrashingSink.Fault fault : CrashingSink.Fault.values()) {
            for (int crashAt : new int[] {1, 6, 17}) {
                Path to = dir.resolve("copy" + scenario + ".db");
                Path runDir = dir.resolve("run" + scenario++);
                AtomicLong committed = new AtomicLong();
                try (Connector source = TestFiles.open(from); Connector target = TestFiles.open(to)) {
                    CrashingSink crashing = new CrashingSink(TestFiles.sink(target), crashAt, fault, committed);
                    assertThatThrownBy(() -> migration(TestFiles.source(source), crashing, runDir, Retry.NONE).run())
                            .as("%s at write %d", fault, crashAt).isInstanceOf(CutoverException.class);
                }
                assertThat(TestFiles.count(to, "SELECT count(*) FROM users WHERE id = -1")).as("the refused batch left nothing").isZero();

                MigrateResult result;
                try (Connector source = TestFiles.open(from); Connector target = TestFiles.open(to)) {
                    CrashingSink healthy = new CrashingSink(TestFiles.sink(target), 0, fault, committed);
                    result = migration(TestFiles.source(source), healthy, runDir, Retry.NONE).run();
                }
                String what = fault + " at write " + crashAt;
                assertThat(result.totals().read()).as(what).isEqualTo(USERS + POSTS);
                assertThat(result.totals().written()).as(what).isEqualTo(USERS + POSTS);
                assertThat(result.totals().balanced()).isTrue();
                if (crashAt > 1 || fault == CrashingSink.Fault.AFTER_COMMIT) {
                    // something committed before the crash, so the second run resumed rather than started over
                    assertThat(result.splitsResumed() + result.splitsAlreadyDone()).as(what).isPositive();
                }
                assertThat(committed.get()).as("%s: every row committed exactly once over both runs", what).isEqualTo(USERS + POSTS);
                assertThat(result.warnings()).as(what).singleElement().asString().contains(ORPHANS + " rows").contains("posts");
                assertThat(Files.readAllLines(runDir.resolve("dead-letter.ndjson"))).isEmpty();
                assertSameRecords(from, to);
            }
        }
    }

    @Test
    void copiesThroughRowidRangeSplitsWithACrashInTheMiddle() throws Exception {
        Path from = sourceFile(), to = dir.resolve("ranges.db");
        AtomicLong committed = new AtomicLong();
        Map<String, String> small = Map.of("split-rows", "300");
        try (Connector source = TestFiles.open(from, small); Connector target = TestFiles.open(to)) {
            assertThat(TestFiles.source(source).splits(3)).hasSize(4); // users in 3 rowid ranges, posts (text key) whole
            CrashingSink crashing = new CrashingSink(TestFiles.sink(target), 7, CrashingSink.Fault.INSIDE_TRANSACTION, committed);
            assertThatThrownBy(() -> Migration.builder().source(TestFiles.source(source)).sink(crashing).mapper(IDENTITY).runId("r")
                    .runDirectory(dir.resolve("run")).parallelism(3).batchSize(50).retry(Retry.NONE).build().run())
                    .isInstanceOf(CutoverException.class);
        }
        try (Connector source = TestFiles.open(from, small); Connector target = TestFiles.open(to)) {
            CrashingSink healthy = new CrashingSink(TestFiles.sink(target), 0, CrashingSink.Fault.INSIDE_TRANSACTION, committed);
            MigrateResult result = Migration.builder().source(TestFiles.source(source)).sink(healthy).mapper(IDENTITY).runId("r")
                    .runDirectory(dir.resolve("run")).parallelism(3).batchSize(50).retry(Retry.NONE).build().run();
            assertThat(result.splits()).isEqualTo(4);
            assertThat(result.splitsResumed() + result.splitsAlreadyDone()).isPositive();
            assertThat(result.totals().written()).isEqualTo(USERS + POSTS);
        }
        assertThat(committed.get()).isEqualTo(USERS + POSTS);
        assertSameRecords(from, to);
    }

    @Test
    void aFinishedCopyRunAgainWritesNothing() throws Exception {
        Path from = sourceFile(), to = dir.resolve("copy.db");
        AtomicLong committed = new AtomicLong();
        try (Connector source = TestFiles.open(from); Connector target = TestFiles.open(to)) {
            CrashingSink sink = new CrashingSink(TestFiles.sink(target), 0, CrashingSink.Fault.BEFORE_COMMIT, committed);
            migration(TestFiles.source(source), sink, dir.resolve("run"), Retry.DEFAULT).run();
            MigrateResult again = migration(TestFiles.source(source), sink, dir.resolve("run"), Retry.DEFAULT).run();
            assertThat(again.splitsAlreadyDone()).isEqualTo(2);
            assertThat(again.rowsWritten()).isZero();
            assertThat(committed.get()).isEqualTo(USERS + POSTS);
            assertThat(again.totals().read()).isEqualTo(USERS + POSTS);
        }
        assertSameRecords(from, to);
    }

    /** The copy holds exactly the source's records, value for value, in the same key order. */
    private static void assertSameRecords(Path from, Path to) {
        try (Connector a = TestFiles.open(from); Connector b = TestFiles.open(to)) {
            Source source = TestFiles.source(a), copy = TestFiles.source(b);
            assertThat(copy.entities()).extracting(e -> e.name().value(), e -> e.estimatedCount())
                    .containsExactlyElementsOf(source.entities().stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.name().value(), e.estimatedCount())).toList());
            for (Split split : source.splits(2)) {
                List<Record> original = TestFiles.readAll(source, split, Position.START);
                List<Record> copied = TestFiles.readAll(copy, TestFiles.split(copy, split.id()), Position.START);
                assertThat(copied).as("table %s", split.id()).isEqualTo(original);
            }
        }
    }
}
