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

    private static final String BY_EMAIL = """
            version: 1
            source: memory:test
            target: memory:test
            entities:
              - source: users
                table: users
                key: [email]
                columns:
                  - name: email
                    from: email
                    type: text
                    transform: lowercase
                  - name: name
                    from: name
                    type: text
            """;

    /**
     * Records the plan maps onto one key are not merged into one row: the first keeps it, the later
     * ones are set aside naming it, within a batch, across batches, and across splits.
     */
    @Test
    void recordsMappedOntoOneKeyAreSetAsideNotMerged() throws Exception {
        // batches of 4: u1 and u3 share a batch, u1 and u7 do not; split b holds another A@X
        List<RecordReader.Item> a = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String email = switch (i) { case 1, 3 -> i == 1 ? "A@x.com" : "a@x.com"; case 7 -> "A@X.COM"; default -> "user" + i + "@x.com"; };
            a.add(ok(user("u" + i, email)));
        }
        MemorySource source = new MemorySource().split("a", a).split("b", List.of(ok(user("v1", "a@X.com")), ok(user("v2", "v2@x.com"))));
        MemorySink sink = new MemorySink();
        PlanMapper mapper = PlanMapper.of(PlanFile.parse(BY_EMAIL, "plan.yaml").plan());

        MigrateResult result = Migration.builder().source(source).sink(sink).mapper(mapper).runId("r1")
                .runDirectory(dir).parallelism(2).batchSize(4).build().run();

        assertThat(result.totals()).isEqualTo(new MigrateResult.Totals(14, 11, 3, 0));
        assertThat(sink.rows("users")).hasSize(11).filteredOn(r -> r.key().equals(Key.of("a@x.com"))).hasSize(1);
        assertThat(sink.rowsOverwritten).isZero();
        List<String> lines = Files.readAllLines(result.deadLetterFile());
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).contains("RECORD_DUPLICATE_KEY")
                .contains("the plan maps it onto key (a@x.com) of table users, as it does users "));
        // within split a, the first record keeps its key (which of u1 and v1 is first depends on the splits' pace)
        assertThat(String.join("\n", lines)).contains("\"key\":\"u3\"").contains("\"key\":\"u7\"");
        assertThat(sink.claims).doesNotContainKey("r1"); // forgotten once the run finished
    }

    /** A record the target refuses does not keep its key from a later record of its batch that the target takes. */
    @Test
    void aKeyGoesToTheFirstRecordTheTargetTakes() throws Exception {
        MemorySource source = new MemorySource().split("a", List.of(ok(user("u1", "one@x.com")), ok(user("u5", "C@x.com")),
                ok(user("u6", "c@x.com")), ok(user("u7", "C@X.com"))));
        MemorySink sink = new MemorySink();
        sink.refuses = r -> r.get("name").equals(Value.of("name of u5")); // a rule of the target's own
        sink.hasRules = true;
        PlanMapper mapper = PlanMapper.of(PlanFile.parse(BY_EMAIL, "plan.yaml").plan());

        MigrateResult result = Migration.builder().source(source).sink(sink).mapper(mapper).runId("r1").runDirectory(dir).batchSize(10).build().run();

        assertThat(result.totals()).isEqualTo(new MigrateResult.Totals(4, 2, 2, 0));
        assertThat(sink.rows("users")).extracting(r -> r.get("name")).containsExactlyInAnyOrder(Value.of("name of u1"), Value.of("name of u6"));
        List<String> lines = Files.readAllLines(result.deadLetterFile());
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"key\":\"u5\"").contains("RECORD_REJECTED_BY_TARGET"))
                .anySatisfy(l -> assertThat(l).contains("\"key\":\"u7\"").contains("RECORD_DUPLICATE_KEY").contains("as it does users u6"));
    }

    /** A stopped run's claims stay: once resumed, a record mapped onto a key written before the stop is set aside. */
    @Test
    void aResumedRunStillKnowsTheKeysWrittenBefore() throws Exception {
        List<RecordReader.Item> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) items.add(ok(user("u" + i, "User" + i + "@x.com")));
        items.add(ok(user("late", "user3@X.com")));
        MemorySource source = new MemorySource().split("a", items);
        MemorySink sink = new MemorySink();
        sink.failAfterCommitAt = 2; // the second batch commits, then the run stops
        sink.failure = cutover.error.ErrorCode.TARGET_AUTH; // not retried
        PlanMapper mapper = PlanMapper.of(PlanFile.parse(BY_EMAIL, "plan.yaml").plan());
        Migration.Builder run = Migration.builder().source(source).sink(sink).mapper(mapper).runId("r1").runDirectory(dir).batchSize(4);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.build().run()).isInstanceOf(cutover.error.CutoverException.class);
        assertThat(sink.claims.get("r1")).hasSize(8);
        sink.failAfterCommitAt = 0;
        MigrateResult result = run.build().run();

        assertThat(result.totals()).isEqualTo(new MigrateResult.Totals(21, 20, 1, 0));
        assertThat(sink.rows("users")).hasSize(20);
        assertThat(sink.rowsOverwritten).isZero();
        assertThat(Files.readAllLines(result.deadLetterFile())).singleElement().asString().contains("\"key\":\"late\"")
                .contains("as it does users u3 (a), which this run wrote first");
    }

    private static Record user(String id, String email) {
        return new Record(EntityName.of("users"), Key.of(id), Map.of("email", Value.of(email), "name", Value.of("name of " + id)));
    }

    private static RecordReader.Item ok(Record r) { return new RecordReader.Ok(r); }
}
