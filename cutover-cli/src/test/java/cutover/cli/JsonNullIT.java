package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A jsonb column holds two nulls: SQL NULL and the JSON document {@code null} ({@code 'null'::jsonb},
 * which IS NOT NULL). Rows written record by record (into a table the target had already, by
 * upsert; a restore of the rows whose key matches) keep the one they had, and verify, comparing
 * the rows one by one, tells the two apart: before, both were SQL NULL and verify said equal. A
 * number keeps its digits as jsonb holds them (2.50 came back 2.5, read as a double).
 */
class JsonNullIT {
    private static final String ROWS = "select id || ' ' || coalesce(doc::text, 'SQL NULL') from docs order by id";
    @TempDir Path dir;

    @Test
    void aJsonNullStaysAJsonNullAndVerifyTellsItFromSqlNull() throws Exception {
        String src = "cutover_it_jnull_src", dst = "cutover_it_jnull_dst", back = "cutover_it_jnull_back";
        LocalPostgres.recreate(src, dst, back);
        try {
            String table = "create table docs (id int primary key, doc jsonb)";
            LocalPostgres.sql(src, table, "insert into docs values (1, 'null'), (2, null), (3, '{\"a\": null}'), (4, '[null]'),"
                    + " (5, '2.50'), (6, '{\"p\": 2.50}'), (7, '{\"big\": 12345678901234567.89, \"pi\": 3.14159265358979323846264}')");
            LocalPostgres.sql(dst, table); // the application's own table: rows go record by record, by upsert
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            String state = dir.resolve("state").toString();
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", state);
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(LocalPostgres.query(dst, ROWS)).containsExactly("1 null", "2 SQL NULL", "3 {\"a\": null}", "4 [null]", "5 2.50", "6 {\"p\": 2.50}",
                    "7 {\"pi\": 3.14159265358979323846264, \"big\": 12345678901234567.89}");
            CliRun verify = CliRun.of("verify", plan.toString(), "--state", state, "--json");
            assertThat(verify.exitCode()).as(verify.toString()).isZero();

            LocalPostgres.sql(dst, "update docs set doc = null where id = 1", "update docs set doc = 'null' where id = 2",
                    "update docs set doc = '{\"big\": 12345678901234567.88, \"pi\": 3.14159265358979323846264}' where id = 7");
            CliRun differs = CliRun.of("verify", plan.toString(), "--state", state, "--json");
            assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(1);
            assertThat(differs.out()).contains("\"key\":[1],\"kind\":\"changed\"").contains("\"key\":[2],\"kind\":\"changed\"")
                    .contains("\"key\":[7],\"kind\":\"changed\"").contains("\"targetKind\":\"JSON_NULL\"");

            // a backup and a restore of the rows whose key matches, record by record, into the application's table
            String[] repo = TestRepository.init(dir, "jnull").args();
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(src), "--state", state}, repo).exitCode()).isZero();
            LocalPostgres.sql(back, table);
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(back), "--where-key", "*", "--state", state}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(LocalPostgres.query(back, ROWS)).containsExactly("1 null", "2 SQL NULL", "3 {\"a\": null}", "4 [null]", "5 2.50", "6 {\"p\": 2.50}",
                    "7 {\"pi\": 3.14159265358979323846264, \"big\": 12345678901234567.89}");
        } finally {
            LocalPostgres.drop(src, dst, back);
        }
    }
}
