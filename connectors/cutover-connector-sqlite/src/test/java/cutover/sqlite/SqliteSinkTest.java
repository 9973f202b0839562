package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.Position;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.Source;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.ForeignKey;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteSinkTest {
    static final Table USERS = new Table("public.users", List.of(new Column("id", ColumnType.TEXT, false),
            new Column("n", ColumnType.BIGINT, true), new Column("active", ColumnType.BOOLEAN, true)), List.of("id"), List.of(), false);
    static final Table POSTS = new Table("posts", List.of(new Column("user_id", ColumnType.TEXT, false),
            new Column("seq", ColumnType.BIGINT, false), new Column("body", ColumnType.JSON, true)), List.of("user_id", "seq"),
            List.of(new ForeignKey(List.of("user_id"), "public.users", List.of("id"))), false);

    @TempDir Path dir;
    Path file;
    Connector connector;
    Sink sink;

    @BeforeEach
    void open() {
        file = dir.resolve("target.db");
        connector = TestFiles.open(file);
        sink = TestFiles.sink(connector);
    }

    @AfterEach
    void close() { connector.close(); }

    static Record user(String id, long n) {
        Map<String, Value> f = new LinkedHashMap<>();
        f.put("id", Value.of(id));
        f.put("n", Value.of(n));
        f.put("active", Value.of(n % 2 == 0));
        return new Record(USERS.entity(), Key.of(id), f);
    }

    static Record post(String userId, long seq) {
        return new Record(POSTS.entity(), Key.of(Value.of(userId), Value.of(seq)),
                Map.of("user_id", Value.of(userId), "seq", Value.of(seq), "body", new Value.MapValue(Map.of("title", Value.of("t" + seq)))));
    }

    static Sink.Checkpoint checkpoint(long ordinal, boolean done) {
        return new Sink.Checkpoint(new Position(ordinal, "[" + ordinal + "]"), ordinal, ordinal, 0, 0, done);
    }

    @Test
    void createsTheFileAndTablesWithForeignKeysDeclaredButNotEnforced() {
        assertThat(file).doesNotExist();
        assertThat(sink.prepare("r", List.of(USERS, POSTS), true)).isEmpty();
        assertThat(file).exists();
        TargetInfo info = sink.describe();
        assertThat(info.product()).isEqualTo("SQLite");
        assertThat(info.tables()).containsOnlyKeys("users", "posts");
        assertThat(info.tables().get("posts")).containsExactly("user_id", "seq", "body", "rowid"); // its rowid: a plan may key by it
        assertThat(TestFiles.count(file, "SELECT count(*) FROM pragma_foreign_key_list('posts') WHERE \"table\" = 'users'")).isEqualTo(1);
        assertThat(TestFiles.count(file, "SELECT count(*) FROM sqlite_master WHERE name = '_cutover_checkpoints'")).isEqualTo(1);

        // a child before its parent is fine while loading: splits finish in any order
        try (SinkWriter w = sink.writer("r", "posts", List.of(USERS, POSTS))) {
            w.write(List.of(post("u1", 1), post("ghost", 2)), checkpoint(2, true));
        }
        try (SinkWriter w = sink.writer("r", "users", List.of(USERS, POSTS))) {
            w.write(List.of(user("u1", 1)), checkpoint(1, true));
        }
        List<String> warnings = sink.finish("r", List.of(USERS, POSTS));
        assertThat(warnings).singleElement().asString().contains("posts").contains("1 row").contains("users");
        assertThat(TestFiles.count(file, "SELECT count(*) FROM posts")).as("orphans are kept, only reported").isEqualTo(2);
    }

    @Test
    void rewritingABatchIsIdempotentAndUpdatesInPlace() {
        sink.prepare("r", List.of(USERS), true);
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) batch.add(user("u" + i, i));
        try (SinkWriter w = sink.writer("r", "a", List.of(USERS))) {
            w.write(batch, checkpoint(50, false));
            w.write(batch, checkpoint(50, false));
            w.write(List.of(user("u7", 700)), checkpoint(51, true));
        }
        assertThat(TestFiles.count(file, "SELECT count(*) FROM users")).isEqualTo(50);
        assertThat(TestFiles.count(file, "SELECT n FROM users WHERE id = 'u7'")).isEqualTo(700);
        Sink.Checkpoint cp = sink.checkpoints("r").get("a");
        assertThat(cp).isEqualTo(checkpoint(51, true));
        assertThat(sink.checkpoints("other")).isEmpty();
        sink.resetCheckpoints("r");
        assertThat(sink.checkpoints("r")).isEmpty();
    }

    /** A key claimed for a record stays its own for the run: the same record writes again, another is refused whole, naming it. */
    @Test
    void keysClaimedForARecordRefuseAnotherRecordOfTheRun() {
        sink.prepare("r", List.of(USERS), true);
        SinkWriter.KeyClaim ann = new SinkWriter.KeyClaim("public.users", "0a1b", "users u1");
        try (SinkWriter w = sink.writer("r", "a", List.of(USERS))) {
            w.write(List.of(user("u1", 1)), List.of(ann), checkpoint(1, false));
            w.write(List.of(user("u1", 10)), List.of(ann), checkpoint(1, false));
            SinkWriter.KeyClaim other = new SinkWriter.KeyClaim("public.users", "0a1b", "users u9");
            assertThatThrownBy(() -> w.write(List.of(user("u2", 2), user("u1", 99)),
                    List.of(new SinkWriter.KeyClaim("public.users", "ffff", "users u2"), other), checkpoint(3, false)))
                    .isInstanceOfSatisfying(SinkWriter.KeysTaken.class, e -> assertThat(e.holders()).containsExactly(Map.entry(1, "users u1")));
        }
        assertThat(TestFiles.count(file, "SELECT count(*) FROM users")).isEqualTo(1);
        assertThat(TestFiles.count(file, "SELECT n FROM users WHERE id = 'u1'")).isEqualTo(10);
        assertThat(TestFiles.count(file, "SELECT count(*) FROM _cutover_key_claims")).isEqualTo(1);
        assertThat(sink.checkpoints("r").get("a").position().ordinal()).isEqualTo(1);
        sink.resetCheckpoints("r");
        assertThat(TestFiles.count(file, "SELECT count(*) FROM _cutover_key_claims")).isZero();
    }

    /**
     * An application's decimal(10,2) column (NUMERIC affinity) takes the plan's decimals as SQLite's
     * numbers, as the application's own inserts: a backup restored over the file it came from was
     * refused (a later session's finding). A decimal a REAL would not hold is set aside, named.
     */
    @Test
    void aDecimalColumnOfNumericAffinityTakesDecimalsAsNumbers() {
        TestFiles.sql(file, "CREATE TABLE prices (id INTEGER PRIMARY KEY, price decimal(10,2))");
        Table prices = new Table("prices", List.of(new Column("id", ColumnType.BIGINT, false), new Column("price", ColumnType.NUMERIC, true)),
                List.of("id"), List.of(), false);
        assertThat(sink.prepare("r", List.of(prices), true)).isEmpty();
        java.util.function.BiFunction<Long, String, Record> price = (id, v) -> new Record(cutover.model.EntityName.of("prices"), Key.of(Value.of(id)),
                Map.of("id", Value.of(id), "price", Value.of(new java.math.BigDecimal(v))));
        List<Record> fit = List.of(price.apply(1L, "12.5"), price.apply(2L, "3"), price.apply(3L, "0.1"), price.apply(4L, "1.50"),
                price.apply(5L, "-9223372036854775808"));
        fit.forEach(r -> assertThat(sink.check(prices, r)).as(r.toString()).isEmpty());
        Optional<RecordError> tooLong = sink.check(prices, price.apply(6L, "0.12345678901234567890"));
        assertThat(tooLong).hasValueSatisfying(e -> assertThat(e.reason()).contains("NUMERIC affinity").contains("0.12345678901234568"));
        assertThat(sink.check(prices, price.apply(7L, "123456789012345678901234567890"))).isPresent();
        try (SinkWriter w = sink.writer("r", "a", List.of(prices))) {
            w.write(fit, checkpoint(5, true));
        }
        assertThat(TestFiles.count(file, "SELECT count(*) FROM prices WHERE typeof(price) = 'real'")).isEqualTo(3);
        assertThat(TestFiles.count(file, "SELECT count(*) FROM prices WHERE typeof(price) = 'integer'")).isEqualTo(2);
        assertThat(TestFiles.count(file, "SELECT count(*) FROM prices WHERE price = 12.5 OR price = 0.1 OR price = 1.5")).isEqualTo(3);
    }

    /**
     * A plan that saw only NULLs in a column types it text: the file's INTEGER or DATETIME column takes
     * it (its backup restores over it: acceptance run 16), NULLs and text SQLite keeps as text; a text
     * that looks like a number, which the affinity would make one, is set aside.
     */
    @Test
    void textIntoAColumnOfANumericAffinityIsKeptAsTextOrSetAside() {
        TestFiles.sql(file, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, at DATETIME)");
        Table t = new Table("t", List.of(new Column("id", ColumnType.BIGINT, false), new Column("n", ColumnType.TEXT, true),
                new Column("at", ColumnType.TEXT, true)), List.of("id"), List.of(), false);
        assertThat(sink.prepare("r", List.of(t), true)).isEmpty();
        java.util.function.BiFunction<String, Value, Record> row = (column, v) -> new Record(cutover.model.EntityName.of("t"), Key.of(Value.of(1L)),
                Map.of("id", Value.of(1L), column, v));
        assertThat(sink.check(t, row.apply("n", Value.NULL))).isEmpty();
        assertThat(sink.check(t, row.apply("at", Value.of("2024-01-02 10:00:00")))).isEmpty();
        assertThat(sink.check(t, row.apply("n", Value.of(" 12.5e3 ")))).hasValueSatisfying(e -> assertThat(e.reason()).contains("as a number"));
    }

    /** A column an application declared JSON (NUMERIC affinity) takes the plan's documents: its backup restores over it (acceptance run 15). */
    @Test
    void aColumnDeclaredJsonTakesDocuments() throws Exception {
        TestFiles.sql(file, "CREATE TABLE users (id INTEGER PRIMARY KEY, meta JSON)");
        Table users = new Table("users", List.of(new Column("id", ColumnType.BIGINT, false), new Column("meta", ColumnType.JSON, true)),
                List.of("id"), List.of(), false);
        assertThat(sink.prepare("r", List.of(users), true)).isEmpty();
        Record doc = new Record(cutover.model.EntityName.of("users"), Key.of(Value.of(1L)), Map.of("id", Value.of(1L),
                "meta", new Value.MapValue(Map.of("a", Value.of(1L)))));
        Record number = new Record(cutover.model.EntityName.of("users"), Key.of(Value.of(2L)), Map.of("id", Value.of(2L), "meta", Value.of(7L)));
        assertThat(sink.check(users, doc)).isEmpty();
        try (SinkWriter w = sink.writer("r", "a", List.of(users))) {
            w.write(List.of(doc, number), checkpoint(2, true));
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement();
             var rs = s.executeQuery("SELECT group_concat(id || ' ' || meta || ' ' || typeof(meta), '; ') FROM users")) {
            assertThat(rs.getString(1)).isEqualTo("1 {\"a\":1} text; 2 7 integer");
        }
    }

    @Test
    void aRefusedBatchLeavesNeitherRowsNorCheckpointAndItsRefusedRecordsAreNamed() {
        // the target has a constraint the plan does not know of; the second row breaks it
        TestFiles.sql(file, "CREATE TABLE users (id TEXT PRIMARY KEY, n INTEGER CHECK (n >= 0), active BOOLEAN)");
        assertThat(sink.prepare("r", List.of(USERS), true)).isEmpty();
        try (SinkWriter w = sink.writer("r", "a", List.of(USERS))) {
            w.write(List.of(user("u0", 0)), checkpoint(1, false));
            assertThatThrownBy(() -> w.write(List.of(user("u1", 1), user("u2", -2), user("u3", 3)), checkpoint(4, false)))
                    .isInstanceOfSatisfying(CutoverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TARGET_ROWS_REFUSED);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("CHECK constraint").contains("nothing of it stays committed");
                    });
            // which record it was, each group a record's rows; u4 and u6 collide on no key, so only the CHECK refuses
            var refused = w.refused(List.of(List.of(user("u1", 1)), List.of(user("u2", -2)), List.of(user("u3", 3)),
                    List.of(user("u4", 4), user("u6", -6)), List.of(user("u7", 7))));
            assertThat(refused).containsOnlyKeys(1, 3);
            assertThat(refused.get(1).code()).isEqualTo(ErrorCode.RECORD_REJECTED_BY_TARGET);
            assertThat(refused.get(1).reason()).contains("CHECK constraint failed").contains("SQLITE_CONSTRAINT_CHECK");
            assertThat(TestFiles.count(file, "SELECT count(*) FROM users")).as("the probe commits nothing").isEqualTo(1);
            // the writer (and its shared connection) stays usable
            w.write(List.of(user("u5", 5)), checkpoint(5, false));
        }
        assertThat(TestFiles.count(file, "SELECT count(*) FROM users WHERE id IN ('u1', 'u2', 'u3')")).isZero();
        assertThat(TestFiles.count(file, "SELECT count(*) FROM users")).isEqualTo(2);
        assertThat(sink.checkpoints("r").get("a").position().ordinal()).isEqualTo(5);
    }

    @Test
    void aTriggerThatRollsTheTransactionBackIsReportedAsItselfAndTheWriterGoesOn() {
        // RAISE(ROLLBACK) ends the transaction itself: its message is the failure, not the rollback's or autocommit's after it
        TestFiles.sql(file, "CREATE TABLE users (id TEXT PRIMARY KEY, n INTEGER, active BOOLEAN)",
                "CREATE TRIGGER no_negatives BEFORE INSERT ON users WHEN NEW.n < 0 BEGIN SELECT RAISE(ROLLBACK, 'no negative n'); END");
        assertThat(sink.prepare("r", List.of(USERS), true)).isEmpty();
        try (SinkWriter w = sink.writer("r", "a", List.of(USERS))) {
            assertThatThrownBy(() -> w.write(List.of(user("u1", 1), user("u2", -2)), checkpoint(2, false)))
                    .isInstanceOfSatisfying(CutoverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TARGET_ROWS_REFUSED);
                        assertThat(e.getMessage()).contains("no negative n").doesNotContain("no transaction is active");
                    });
            // the rows cannot be told apart (the trigger ends the probe's transaction too): the refusal stands, named
            assertThatThrownBy(() -> w.refused(List.of(List.of(user("u1", 1)), List.of(user("u2", -2)))))
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.getMessage()).contains("no negative n"));
            w.write(List.of(user("u3", 3)), checkpoint(3, false));
        }
        assertThat(TestFiles.count(file, "SELECT count(*) FROM users")).isEqualTo(1);
    }

    @Test
    void aBusyFileIsARetryableFailureAndRollsBack() throws Exception {
        sink.prepare("r", List.of(USERS), true);
        Connector slow = TestFiles.openWithBusyTimeout(file, 50);
        Sink blocked = TestFiles.sink(slow);
        assertThat(blocked.checkpoints("r")).isEmpty(); // connected before the lock is taken
        try (var other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var s = other.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            try (SinkWriter w = blocked.writer("r", "a", List.of(USERS))) {
                assertThatThrownBy(() -> w.write(List.of(user("u1", 1)), checkpoint(1, false)))
                        .isInstanceOfSatisfying(CutoverException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
                            assertThat(e.retryable()).isTrue();
                        });
            }
            s.execute("ROLLBACK");
        } finally {
            slow.close();
        }
        assertThat(TestFiles.count(file, "SELECT count(*) FROM users")).isZero();
        assertThat(sink.checkpoints("r")).isEmpty();
    }

    @Test
    void aTableChangedUnderTheWriterFailsWithoutRetrying() {
        sink.prepare("r", List.of(USERS), true);
        TestFiles.sql(file, "ALTER TABLE users DROP COLUMN active");
        try (SinkWriter w = sink.writer("r", "a", List.of(USERS))) {
            assertThatThrownBy(() -> w.write(List.of(user("u1", 1)), checkpoint(1, false)))
                    .isInstanceOfSatisfying(CutoverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.SINK_SCHEMA_MISMATCH);
                        assertThat(e.getMessage()).contains("active");
                    });
        }
        assertThat(sink.checkpoints("r")).isEmpty();
    }

    @Test
    void existingTablesThatDoNotFitAreReportedByTableAndColumn() {
        TestFiles.sql(file, "CREATE TABLE users (id TEXT PRIMARY KEY, n TEXT, extra TEXT NOT NULL)",
                "CREATE TABLE posts (user_id TEXT, seq INTEGER, body TEXT, PRIMARY KEY (user_id))");
        List<String> problems = sink.prepare("r", List.of(USERS, POSTS), true);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("table users").contains("column n").contains("TEXT affinity"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("table users").contains("column active is missing"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("column extra is NOT NULL"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("table posts").contains("[user_id, seq]"));
        assertThat(TestFiles.count(file, "SELECT count(*) FROM sqlite_master WHERE name = '_cutover_checkpoints'"))
                .as("nothing is created while problems remain").isZero();
    }

    @Test
    void missingTablesAreAProblemWhenCreatingIsOff() {
        assertThat(sink.prepare("r", List.of(USERS), false)).singleElement().asString().contains("table users does not exist");
    }

    @Test
    void twoPlanTablesThatBecomeOneSqliteTableAreAProblem() {
        Table other = new Table("auth.users", USERS.columns(), USERS.primaryKey(), List.of(), false);
        assertThat(sink.prepare("r", List.of(USERS, other), true)).singleElement().asString().contains("no schemas");
    }

    @Test
    void checkSetsAsideValuesTheColumnCannotTake() {
        sink.prepare("r", List.of(USERS), true);
        Map<String, Value> wrongKind = new LinkedHashMap<>(user("u1", 1).fields());
        wrongKind.put("n", Value.of("twelve"));
        assertThat(check(wrongKind)).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
            assertThat(e.field()).isEqualTo("n");
            assertThat(e.reason()).contains("BIGINT").contains("TEXT");
        });
        assertThat(check(Map.of("n", Value.of(1)))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_MISSING_REQUIRED));
        assertThat(check(Map.of("id", Value.of("a\uD800b")))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_INVALID_TEXT));
        assertThat(check(Map.of("id", Value.of("a"), "nope", Value.of(1)))).hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("nope"));
        assertThat(check(Map.of("id", Value.of("a\0b")))).isEmpty();
    }

    /**
     * A table keyed by {@code rowid} is made without such a column, its keys the table's own rowids
     * (upserted on them); a key that is no integer is set aside, naming the rowid, before SQLite's
     * "datatype mismatch". A table with a column of the name keeps it as any column.
     */
    @Test
    void aTableKeyedByRowidIsMadeWithoutTheColumn() throws Exception {
        Table log = new Table("log", List.of(new Column("rowid", ColumnType.TEXT, false), new Column("msg", ColumnType.TEXT, true)),
                List.of("rowid"), List.of(), false);
        assertThat(sink.prepare("r", List.of(log), true)).isEmpty();
        try (SinkWriter w = sink.writer("r", "log", List.of(log))) {
            w.write(List.of(new Record(log.entity(), Key.of("7"), Map.of("rowid", Value.of("7"), "msg", Value.of("a"))),
                    new Record(log.entity(), Key.of("7"), Map.of("rowid", Value.of("7"), "msg", Value.of("b")))), checkpoint(1, true));
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT group_concat(name) FROM pragma_table_info('log')").getString(1)).isEqualTo("msg");
            var rs = s.executeQuery("SELECT count(*), max(rowid), max(msg) FROM log");
            assertThat(List.of(rs.getLong(1), rs.getLong(2), (Object) rs.getString(3))).containsExactly(1L, 7L, "b");
        }
        assertThat(sink.check(log, new Record(log.entity(), Key.of("x1"), Map.of("rowid", Value.of("x1"))))).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
            assertThat(e.reason()).contains("own rowid").contains("x1");
        });
        assertThat(sink.check(log, new Record(log.entity(), Key.of("-3"), Map.of("rowid", Value.of("-3"))))).isEmpty();

        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement()) {
            s.execute("CREATE TABLE named (rowid TEXT PRIMARY KEY, msg TEXT)");
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement()) {
            s.execute("CREATE TABLE nocount (msg TEXT PRIMARY KEY) WITHOUT ROWID");
        }
        Table noRowid = new Table("nocount", log.columns(), log.primaryKey(), List.of(), false);
        assertThat(sink.prepare("r", List.of(noRowid), true)).singleElement().asString().contains("WITHOUT ROWID").contains("by their rowid");
        Table named = new Table("named", log.columns(), log.primaryKey(), List.of(), false);
        assertThat(sink.prepare("r", List.of(named), true)).isEmpty();
        assertThat(sink.check(named, new Record(named.entity(), Key.of("x1"), Map.of("rowid", Value.of("x1"))))).isEmpty();
    }

    /** PostgreSQL's infinity reaches a sink as the driver's furthest time, past any year SQLite's text of a time holds: set aside, named. */
    @Test
    void aTimePastTheYearsTextHoldsIsSetAsideNotACrash() {
        Table events = new Table("events", List.of(new Column("id", ColumnType.TEXT, false), new Column("at", ColumnType.TIMESTAMPTZ, true)),
                List.of("id"), List.of(), false);
        sink.prepare("r", List.of(events), true);
        for (java.time.OffsetDateTime far : List.of(java.time.OffsetDateTime.MAX, java.time.OffsetDateTime.MIN)) {
            Record row = new Record(events.entity(), Key.of("k"), Map.of("id", Value.of("k"), "at", Value.of(far.toInstant())));
            assertThat(sink.check(events, row)).as(far.toString()).hasValueSatisfying(e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.RECORD_VALUE_OUT_OF_RANGE);
                assertThat(e.field()).isEqualTo("at");
                assertThat(e.reason()).contains("infinity");
            });
        }
        Record now = new Record(events.entity(), Key.of("k"), Map.of("id", Value.of("k"), "at", Value.of(java.time.Instant.parse("2024-01-01T00:00:00Z"))));
        assertThat(sink.check(events, now)).isEmpty();
    }

    private Optional<RecordError> check(Map<String, Value> fields) {
        return sink.check(USERS, new Record(USERS.entity(), Key.of("k"), fields));
    }

    @Test
    void aSourceOnTheSameFileSkipsCutoversOwnTable() {
        sink.prepare("r", List.of(USERS), true);
        try (SinkWriter w = sink.writer("r", "a", List.of(USERS))) {
            w.write(List.of(user("u1", 1)), checkpoint(1, true));
        }
        Source source = TestFiles.source(connector);
        assertThat(source.entities()).singleElement().satisfies(e -> {
            assertThat(e.name().value()).isEqualTo("users");
            assertThat(e.estimatedCount()).isEqualTo(1);
            assertThat(e.keyColumns()).containsExactly("id");
        });
    }
}
