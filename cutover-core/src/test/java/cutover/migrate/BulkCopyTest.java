package cutover.migrate;

import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextSink;
import cutover.connector.CopyTextSource;
import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.SinkWriter;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.plan.PlanFile;
import cutover.plan.PlanMapper;
import cutover.testing.ForwardingSink;
import cutover.testing.MemorySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Splits that both ends can move as bulk text go as one load each, counted like records; a load the
 * sink refuses leaves nothing and the split goes record by record, with a warning; a plan that
 * computes anything, or a sink that declines, keeps the record path.
 */
class BulkCopyTest {
    static final EntityName USERS = EntityName.of("users");
    static final CopyShape SHAPE = new CopyShape("test/lines/1", List.of(new CopyColumn("id", "int"), new CopyColumn("name", "text")));
    static final String PLAN = """
            version: 1
            source: memory:test
            target: memory:test
            entities:
              - source: users
                table: users
                key: [id]
                columns:
                  - name: id
                    from: id
                    type: bigint
                  - name: name
                    from: name
                    type: %s
            """;

    @TempDir Path dir;

    /** Two splits of users, as records and as "id TAB name" lines. */
    static final class LinesSource implements CopyTextSource {
        final MemorySource records = new MemorySource();
        final Map<String, List<Record>> bySplit = new LinkedHashMap<>();

        LinesSource() {
            for (String split : List.of("a", "b")) {
                List<Record> rows = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    long id = split.equals("a") ? i : 100 + i;
                    rows.add(new Record(USERS, Key.of(Value.of(id)), Map.of("id", Value.of(id), "name", Value.of("user " + id))));
                }
                bySplit.put(split, rows);
                records.split(split, rows.stream().map(r -> (RecordReader.Item) new RecordReader.Ok(r)).toList());
            }
        }

        @Override public List<EntityInfo> entities() { return List.of(new EntityInfo(USERS, 200, -1, List.of("id"))); }

        @Override
        public List<Split> splits(int parallelism) {
            return bySplit.keySet().stream().map(id -> new Split(id, Set.of(USERS), 100, "users " + id)).toList();
        }

        @Override public RecordReader read(Split split, Position from) { return records.read(split, from); }
        @Override public Optional<CopyShape> copyShape(EntityName entity) { return Optional.of(SHAPE); }

        @Override
        public long copyOut(Split split, OutputStream out) {
            try {
                for (Record r : bySplit.get(split.id())) out.write((r.get("id") + "\t" + ((Value.Text) r.get("name")).value() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bySplit.get(split.id()).size();
        }
    }

    /** A memory sink that takes lines when told to, loading them through a writer as one batch (one transaction). */
    static final class LinesSink extends ForwardingSink implements CopyTextSink {
        final MemorySink memory;
        boolean takes = true;
        boolean refuses;
        boolean unreachable;
        final AtomicInteger loads = new AtomicInteger();

        LinesSink() { this(new MemorySink()); }

        private LinesSink(MemorySink memory) {
            super(memory);
            this.memory = memory;
        }

        @Override
        public boolean takesCopy(String runId, Table table, CopyShape shape) {
            if (unreachable) throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "connection refused");
            return takes && shape.equals(SHAPE);
        }

        @Override
        public long copyIn(String runId, String splitId, Table table, List<CopyColumn> columns, RowWriter rows, LongFunction<Checkpoint> checkpoint) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            long n = rows.writeTo(text);
            if (refuses && splitId.equals("a")) throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "null value in column \"name\" violates not-null constraint");
            if (refuses) throw new UncheckedIOException(new IOException("connection reset while sending the rows"));
            List<Record> loaded = new ArrayList<>();
            for (String line : text.toString(StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split("\t");
                loaded.add(new Record(EntityName.of(table.name()), Key.of(Value.of(Long.parseLong(f[0]))),
                        Map.of("id", Value.of(Long.parseLong(f[0])), "name", Value.of(f[1]))));
            }
            try (SinkWriter w = memory.writer(runId, splitId, List.of(table))) {
                w.write(loaded, checkpoint.apply(n));
            }
            loads.incrementAndGet();
            return n;
        }
    }

    private MigrateResult migrate(LinesSource source, LinesSink sink, String nameType) {
        PlanMapper mapper = PlanMapper.of(PlanFile.parse(PLAN.formatted(nameType), "plan.yaml").plan());
        return Migration.builder().source(source).sink(sink).mapper(mapper).runId("r1").runDirectory(dir).parallelism(2).batchSize(30).build().run();
    }

    @Test
    void splitsBothEndsCanMoveAsTextGoAsOneLoadEach() {
        LinesSource source = new LinesSource();
        LinesSink sink = new LinesSink();
        MigrateResult result = migrate(source, sink, "text");
        assertThat(result.splitsCopiedAsText()).isEqualTo(2);
        assertThat(sink.loads).hasValue(2);
        assertThat(result.totals()).isEqualTo(new MigrateResult.Totals(200, 200, 0, 0));
        assertThat(result.thisAttempt().get(USERS).written()).isEqualTo(200);
        assertThat(result.warnings()).isEmpty();
        assertThat(sink.memory.rows("users")).hasSize(200);
        assertThat(sink.memory.checkpoints("r1")).allSatisfy((split, c) -> assertThat(c.done()).isTrue());

        // a second run of the same id finds every split done
        MigrateResult again = migrate(source, sink, "text");
        assertThat(again.splitsAlreadyDone()).isEqualTo(2);
        assertThat(sink.loads).hasValue(2);
    }

