package cutover.migrate;

import cutover.connector.RecordReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.testing.MemorySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationTest {
    private static final EntityName USERS = EntityName.of("users");
    private static final Table TABLE = new Table("users", List.of(new Column("id", ColumnType.TEXT, false),
            new Column("n", ColumnType.BIGINT, true), new Column("name", ColumnType.TEXT, true)), List.of("id"), List.of(), false);

    /** Maps users to the table; a record with a negative n fails; field "skip" makes it skipped. */
    static final RowMapper MAPPER = new RowMapper() {
        @Override public List<Table> tables() { return List.of(TABLE); }

        @Override
        public Mapped map(Record r) {
            if (r.fields().containsKey("skip")) return new Skipped("left out by the plan");
            long n = ((Value.Int64) r.get("n")).value();
            if (n < 0) return new Failed(RecordError.of(ErrorCode.RECORD_VALUE_OUT_OF_RANGE, "n", "n must not be negative, found " + n));
            Value name = r.fields().getOrDefault("name", Value.NULL);
            return new Rows(List.of(new Record(EntityName.of("users"), r.key(),
                    Map.of("id", r.key().last(), "n", Value.of(n), "name", name))));
        }
    };

    @TempDir Path dir;

    static List<RecordReader.Item> users(int from, int count) {
        List<RecordReader.Item> items = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Map<String, Value> fields = new java.util.LinkedHashMap<>();
            fields.put("n", Value.of(i % 97 == 13 ? -i : i));
            if (i % 101 == 7) fields.put("skip", Value.of(true));
            if (i % 89 == 5) fields.put("name", Value.of("bad\0text"));
            items.add(new RecordReader.Ok(new Record(USERS, Key.of("u" + i), fields)));
            if (i % 150 == 3) items.add(new RecordReader.Unreadable(USERS, "x" + i, "{\"broken\":", RecordError.of(ErrorCode.RECORD_UNKNOWN_MARKER, "f", "unknown marker")));
        }
        return items;
    }

    private MemorySource source() {
        return new MemorySource().split("a", users(0, 1000)).split("b", users(1000, 777)).split("c", users(5000, 3));
    }

    private Migration migration(MemorySource source, MemorySink sink) {
        return Migration.builder().source(source).sink(sink).mapper(MAPPER).runId("run1").runDirectory(dir)
                .parallelism(2).batchSize(64).retry(new Retry(3, Duration.ofMillis(1), Duration.ofMillis(2))).build();
    }

    private static int expected(List<RecordReader.Item> items, String what) {
        int n = 0;
        for (RecordReader.Item i : items) {
            boolean unreadable = i instanceof RecordReader.Unreadable;
            Record r = unreadable ? null : ((RecordReader.Ok) i).record();
            boolean skipped = !unreadable && r.fields().containsKey("skip");
            boolean failed = !unreadable && !skipped && (((Value.Int64) r.get("n")).value() < 0
                    || (r.get("name") instanceof Value.Text t && t.value().contains("\0")));
            switch (what) {
                case "written" -> n += (!unreadable && !skipped && !failed) ? 1 : 0;
                case "dead" -> n += (unreadable || failed) ? 1 : 0;
                case "skipped" -> n += skipped ? 1 : 0;
                default -> throw new IllegalArgumentException(what);
            }
        }
        return n;
    }

    private static List<RecordReader.Item> all() {
        List<RecordReader.Item> items = new ArrayList<>(users(0, 1000));
        items.addAll(users(1000, 777));
        items.addAll(users(5000, 3));
        return items;
    }

    @Test
    void everyRecordEndsWrittenDeadLetteredOrSkipped() throws Exception {
        MemorySink sink = new MemorySink();
        MigrateResult result = migration(source(), sink).run();

        List<RecordReader.Item> items = all();
        assertThat(result.totals().read()).isEqualTo(items.size());
        assertThat(result.totals().written()).isEqualTo(expected(items, "written"));
        assertThat(result.totals().deadLettered()).isEqualTo(expected(items, "dead"));
        assertThat(result.totals().skipped()).isEqualTo(expected(items, "skipped"));
        assertThat(result.totals().balanced()).isTrue();
        assertThat(sink.rows("users")).hasSize(expected(items, "written"));
        assertThat(sink.rowsOverwritten).isZero();
        assertThat(deadLetterKeys()).hasSize(expected(items, "dead")).doesNotHaveDuplicates();
        assertThat(result.thisAttempt().get(USERS).read()).isEqualTo(items.size());
    }

    @Test
    void deadLetterLinesNameTheRecordFieldCodeAndReason() throws Exception {
        migration(source(), new MemorySink()).run();
        List<String> lines = Files.readAllLines(dir.resolve("dead-letter.ndjson"));
        var node = new ObjectMapper().readTree(lines.stream().filter(l -> l.contains("RECORD_INVALID_TEXT")).findFirst().orElseThrow());
        assertThat(node.get("entity").asText()).isEqualTo("users");
        assertThat(node.get("field").asText()).isEqualTo("name");
        assertThat(node.get("key").asText()).startsWith("u");
        assertThat(node.get("record").get("name").asText()).isEqualTo("bad\0text");
        var raw = new ObjectMapper().readTree(lines.stream().filter(l -> l.contains("RECORD_UNKNOWN_MARKER")).findFirst().orElseThrow());
        assertThat(raw.get("raw").asText()).isEqualTo("{\"broken\":");
    }

    @Test
    void aCrashThenARerunMovesEveryRecordExactlyOnce() throws Exception {
        for (int crashAt : new int[] {1, 5, 17, 30}) {
            MemorySink sink = new MemorySink();
            sink.failBeforeCommitAt = crashAt;
            sink.failure = ErrorCode.TARGET_WRITE_FAILED;
            Migration first = Migration.builder().source(source()).sink(sink).mapper(MAPPER).runId("run1")
                    .runDirectory(dir.resolve("c" + crashAt)).parallelism(2).batchSize(64).retry(Retry.NONE).build();
            assertThatThrownBy(first::run).isInstanceOf(CutoverException.class);

            MigrateResult second = Migration.builder().source(source()).sink(sink).mapper(MAPPER).runId("run1")
                    .runDirectory(dir.resolve("c" + crashAt)).parallelism(2).batchSize(64).build().run();
            List<RecordReader.Item> items = all();
            assertThat(second.totals().read()).as("crash at write %d", crashAt).isEqualTo(items.size());
            assertThat(second.totals().balanced()).isTrue();
            assertThat(sink.rows("users")).hasSize(expected(items, "written"));
            assertThat(sink.rowsOverwritten).as("no row written twice").isZero();
            // at the first write nothing may have committed yet (the other split is stopped before its first commit)
            if (crashAt > 1) assertThat(second.splitsResumed() + second.splitsAlreadyDone()).isPositive();
            // the progress bar goes on from what the crashed attempt settled, and ends at every record
            MigrationProgress.Snapshot users = second.thisAttempt().get(USERS);
            assertThat(users.settledBefore()).as("crash at write %d", crashAt).isEqualTo(second.totals().read() - users.read());
            assertThat(users.settledInAll()).isEqualTo(items.size());
            List<String> lines = Files.readAllLines(dir.resolve("c" + crashAt).resolve("dead-letter.ndjson"));
            Set<String> keys = new HashSet<>();
            for (String l : lines) keys.add(new ObjectMapper().readTree(l).get("key").asText());
            assertThat(lines).as("dead letters listed once each").hasSize(keys.size()).hasSize(expected(items, "dead"));
        }
    }

    @Test
    void aReaderCrashIsResumedToo() {
        MemorySink sink = new MemorySink();
        MemorySource source = source();
        source.failAfterItems.set(700);
        assertThatThrownBy(() -> migration(source, sink).run()).hasMessageContaining("simulated crash");
        MigrateResult result = migration(source(), sink).run();
        assertThat(result.totals().read()).isEqualTo(all().size());
        assertThat(sink.rowsOverwritten).isZero();
    }

    @Test
    void retriesATransientFailureAndNoticesACommitThatLandedBeforeTheConnectionDropped() {
        MemorySink sink = new MemorySink();
        sink.failBeforeCommitAt = 3;
        MigrateResult r1 = migration(source(), sink).run();
        assertThat(r1.totals().read()).isEqualTo(all().size());

        MemorySink sink2 = new MemorySink();
        sink2.failAfterCommitAt = 4;
        MigrateResult r2 = Migration.builder().source(source()).sink(sink2).mapper(MAPPER).runId("run1").runDirectory(dir.resolve("x"))
                .parallelism(1).batchSize(64).retry(new Retry(3, Duration.ofMillis(1), Duration.ofMillis(2))).build().run();
        assertThat(r2.totals().read()).isEqualTo(all().size());
        assertThat(r2.totals().balanced()).isTrue();
        assertThat(sink2.rowsOverwritten).as("the batch that committed before the drop is not sent again").isZero();
    }

    @Test
    void aTargetThatStaysDownEndsTheRunWithAClearError() {
        MemorySink sink = new MemorySink();
        sink.downAfterWrites = 4;
        assertThatThrownBy(() -> migration(source(), sink).run())
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE))
                .hasMessageContaining("gave up after 3 attempts").hasMessageContaining("run the same command again");
    }

    @Test
    void aFinishedRunRunAgainMovesNothing() {
        MemorySink sink = new MemorySink();
        migration(source(), sink).run();
        int writes = sink.writes.get();
        MigrateResult again = migration(source(), sink).run();
        assertThat(sink.writes.get()).isEqualTo(writes);
        assertThat(again.splitsAlreadyDone()).isEqualTo(3);
        assertThat(again.totals().read()).isEqualTo(all().size());
    }

    @Test
    void rowsTheTargetRefusesAreSetAsideAndTheRestOfTheirBatchWritten() throws Exception {
        MemorySink sink = new MemorySink();
        sink.refuses = r -> ((Value.Int64) r.get("n")).value() % 10 == 3; // a CHECK the sink's own check does not know
        MigrateResult result = migration(source(), sink).run();

        List<RecordReader.Item> items = all();
        long refused = items.stream().filter(i -> i instanceof RecordReader.Ok ok && expectedWritten(ok.record())
                && ((Value.Int64) ok.record().get("n")).value() % 10 == 3).count();
        assertThat(refused).isGreaterThan(100);
        assertThat(result.totals().written()).isEqualTo(expected(items, "written") - refused);
        assertThat(result.totals().deadLettered()).isEqualTo(expected(items, "dead") + refused);
        assertThat(result.totals().balanced()).isTrue();
        assertThat(sink.rows("users")).hasSize((int) (expected(items, "written") - refused))
                .noneMatch(r -> ((Value.Int64) r.get("n")).value() % 10 == 3);
        assertThat(deadLetterKeys()).hasSize((int) (expected(items, "dead") + refused)).doesNotHaveDuplicates();
        List<String> lines = Files.readAllLines(dir.resolve("dead-letter.ndjson"));
        assertThat(lines.stream().filter(l -> l.contains("RECORD_REJECTED_BY_TARGET"))).hasSize((int) refused)
                .allMatch(l -> l.contains("refused by the table's rule"));
    }

    @Test
    void aRefusedBatchWhoseRowsTheWriterCannotNameStopsTheRun() {
        MemorySink sink = new MemorySink() {
            @Override
            public cutover.connector.SinkWriter writer(String runId, String splitId, List<Table> defs) {
                cutover.connector.SinkWriter inner = super.writer(runId, splitId, defs);
                return new cutover.connector.SinkWriter() {
                    @Override public void write(List<Record> rows, Checkpoint checkpoint) { inner.write(rows, checkpoint); }
                    @Override public void close() { inner.close(); }
                };
            }
        };
        sink.refuses = r -> r.key().equals(Key.of("u500"));
        assertThatThrownBy(migration(new MemorySource().split("a", users(0, 1000)), sink)::run)
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TARGET_ROWS_REFUSED))
                .hasMessageContaining("u500");
    }

    private static boolean expectedWritten(Record r) {
        return !r.fields().containsKey("skip") && ((Value.Int64) r.get("n")).value() >= 0
                && !(r.get("name") instanceof Value.Text t && t.value().contains("\0"));
    }

    @Test
    void stopsWhenTooManyRecordsAreRejected() {
        MemorySource source = new MemorySource().split("a", users(0, 1000));
        Migration m = Migration.builder().source(source).sink(new MemorySink()).mapper(MAPPER).runId("r").runDirectory(dir)
                .batchSize(50).deadLetterLimit(new DeadLetterLimit(3, -1, 0)).build();
        assertThatThrownBy(m::run).isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEAD_LETTER_LIMIT));
    }

    @Test
    void aSourceThatChangedShapeIsRefusedOnResume() {
        MemorySink sink = new MemorySink();
        sink.failBeforeCommitAt = 2;
        sink.failure = ErrorCode.TARGET_AUTH;
        assertThatThrownBy(() -> migration(source(), sink).run()).isInstanceOf(CutoverException.class);
        MemorySource other = new MemorySource().split("z", users(0, 10));
        assertThatThrownBy(() -> migration(other, sink).run())
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CHANGED));
    }

    private List<String> deadLetterKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("dead-letter.ndjson"))) keys.add(new ObjectMapper().readTree(l).get("key").asText());
        return keys;
    }

    /**
     * A table dropped after its splits were done: run with readAgain, they are read again, and the
     * forgetting holds though the attempt fails before it writes (it is done before the table is made
     * again: found there next time, the table would not be told gone, and its splits would be skipped).
     */
    @Test
    void theSplitsOfATableDroppedAreReadAgainEvenAfterAnAttemptThatFailed() {
        MemorySink sink = new MemorySink();
        assertThat(migration(source(), sink).run().totals().balanced()).isTrue();
        int written = sink.rows("users").size();
        sink.tables.remove("users"); // dropped since

        MemorySink.Checkpoint any = sink.checkpoints("run1").values().iterator().next();
        assertThat(any.done()).isTrue();
        cutover.testing.ForwardingSink refusing = new cutover.testing.ForwardingSink(sink) {
            @Override
            public List<String> prepare(String runId, List<Table> tables, boolean create) {
                super.prepare(runId, tables, create); // made again, then refused for another reason (creating tables off, say)
                return List.of("not ready yet");
            }
        };
        Migration failing = Migration.builder().source(source()).sink(refusing).mapper(MAPPER).runId("run1").runDirectory(dir)
                .parallelism(2).batchSize(64).readAgain(Set.of(USERS)).build();
        assertThatThrownBy(failing::run).isInstanceOf(CutoverException.class).hasMessageContaining("not ready yet");

        // the next attempt finds the table there, and is not told to read it again: its checkpoints are gone all the same
        MigrateResult again = migration(source(), sink).run();
        assertThat(again.splitsAlreadyDone()).isZero();
        assertThat(sink.rows("users")).hasSize(written);
        assertThat(migration(source(), sink).run().splitsAlreadyDone()).as("then done again").isEqualTo(3);
    }
}
