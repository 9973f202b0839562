package cutover.analyze;

import cutover.connector.RecordReader;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Value;
import cutover.testing.MemorySource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static cutover.analyze.Docs.doc;
import static cutover.analyze.Docs.map;
import static cutover.analyze.Docs.ref;
import static cutover.analyze.Docs.unreadable;
import static org.assertj.core.api.Assertions.assertThat;

class SchemaReportTest {

    private static String report() {
        List<RecordReader.Item> items = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            items.add(doc("users/u" + i,
                    "name", i == 0 ? Value.NULL : Value.of("user " + i),
                    "age", i < 2 ? Value.of("thirty") : Value.of(20 + i),
                    "address", map("city", Value.of("Paris")),
                    "best.friend", ref("users/u" + (i + 1))));
        }
        items.add(doc("users/u0/posts/p1", "tag", ref("tags/t1"), "title", Value.of("a | b")));
        items.add(unreadable("users", "u99", ErrorCode.RECORD_UNKNOWN_MARKER, "unknown type marker __weird__"));
        AnalyzeResult result = new Analyzer(AnalyzeOptions.DEFAULTS).analyzeWithNotes("firestore-export:./dump.json",
                new MemorySource().split("s", items), AnalyzeListener.NONE);
        return SchemaReport.markdown(result);
    }

    @Test
    void summaryAndEntitySections() {
        String md = report();
        assertThat(md).startsWith("# Analysis of firestore-export:./dump.json\n\n"
                + "2 entities, 26 records (");
        assertThat(md).contains("1 field with mixed kinds, 1 dangling reference, 1 unreadable record.");
        assertThat(md).contains("## `users`\n\n- Records: 25 (");
        assertThat(md).contains("- Key: document path\n");
        assertThat(md).contains("- Subcollections: `users/*/posts`\n");
        assertThat(md).contains("## `users/*/posts`\n").contains("- Subcollection of: `users`\n");
    }

    @Test
    void fieldTableIsAlignedWithNestedFieldsUnderTheirParent() {
        String md = report();
        List<String> table = md.lines().dropWhile(l -> !l.startsWith("| Field ")).takeWhile(l -> l.startsWith("|")).toList();
        assertThat(table.get(0)).startsWith("| Field ").contains("| Kinds ").contains("| Present |").contains("| Conflict |");
        assertThat(table).extracting(String::length).as("aligned").containsOnly(table.get(0).length());
        assertThat(table.get(2)).startsWith("| name ").contains("| text 100% ").contains("|    100% |   4% |      0% |");
        assertThat(table.get(3)).startsWith("| age ").contains("int64 92%, text 8%").contains("| yes ");
        assertThat(table.get(4)).startsWith("| address ").contains("| map 100% ");
        assertThat(table.get(5)).startsWith("|   address.city ").contains("\"Paris\"");
        assertThat(table.get(6)).startsWith("| \"best.friend\" ");
        assertThat(md).contains("\"a \\| b\"");
    }

    @Test
    void conflictsReferencesAndUnreadable() {
        String md = report();
        assertThat(md).contains("## Conflicts\n\n- `users.age`: int64 92% / text 8%\n");
        assertThat(md).containsPattern("\\| users.\"best.friend\" +\\| users +\\| +25 \\| +1 \\|");
        assertThat(md).containsPattern("\\| users/\\*/posts.tag +\\| tags +\\| +1 \\| not in source \\|");
        assertThat(md).contains("## Unreadable records\n\n- `users`: 1 record\n  - u99: RECORD_UNKNOWN_MARKER, unknown type marker __weird__\n");
    }

    /** A NUL in a value or a name is written as JSON escapes it: raw, grep took the report for a binary file (acceptance run 24). */
    @Test
    void controlCharactersAreWrittenAsEscapes() {
        List<RecordReader.Item> items = List.of(doc("users/u1", "name", Value.of("nul\u0000here"), "bell\u0007field", Value.of(1)));
        String md = SchemaReport.markdown(new Analyzer(AnalyzeOptions.DEFAULTS).analyzeWithNotes("s", new MemorySource().split("s", items),
                AnalyzeListener.NONE));
        assertThat(md).doesNotContain("\u0000").doesNotContain("\u0007").contains("bell\\u0007field").contains("nul\\u0000here");
        assertThat(md.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    }

    @Test
    void aCleanSourceSaysSo() {
        Schema schema = new Schema("s", List.of(new EntitySchema(EntityName.of("t"), 0, 0, List.of("id"), List.of(), 0, List.of())));
        String md = SchemaReport.markdown(schema);
        assertThat(md).contains("1 entity, 0 records (0 B), 0 fields with mixed kinds").contains("- Key: id\n")
                .contains("No fields.").contains("None: every field holds one kind of value")
                .doesNotContain("## References").doesNotContain("## Unreadable");
    }

    @Test
    void unlistedPathsAreMentioned() {
        Schema schema = new Schema("s", List.of(new EntitySchema(EntityName.of("t"), 1, 10, List.of(), List.of(), 0, List.of(
                new FieldStats(List.of("a"), 1, Map.of(Value.Kind.INT64, 1L), 1, 1, 0, 0, List.of(), List.of("1"))))));
        String md = SchemaReport.markdown(new AnalyzeResult(schema, List.of(new EntityNotes(EntityName.of("t"), List.of(), 700, false)), 0, List.of()));
        assertThat(md).contains("700 more field paths not listed");
    }

    @Test
    void numbersForPeople() {
        assertThat(SchemaReport.percent(1, 1000)).isEqualTo("<1%");
        assertThat(SchemaReport.percent(999, 1000)).isEqualTo(">99%");
        assertThat(SchemaReport.percent(0, 1000)).isEqualTo("0%");
        assertThat(SchemaReport.percent(1, 3)).isEqualTo("33%");
        assertThat(SchemaReport.bytes(1023)).isEqualTo("1023 B");
        assertThat(SchemaReport.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(SchemaReport.bytes(5L << 30)).isEqualTo("5.0 GiB");
        assertThat(SchemaReport.count(1234567)).isEqualTo("1,234,567");
    }
}
