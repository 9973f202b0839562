package cutover.plan;

import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanCheckerTest {
    /** A plan as someone might leave it after editing by hand; the line numbers matter. */
    private static final String EDITED = """
            version: 1
            source: firestore-export:./export.json
            target: postgresql://localhost/app
            options:
              batchSize: 0
              deadLetterLimit: lots
            supabase: true
            rowLevelSecurity: true
            entities:
              - source: users
                table: users
                key: [id]
                rowLevelSecurity: false
                columns:
                  - name: age
                    from: age
                    type: int
                  - name: email
                    from: mail
                    type: text
                    transform: lowercase
                  - name: email
                    from: email
                    type: text
                  - name: created
                    from: createdAt
                    type: bigint
                    transform: epoch_seconds_to_timestamptz
                  - name: tags
                    from: tags
                    type: text
                    nulable: true
              - source: orders
                table: orders
                key: []
                onConflict: maybe
                columns:
                  - name: user
                    from: user
                    type: text
                    references: customers
              - source: carts
                table: users
                key: [id]
                columns: []
              - source: posts/*/comments
                table: comments
                key: [a, b, c]
                foreignKeys:
                  - columns: [a]
                    references: posts
                columns:
                  - name: text
                    from: text
                    type: text
            """;

    private static final TargetInfo SUPABASE = new TargetInfo("PostgreSQL", "16", "public",
            Map.of("public.users", Set.of("id", "age")), true);

    @Test
    void everyProblemAtItsLine() {
        List<PlanProblem> problems = PlanChecker.check(PlanFile.parse(EDITED, "plan.yaml"), SampleSchema.flutterFlow(), SUPABASE);
        assertThat(problems).extracting(PlanProblem::toString).containsExactly(
                "plan.yaml:5: batchSize must be at least 1, found 0",
                "plan.yaml:6: deadLetterLimit must be a percentage between 0% and 100% (\"1%\"), a count of records (\"100\") or \"none\", found \"lots\"",
                "plan.yaml:11: table users already exists in the target without the columns email, created, tags; add them to the table, or map to another table name",
                "plan.yaml:13: warning: entity users: table users will have no row level security on a Supabase target: anyone with the anon key can read and write it over the HTTP API",
                "plan.yaml:17: entity users column age: unknown type \"int\"; the types are " + PlanTypes.names(),
                "plan.yaml:19: entity users column email: unknown source field mail; users has displayName, age, email, createdAt, tags, address, location, id",
                "plan.yaml:22: entity users column email: the name is used twice in table users",
                "plan.yaml:28: entity users column created: transform epoch_seconds_to_timestamptz makes values for a timestamptz column, not bigint",
                "plan.yaml:32: unknown key \"nulable\" at /entities/0/columns/4; see docs/plan-format.md for the keys",
                "plan.yaml:35: entity orders: key columns missing: give the primary key (key: [id])",
                "plan.yaml:36: entity orders: unknown onConflict rule \"maybe\"; the rules are coerce, widen, dead-letter",
                "plan.yaml:41: entity orders column user: references refers to table customers, which is not in the plan; the tables are comments, orders, users",
                "plan.yaml:42: entity carts is not in the source; it has: users, posts/*/comments, posts, videos, videos/*/comments, orders",
                "plan.yaml:43: table users of carts is already the table of users",
                "plan.yaml:48: entity posts/*/comments: key columns [a, b, c] are not under columns, so they take the record's key, which has only 2 parts; define the others under columns or remove them",
                "plan.yaml:51: entity posts/*/comments: foreign key [a] refers to table posts, which is not in the plan; the tables are comments, orders, users");
        assertThat(problems.get(3).severity()).isEqualTo(PlanProblem.Severity.WARNING);
        assertThat(problems.get(0).isError()).isTrue();
    }

    @Test
    void withoutSchemaOrTargetOnlyThePlanItselfIsChecked() {
        List<PlanProblem> problems = PlanChecker.check(PlanFile.parse(EDITED, "plan.yaml"), null, null);
        assertThat(problems).extracting(PlanProblem::line).doesNotContain(11, 19, 42);
        // the plan itself says supabase: true
        assertThat(problems).extracting(PlanProblem::line).contains(5, 13, 17, 22, 28, 32, 35, 36, 41, 43, 48, 51);
    }

    /** A subcollection keyed by its own id alone: two users' post p1 would share a key, which the check says before migrate sets one aside. */
    @Test
    void warnsOfASubcollectionKeyedByFewerIdsThanItsPath() {
        String text = """
                version: 1
                source: s
                target: t
                entities:
                  - source: users/*/posts
                    table: posts
                    key: [id]
                    columns:
                      - name: title
                        from: title
                        type: text
                  - source: users/*/likes
                    table: likes
                    key: [user_id, id]
                    columns:
                      - name: at
                        from: at
                        type: text
                """;
        List<PlanProblem> problems = PlanChecker.check(PlanFile.parse(text, "plan.yaml"), null, null);
        assertThat(problems).extracting(PlanProblem::toString).containsExactly("plan.yaml:7: warning: entity users/*/posts: the key takes the last 1"
                + " of the 2 ids of a document's path: documents under different parents with the same id get one key, the later is set aside"
                + " (RECORD_DUPLICATE_KEY), and rows of its subcollections may attach to the one kept");
    }

    @Test
    void warnsAboutValuesThatWillBeSetAside() {
        String text = """
                version: 1
                source: s
                target: t
                entities:
                  - source: users
                    table: users
                    key: [id]
                    onConflict: dead-letter
                    columns:
                      - name: age
                        from: age
                        type: bigint
                      - name: email
                        from: email
                        type: text
                        nullable: false
                      - name: score
                        from: age
                        type: bigint
                        default: high
                """;
        List<PlanProblem> problems = PlanChecker.check(PlanFile.parse(text, "p.yaml"), SampleSchema.flutterFlow(), null);
        assertThat(problems).extracting(PlanProblem::toString).containsExactly(
                "p.yaml:12: warning: entity users column age: 8 values (text) do not fit type bigint under rule dead-letter: their records will go to the dead-letter file",
                "p.yaml:16: warning: entity users column email: 5 of 100 records lack a value for email and the column is not nullable and has no default: they will go to the dead-letter file",
                "p.yaml:19: warning: entity users column score: 8 values (text) do not fit type bigint under rule dead-letter: their records will go to the dead-letter file",
                "p.yaml:20: entity users column score: default \"high\" is not a bigint");
    }

    /** An integer beyond 2^53 into a double: the migration sets its record aside (a double would round it), and plan check says so first. */
    @Test
    void warnsOfIntegersADoubleDoesNotHoldExactly() {
        String text = """
                version: 1
                source: s
                target: t
                entities:
                  - source: games
                    table: games
                    key: [id]
                    columns:
                      - name: score
                        from: score
                        type: double
                """;
        var score = new cutover.analyze.FieldStats(List.of("score"), 3, Map.of(cutover.model.Value.Kind.INT64, 2L, cutover.model.Value.Kind.FLOAT64, 1L),
                1, (1L << 53) + 1, 0, 0, List.of(), List.of());
        var schema = new cutover.analyze.Schema("x", List.of(SampleSchema.documents("games", 3, score)));
        assertThat(PlanChecker.check(PlanFile.parse(text, "p.yaml"), schema, null)).extracting(PlanProblem::toString).containsExactly(
                "p.yaml:11: warning: entity games column score: integers between 1 and 9007199254740993 do not all fit type double exactly"
                        + " (it holds every integer only up to 2^53): the records of those beyond go to the dead-letter file; numeric holds them");
    }

    @Test
    void aGeneratedPlanForSupabaseChecksClean() {
        Plan plan = PlanGenerator.generate(SampleSchema.flutterFlow(), "s", "t",
                new TargetInfo("PostgreSQL", "16", "public", Map.of(), true));
        PlanFile file = PlanFile.parse(PlanFile.write(plan), "plan.yaml");
        assertThat(PlanChecker.check(file, SampleSchema.flutterFlow(), null)).isEmpty();
    }

    @Test
    void childTablesAreCheckedToo() {
        String text = """
                version: 1
                source: s
                target: t
                entities:
                  - source: users
                    table: users
                    key: [id]
                    columns:
                      - name: tags
                        type: text
                        arrays: child_table
                      - name: boss
                        type: bigint
                        references: users
                  - source: posts
                    table: users_tags
                    key: [id]
                    columns:
                      - name: body
                        type: text
                        arrays: rows
                      - name: "%s"
                        type: text
                """.formatted("x".repeat(64));
        List<PlanProblem> problems = PlanChecker.check(PlanFile.parse(text, "p.yaml"), null, null);
        assertThat(problems).extracting(PlanProblem::toString).containsExactly(
                "p.yaml:13: entity users column boss: a column with references holds the referenced document's id: its type must be text, not bigint",
                "p.yaml:16: table users_tags of posts is already the table of users column tags",
                "p.yaml:21: entity posts column body: arrays must be jsonb or child_table, found \"rows\"",
                "p.yaml:22: entity posts column " + "x".repeat(64) + ": column name " + "x".repeat(64) + " is 64 bytes long; PostgreSQL keeps only 63");
        assertThatThrownBy(() -> PlanChecker.requireNoErrors(problems))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLAN_MISMATCH))
                .hasMessage("the plan has 4 problems:\n  " + problems.get(0) + "\n  " + problems.get(1) + "\n  " + problems.get(2)
                        + "\n  " + problems.get(3));
        PlanChecker.requireNoErrors(List.of(new PlanProblem("p.yaml", 3, PlanProblem.Severity.WARNING, "only a warning")));
    }
}
