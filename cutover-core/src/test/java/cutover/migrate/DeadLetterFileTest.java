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

    /** Parked records come back as they were read, and a resumed run knows how many each split has. */
    /** A field holding the JSON document null is named apart from one holding SQL NULL: JSON writes both as null. */
    @Test
    void aJsonNullIsToldFromSqlNull() throws Exception {
        Path file = dir.resolve("nulls.ndjson");
        Record r = new Record(EntityName.of("t"), Key.of(Value.of(1L)), Map.of("doc", Value.JSON_NULL, "note", Value.NULL));
        try (DeadLetterFile f = DeadLetterFile.open(file, Map.of())) {
            f.append(List.of(new DeadLetterFile.Entry("a", 1, "t", "1", RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, null, "no"), r, null)));
        }
        com.fasterxml.jackson.databind.JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertThat(line.get("record").get("doc").isNull()).isTrue();
        assertThat(line.get("record").get("note").isNull()).isTrue();
        assertThat(line.get("jsonNulls").toString()).isEqualTo("[\"doc\"]");
    }

    @Test
    void parkedRecordsReadBackWholeAndAreCountedBySplit() throws Exception {
        Path file = dir.resolve(ParkedRecords.FILE);
        Record odd = new Record(EntityName.of("users"), Key.of(Value.of(7L)), Map.of("at", Value.of(java.time.Instant.parse("2024-01-01T00:00:00.123456789Z")),
                "tags", new Value.Array(List.of(Value.of("a"), Value.NULL)), "n", Value.of(new java.math.BigDecimal("1.50"))))
                .withAsWritten(new cutover.model.RowText("postgresql/copy-text/1", List.of("id", "at"), "7\t2024-01-01 00:00:00.123456+00".getBytes()));
        DeadLetterFile.Entry parked = new DeadLetterFile.Entry("a", 4, "users", "[7]", RecordError.of(ErrorCode.RECORD_REFERENCE_MISSING, null, "no parent"), odd, null);
        try (DeadLetterFile f = DeadLetterFile.openKeepingRecords(file, Map.of())) {
            f.append(List.of(entry("a", 1, ErrorCode.RECORD_REFERENCE_MISSING, true), parked, entry("b", 9, ErrorCode.RECORD_REFERENCE_MISSING, true)));
            assertThat(f.listed("a")).isEqualTo(2);
        }
        List<DeadLetterFile.Entry> back = new java.util.ArrayList<>();
        DeadLetterFile.records(file, back::add);
        assertThat(back).extracting(DeadLetterFile.Entry::ordinal).containsExactly(1L, 4L, 9L);
        assertThat(back.get(1).record()).isEqualTo(odd);
        assertThat(back.get(1).record().asWritten()).as("a parked record keeps the line it was read from").isEqualTo(odd.asWritten());
        assertThat(back.get(0).record().asWritten()).isNull();
        assertThat(back.get(1).error().code()).isEqualTo(ErrorCode.RECORD_REFERENCE_MISSING);
        // read in parts, from where each part's lines begin
        List<Long> parts = DeadLetterFile.lineOffsets(file, 2);
        assertThat(parts).hasSize(2).first().isEqualTo(0L);
        List<Long> second = new java.util.ArrayList<>();
        DeadLetterFile.records(file, parts.get(1), 2, e -> second.add(e.ordinal()));
        assertThat(second).containsExactly(9L);
        List<Long> first = new java.util.ArrayList<>();
        DeadLetterFile.records(file, parts.get(0), 2, e -> first.add(e.ordinal()));
        assertThat(first).containsExactly(1L, 4L);
        // split b's batch did not commit: a resumed run drops it, and counts split a's two
        try (DeadLetterFile f = DeadLetterFile.openKeepingRecords(file, Map.of("a", 5L, "b", 9L))) {
            assertThat(f.listed("a")).isEqualTo(2);
            assertThat(f.listed("b")).isZero();
        }
    }

    /**
     * Settling parked records commits in the target, then moves the dead-letter file made beside the
     * old one into place: a crash between the two finishes the move on resume; a crash before the
     * commit leaves a file that is dropped, and the parked records are settled again.
     */
    @Test
    void settlingParkedRecordsIsFinishedOrForgottenAfterACrash() throws Exception {
        Path deadLetters = dir.resolve("dead-letter.ndjson");
        Path next = dir.resolve("dead-letter.ndjson.next");
        Path parked = dir.resolve(ParkedRecords.FILE);
        Files.writeString(deadLetters, "old\n");
        Files.writeString(next, "old\nsettled\n");
        Files.writeString(parked, "parked\n");
        cutover.connector.Sink.Checkpoint notDone = new cutover.connector.Sink.Checkpoint(new cutover.connector.Position(3, ""), 0, 3, -3, 0, false);
        ParkedRecords.recover(dir, deadLetters, notDone);
        assertThat(next).doesNotExist();
        assertThat(Files.readString(deadLetters)).isEqualTo("old\n");
        assertThat(ParkedRecords.any(dir)).isTrue();

        Files.writeString(next, "old\nsettled\n");
        cutover.connector.Sink.Checkpoint done = new cutover.connector.Sink.Checkpoint(new cutover.connector.Position(3, ""), 0, 3, -3, 0, true);
        ParkedRecords.recover(dir, deadLetters, done);
        assertThat(next).doesNotExist();
        assertThat(Files.readString(deadLetters)).isEqualTo("old\nsettled\n");
        assertThat(ParkedRecords.any(dir)).isFalse();
    }
}
