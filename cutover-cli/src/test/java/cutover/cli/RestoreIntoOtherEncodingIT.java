package cutover.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot restored into a database whose encoding cannot hold some of its text (LATIN1): the bulk
 * load fails on the first such row and the split goes record by record, where each row the target
 * cannot hold is set aside with its reason and every other row is written, native arrays as they were.
 */
class RestoreIntoOtherEncodingIT {
    private static final String SRC = "cutover_it_encoding_src";
    private static final String LATIN1 = "cutover_it_encoding_latin1";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC);
        LocalPostgres.drop(LATIN1);
        LocalPostgres.sql("postgres", "create database " + LATIN1 + " encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0");
        LocalPostgres.sql(SRC, "create table r (id int primary key, t text, a int[], j jsonb)",
                "insert into r values (1, 'plain', '{1,2}', '{\"k\": \"v\"}'), (2, 'café', '{}', null), (3, 'A' || chr(256), '{3}', null),"
                        + " (4, 'emoji', null, ('{\"x\": \"' || chr(128512) || '\"}')::jsonb), (5, 'ok', '{5,6}', '[]')");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, LATIN1);
    }

    @Test
    void rowsTheTargetCannotHoldAreSetAsideAndTheOthersRestored() throws Exception {
        TestRepository repo = TestRepository.init(dir, "encoding");
        String state = dir.resolve("state").toString();
        assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", state}, repo.args()).exitCode()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(LATIN1), "--state", state, "--json"}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        var result = Json.MAPPER.readTree(restore.out());
        assertThat(result.get("written").asLong()).isEqualTo(3);
        assertThat(result.get("deadLettered").asLong()).isEqualTo(2);
        assertThat(LocalPostgres.query(LATIN1, "select id || ' ' || t || ' ' || coalesce(a::text, '-') from r order by id"))
                .containsExactly("1 plain {1,2}", "2 café {}", "5 ok {5,6}");
        List<String> dead = Files.readAllLines(Path.of(result.get("deadLetterFile").asText()));
        assertThat(dead).hasSize(2).allSatisfy(line -> assertThat(line).contains("RECORD_INVALID_TEXT").contains("LATIN1"));
        assertThat(String.join("\n", dead)).contains("U+0100").contains("U+1F600");
    }
}