    @Test
    void aLoadTheSinkRefusesLeavesNothingAndTheSplitGoesRecordByRecord() {
        LinesSource source = new LinesSource();
        LinesSink sink = new LinesSink();
        sink.refuses = true;
        MigrateResult result = migrate(source, sink, "text");
        assertThat(result.splitsCopiedAsText()).isZero();
        assertThat(result.totals()).isEqualTo(new MigrateResult.Totals(200, 200, 0, 0));
        assertThat(result.thisAttempt().get(USERS).read()).as("progress shown for the failed load is taken back").isEqualTo(200);
        assertThat(result.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("record by record"))
                .anySatisfy(w -> assertThat(w).contains("not-null constraint")).anySatisfy(w -> assertThat(w).contains("connection reset"));
        assertThat(sink.memory.rows("users")).hasSize(200);
    }

    /** A sink that fails while asked whether it takes the text fails the run: the split is not passed over as if moved. */
    @Test
    void aSinkThatFailsWhileAskedFailsTheRun() {
        LinesSink sink = new LinesSink();
        sink.unreachable = true;
        assertThatThrownBy(() -> migrate(new LinesSource(), sink, "text")).isInstanceOf(CutoverException.class).hasMessageContaining("connection refused");
        assertThat(sink.memory.rows("users")).isEmpty();
    }

    /**
     * A table without a key (made as its source defined it) takes its rows only whole: where the sink
     * declines the text, or refuses a load, the run stops naming the table, with nothing written,
     * since records would have nothing to resume or upsert by.
     */
    @Test
    void aTableWithoutAKeyTakesItsRowsWholeOrTheRunStops() {
        PlanMapper keyless = PlanMapper.of(PlanFile.parse(PLAN.formatted("text").replace("key: [id]", "key: []"), "plan.yaml").plan(),
                Map.of("users", new cutover.model.NativeDefinition("test/table/1", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode())));
        assertThat(keyless.tableWithoutKey(USERS)).hasValueSatisfying(t -> assertThat(t.primaryKey()).isEmpty());

        LinesSink taking = new LinesSink();
        MigrateResult whole = Migration.builder().source(new LinesSource()).sink(taking).mapper(keyless).runId("k1").runDirectory(dir.resolve("k1"))
                .parallelism(2).build().run();
        assertThat(whole.splitsCopiedAsText()).isEqualTo(2);
        assertThat(taking.memory.rows("users")).hasSize(200);

        LinesSink declining = new LinesSink();
        declining.takes = false;
        assertThatThrownBy(() -> Migration.builder().source(new LinesSource()).sink(declining).mapper(keyless).runId("k2").runDirectory(dir.resolve("k2"))
                .parallelism(2).build().run())
                .isInstanceOf(CutoverException.class).hasMessageContaining("table users has no primary key").hasMessageContaining("only be loaded whole");
        assertThat(declining.memory.rows("users")).isEmpty();

        LinesSink refusing = new LinesSink();
        refusing.refuses = true;
        assertThatThrownBy(() -> Migration.builder().source(new LinesSource()).sink(refusing).mapper(keyless).runId("k3").runDirectory(dir.resolve("k3"))
                .parallelism(1).build().run())
                .isInstanceOf(CutoverException.class).hasMessageContaining("a table without a primary key, which only takes its rows whole");
        assertThat(refusing.memory.rows("users")).isEmpty();

        // without a definition, the table goes whole or not at all too (a migration gives it the source's definition)
        RowMapper undefined = PlanMapper.of(PlanFile.parse(PLAN.formatted("text").replace("key: [id]", "key: []"), "plan.yaml").plan());
        assertThat(undefined.tableWithoutKey(USERS)).isPresent();
    }

    @Test
    void aPlanThatConvertsOrASinkThatDeclinesKeepsTheRecordPath() {
        LinesSink declining = new LinesSink();
        declining.takes = false;
        assertThat(migrate(new LinesSource(), declining, "text").splitsCopiedAsText()).isZero();
        assertThat(declining.memory.rows("users")).hasSize(200);

        // the same shape, but the plan computes a column the source does not have
        PlanMapper computing = PlanMapper.of(PlanFile.parse(PLAN.formatted("text")
                + "      - name: signup\n        from: signup\n        type: text\n        default: \"never\"\n", "plan.yaml").plan());
        assertThat(computing.copiesAsIs(USERS, SHAPE.columnNames())).isEmpty();
        assertThat(PlanMapper.of(PlanFile.parse(PLAN.formatted("text"), "plan.yaml").plan()).copiesAsIs(USERS, SHAPE.columnNames())).isPresent();
        assertThat(PlanMapper.of(PlanFile.parse(PLAN.formatted("text"), "plan.yaml").plan()).copiesAsIs(USERS, List.of("id"))).isEmpty();
    }
}
