package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore over the application's own table, whose CHECK constraint some backed-up rows break (it
 * was added after the backup): the bulk load is refused, the rows go record by record, and exactly
 * the refused ones are set aside with the server's reason; the restore does not stop.
 */
class RestoreRefusedRowsIT {
    private static final String SRC = "cutover_it_refused_src";
    private static final String DST = "cutover_it_refused_dst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table users (id int primary key check (id > 0), age int not null)",
                "insert into users select g, case when g % 100 = 7 then -g else g end from generate_series(1, 5000) g");
        LocalPostgres.sql(DST, "create table users (id int primary key check (id > 0), age int not null check (age >= 0))");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, ENUM_SRC, ENUM_DST);
    }

    private static final String ENUM_SRC = "cutover_it_refused_enum_src", ENUM_DST = "cutover_it_refused_enum_dst";

    /** A value the target's type refuses (an enum label it lacks) is its record's refusal, found as the others are. */
    @Test
    void aValueTheTargetsTypeLacksIsSetAsideWithItsRecord() throws Exception {
        LocalPostgres.recreate(ENUM_SRC, ENUM_DST);
        LocalPostgres.sql(ENUM_SRC, "create type st as enum ('a', 'b', 'c')", "create table t (id int primary key, s st not null)",
                "insert into t select g, (array['a', 'b', 'c'])[1 + g % 3]::st from generate_series(1, 300) g");
        LocalPostgres.sql(ENUM_DST, "create type st as enum ('a', 'b')", "create table t (id int primary key, s st not null)");
        String[] repoArgs = TestRepository.init(dir, "refused-enum").args("--state", dir.resolve("state-enum").toString());
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(ENUM_SRC)}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(ENUM_DST), "--json"}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        JsonNode summary = Json.MAPPER.readTree(restore.out());
        assertThat(summary.get("written").asLong()).isEqualTo(200);
        assertThat(summary.get("deadLettered").asLong()).isEqualTo(100);
        List<String> reasons = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(summary.get("deadLetterFile").asText()))) reasons.add(Json.MAPPER.readTree(line).get("reason").asText());
        assertThat(reasons).hasSize(100).allSatisfy(r -> assertThat(r).contains("invalid input value for enum st").contains("22P02"));
        assertThat(LocalPostgres.query(ENUM_DST, "select count(*) || ' ' || count(*) filter (where s = 'a') from t")).containsExactly("200 100");
    }

    /**
     * Rows the target would refuse (too long for its varchar) are listed in the dry run's changes file
     * with why, and the target's rows of their keys are not counted as only the target's (ninth
     * acceptance run: they were, and the refused rows were listed nowhere).
     */
    @Test
    void aDryRunListsTheRowsTheTargetWouldRefuse() throws Exception {
        JsonNode forecast = dryRunOver("listed", new String[] {"create table t (id int primary key, v text)",
                "insert into t values (1, 'abcd'), (2, 'ab'), (3, 'abcdef')"},
                "create table t (id int primary key, v varchar(3))", "insert into t values (1, 'x'), (3, 'y'), (9, 'z')");
        JsonNode t = forecast.get("tables").get("t");
        assertThat(List.of(t.get("insert").asLong(), t.get("refused").asLong(), t.get("onlyInTarget").asLong())).containsExactly(1L, 2L, 1L);
        List<JsonNode> listed = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(forecast.get("changesFile").asText()))) listed.add(Json.MAPPER.readTree(line));
        assertThat(listed).filteredOn(n -> n.get("kind").asText().equals("refused")).extracting(n -> n.get("key").asText())
                .containsExactlyInAnyOrder("1", "3");
        assertThat(listed).filteredOn(n -> n.get("kind").asText().equals("refused"))
                .allSatisfy(n -> assertThat(n.get("reason").asText()).contains("varchar(3)"));
    }

    /** A check of the snapshot's name but another definition (PostgreSQL names both t_v_check) is the target's own: named. */
    @Test
    void aCheckOfTheSameNameButAnotherDefinitionIsNamed() throws Exception {
        JsonNode forecast = dryRunOver("samename", new String[] {"create table t (id int primary key, v int check (v > 0))",
                "insert into t values (1, 5), (2, 50)"}, "create table t (id int primary key, v int check (v < 10))");
        assertThat(forecast.get("warnings").toString()).contains("check or exclusion constraints (t_v_check)");
    }

    /** The --json forecast of a restore of a backup of a database made by {@code source} over one made by {@code target}, both dropped after. */
    private JsonNode dryRunOver(String name, String[] source, String... target) throws Exception {
        String src = "cutover_it_refused_" + name + "_src", dst = "cutover_it_refused_" + name + "_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, source);
            LocalPostgres.sql(dst, target);
            String[] repoArgs = TestRepository.init(dir, name).args("--state", dir.resolve("state-" + name).toString());
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(src)}, repoArgs).exitCode()).isZero();
            CliRun dry = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--dry-run", "--json"}, repoArgs);
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            return Json.MAPPER.readTree(dry.out());
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    @Test
    void theRowsTheTargetRefusesAreSetAsideAndTheOthersRestored() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "refused").args("--state", dir.resolve("state").toString());
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC)}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        // the dry run cannot foresee what the table's own CHECK refuses, and says so; not of the one the snapshot's rows met
        CliRun dry = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--dry-run", "--json"}, repoArgs);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(Json.MAPPER.readTree(dry.out()).get("warnings").toString()).contains("check or exclusion constraints (users_age_check)")
                .contains("not foreseen").doesNotContain("users_id_check");

        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--json"}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        JsonNode summary = Json.MAPPER.readTree(restore.out());
        assertThat(summary.get("written").asLong()).isEqualTo(4950);
        assertThat(summary.get("deadLettered").asLong()).isEqualTo(50);
        assertThat(summary.get("warnings").toString()).contains("record by record").contains("users_age_check");
        assertThat(summary.get("warnings").toString().split("record by record", -1)).as("once").hasSize(2);
        List<JsonNode> dead = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(summary.get("deadLetterFile").asText()))) dead.add(Json.MAPPER.readTree(line));
        assertThat(dead).hasSize(50).allSatisfy(n -> {
            assertThat(n.get("code").asText()).isEqualTo("RECORD_REJECTED_BY_TARGET");
            assertThat(n.get("key").asLong() % 100).isEqualTo(7);
            assertThat(n.get("reason").asText()).contains("users_age_check");
        });
        assertThat(LocalPostgres.query(DST, "select count(*) || ' ' || sum(age) from users"))
                .containsExactly("4950 " + (5000L * 5001 / 2 - 50 * (7 + 4907) / 2));
    }
}
