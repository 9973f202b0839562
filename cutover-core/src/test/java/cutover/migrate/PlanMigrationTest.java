package cutover.migrate;

import cutover.connector.RecordReader;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.plan.PlanFile;
import cutover.plan.PlanMapper;
import cutover.testing.MemorySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A plan file driving the real pipeline: rows land in their tables, misfits in the dead-letter file, skips counted. */
class PlanMigrationTest {
    private static final String PLAN = """
            version: 1
            source: memory:test
            target: memory:test
            entities:
              - source: users
                table: users
                key: [id]
                onConflict: dead-letter
                columns:
                  - name: age
                    from: age
                    type: bigint
                  - name: tags
                    from: tags
                    type: text
                    arrays: child_table
              - source: users/*/posts
                table: posts
                key: [user_id, id]
                foreignKeys:
                  - columns: [user_id]
                    references: users
                columns:
                  - name: title
                    from: title
                    type: text
                    nullable: false
              - source: logs
                table: logs
                skip: true
                key: [id]
            """;

    @TempDir Path dir;

    @Test
    void migratesThroughAPlan() throws Exception {
        List<RecordReader.Item> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Value age = i == 7 ? Value.of("seven") : Value.of((long) i);
            items.add(ok(new Record(EntityName.of("users"), Key.of("u" + i), Map.of("age", age,
                    "tags", new Value.Array(List.of(Value.of("a"), Value.of("b")))))));
            items.add(ok(new Record(EntityName.of("users/*/posts"), Key.of("u" + i, "p" + i),
                    i == 9 ? Map.of() : Map.of("title", Value.of("post " + i)))));
        }
        items.add(ok(new Record(EntityName.of("logs"), Key.of("l1"), Map.of())));
        MemorySource source = new MemorySource().split("a", items.subList(0, 60)).split("b", items.subList(60, items.size()));
        MemorySink sink = new MemorySink();
        PlanMapper mapper = PlanMapper.of(PlanFile.parse(PLAN, "plan.yaml").plan());

        MigrateResult result = Migration.builder().source(source).sink(sink).mapper(mapper).runId("r1")
                .runDirectory(dir).parallelism(2).batchSize(7).build().run();

        assertThat(result.totals()).isEqualTo(new MigrateResult.Totals(101, 98, 2, 1));
        assertThat(sink.rows("users")).hasSize(49);
        assertThat(sink.rows("users_tags")).hasSize(98);
        assertThat(sink.rows("posts")).hasSize(49);
        assertThat(sink.rows("posts").get(0).fields()).containsEntry("user_id", Value.of("u0")).containsEntry("id", Value.of("p0"));
        String deadLetters = Files.readString(result.deadLetterFile());
        assertThat(deadLetters).contains("RECORD_TYPE_MISMATCH").contains("found text \\\"seven\\\", expected bigint (rule dead-letter)")
                .contains("RECORD_MISSING_REQUIRED").contains("field title is missing");
    }

    private static RecordReader.Item ok(Record r) { return new RecordReader.Ok(r); }
}
