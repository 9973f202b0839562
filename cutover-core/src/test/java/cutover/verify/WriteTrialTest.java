package cutover.verify;

import cutover.connector.SinkWriter;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dry run's trial over a target's rules as a writer reports them: a row refused outright is
 * refused; a row whose parent is not written yet is tried again, round after round while a round
 * writes any (a chain against the order of the rows settles, one link a round); those left refer to
 * nothing that comes. The changes file then lists each refused row once, as refused.
 */
class WriteTrialTest {
    @TempDir Path dir;

    private static final Table T = new Table("t", List.of(new Column("id", ColumnType.BIGINT, false), new Column("parent", ColumnType.BIGINT, true),
            new Column("v", ColumnType.BIGINT, false)), List.of("id"), List.of(), false);

    /** Refuses a negative v, and a parent not written before in the trial; keeps what it takes until closed. */
    private static final class Target implements SinkWriter.Trial {
        final Set<Long> written = new HashSet<>();
        boolean closed;
        int calls;

        @Override
        public Map<Integer, RecordError> refused(List<List<Record>> groups) {
            calls++;
            Map<Integer, RecordError> out = new LinkedHashMap<>();
            for (int g = 0; g < groups.size(); g++) {
                Record r = groups.get(g).get(0);
                long id = ((Value.Int64) r.get("id")).value();
                if (((Value.Int64) r.get("v")).value() < 0) out.put(g, RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, null, "check t_v"));
                else if (r.get("parent") instanceof Value.Int64 p && !written.contains(p.value())) {
                    out.put(g, RecordError.of(ErrorCode.RECORD_REFERENCE_MISSING, null, "no parent " + p.value()));
                } else written.add(id);
            }
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static Record row(long id, Long parent, long v) {
        Map<String, Value> fields = new LinkedHashMap<>();
        fields.put("id", Value.of(id));
        fields.put("parent", parent == null ? Value.NULL : Value.of(parent));
        fields.put("v", Value.of(v));
        return new Record(EntityName.of("t"), Key.of(Value.of(id)), fields);
    }

    @Test
    void refusedRowsAndRowsWhoseParentNothingBringsAreFoundAndListedOnce() throws Exception {
        Path changes = dir.resolve("changes.ndjson");
        List<String> lines = new ArrayList<>();
        Target target = new Target();
        long refused;
        try (WriteTrial trial = new WriteTrial(List.of(T), table -> "things", dir.resolve("trial"))) {
            // each row refers to the next (a chain against the order); 3 breaks the target's check, so 2 and 1 refer to nothing that comes
            for (long id = 1; id <= 6; id++) {
                Record r = row(id, id < 6 ? id + 1 : null, id == 3 ? -1 : id);
                trial.change(new Difference.Missing("t", r.key(), r), lines.size());
                lines.add("{\"table\":\"t\",\"key\":[" + id + "],\"kind\":\"missing\"}");
            }
            Files.write(changes, lines);
            refused = trial.run(target);
            trial.rewrite(changes);
            assertThat(trial.rows()).isEqualTo(6);
            assertThat(trial.refused("t")).containsExactly(3, 0);
        }
        assertThat(refused).isEqualTo(3);
        assertThat(target.written).containsExactlyInAnyOrder(4L, 5L, 6L);
        assertThat(target.closed).isTrue();
        List<String> after = Files.readAllLines(changes);
        assertThat(after.subList(0, 3)).containsExactly(lines.get(3), lines.get(4), lines.get(5));
        assertThat(after.subList(3, 6)).allSatisfy(l -> assertThat(l).contains("\"kind\":\"refused\"").contains("\"entity\":\"things\"")
                .contains("\"tried\":\"insert\""));
        assertThat(String.join("\n", after)).contains("\"key\":\"3\",\"kind\":\"refused\",\"reason\":\"check t_v\"")
                .contains("\"key\":\"2\",\"kind\":\"refused\",\"reason\":\"no parent 3\"").contains("\"key\":\"1\",\"kind\":\"refused\",\"reason\":\"no parent 2\"");
        assertThat(dir.resolve("trial")).doesNotExist();
    }

    /** A trial that fails (a lock, a privilege: no row's fault) counts none refused and leaves the changes file as it was. */
    @Test
    void aFailedTrialCountsNothing() throws Exception {
        try (WriteTrial trial = new WriteTrial(List.of(T), table -> null, dir.resolve("failing"))) {
            Record r = row(1, null, -1);
            trial.change(new Difference.Missing("t", r.key(), r), 0);
            SinkWriter.Trial failing = new SinkWriter.Trial() {
                @Override
                public Map<Integer, RecordError> refused(List<List<Record>> groups) {
                    throw new cutover.error.CutoverException(ErrorCode.TARGET_WRITE_FAILED, "lock timeout", null, false);
                }

                @Override
                public void close() {}
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> trial.run(failing)).hasMessageContaining("lock timeout");
            assertThat(trial.refused("t")).containsExactly(0, 0);
        }
    }
}
