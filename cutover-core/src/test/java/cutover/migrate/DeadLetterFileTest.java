package cutover.migrate;

import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterFileTest {
    @TempDir Path dir;

    private static DeadLetterFile.Entry entry(String split, long ordinal, ErrorCode code, boolean asRead) {
        Record r = new Record(EntityName.of("users"), Key.of("u" + ordinal), Map.of("email", Value.of("a@x.com")));
        return new DeadLetterFile.Entry(split, ordinal, "users", "u" + ordinal, RecordError.of(code, null, "why " + ordinal),
                asRead ? r : null, asRead ? null : "{\"raw\": " + ordinal + "}");
    }

    /** A batch sent again (a foreign key made its split wait) lists its dead letters once; a resumed run drops the uncommitted ones. */
    @Test
    void listsEachRecordOnceAndDropsWhatDidNotCommit() throws Exception {
        Path file = dir.resolve("dead-letter.ndjson");
        try (DeadLetterFile f = DeadLetterFile.open(file, Map.of())) {
            List<DeadLetterFile.Entry> batch = List.of(entry("a", 1, ErrorCode.RECORD_TYPE_MISMATCH, true), entry("a", 2, ErrorCode.RECORD_TYPE_MISMATCH, true));
            f.append(batch);
            f.append(batch); // sent again before it committed
            f.committed("a", 3);
            f.append(List.of(entry("a", 3, ErrorCode.RECORD_TYPE_MISMATCH, true), entry("b", 1, ErrorCode.RECORD_TYPE_MISMATCH, true)));
            f.append(List.of(entry("a", 3, ErrorCode.RECORD_TYPE_MISMATCH, true)));
        }
        assertThat(Files.readAllLines(file)).hasSize(4);
        // a crash before split a's third record committed: its line goes, split b's (committed past it) stays
        try (DeadLetterFile f = DeadLetterFile.open(file, Map.of("a", 3L, "b", 2L))) {
            assertThat(f.path()).isEqualTo(file);
        }
        assertThat(Files.readAllLines(file)).hasSize(3).noneMatch(l -> l.contains("\"split\":\"a\",\"ordinal\":3"));
    }

    /** Verify leaves out what the run set aside after mapping: the target's refusals and keys another record kept, not a second copy in the source. */
    @Test
    void tellsTheRecordsSetAsideAfterMapping() throws Exception {
        Path file = dir.resolve("dead-letter.ndjson");
        try (DeadLetterFile f = DeadLetterFile.open(file, Map.of())) {
            f.append(List.of(entry("a", 1, ErrorCode.RECORD_REJECTED_BY_TARGET, true), entry("a", 2, ErrorCode.RECORD_DUPLICATE_KEY, true),
                    entry("a", 3, ErrorCode.RECORD_DUPLICATE_KEY, false), entry("a", 4, ErrorCode.RECORD_TYPE_MISMATCH, true)));
        }
        assertThat(DeadLetterFile.setAsideAfterMapping(file))
                .containsExactlyInAnyOrder(DeadLetterFile.recordName("users", "u1"), DeadLetterFile.recordName("users", "u2"));
    }
}
