package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A role that may write the application's tables but not create in the database cannot make
 * Cutover's state schema: the error says so and how to give it one, and a schema made for the role
 * beforehand is taken (CREATE SCHEMA IF NOT EXISTS asked for CREATE on the database even so).
 */
class StateSchemaIT {
    private static final String WRITER = "cutover_it_state_writer";
    @TempDir Path dir;

    @Test
    void aRoleThatMayNotCreateIsToldHowToGiveItTheStateSchema() throws Exception {
        String src = "cutover_it_state_src", dst = "cutover_it_state_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.recreateRole(WRITER);
            LocalPostgres.sql(src, "create table notes (id int primary key, body text)", "insert into notes values (1, 'a'), (2, 'b')");
            LocalPostgres.sql(dst, "create table notes (id int primary key, body text)", "grant select, insert, update on notes to " + WRITER,
                    "revoke create on database " + dst + " from public", "revoke create on schema public from public");
            String asWriter = LocalPostgres.location(dst).replace("postgres@", WRITER + "@");
            Path plan = CliRun.plan(LocalPostgres.location(src), asWriter, dir.resolve("plan.yaml"));
            CliRun refused = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString());
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
            assertThat(refused.err()).contains("schema cutover").contains("CREATE SCHEMA cutover AUTHORIZATION").doesNotContain("at org.");

            LocalPostgres.sql(dst, "create schema cutover authorization " + WRITER);
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(LocalPostgres.query(dst, "select string_agg(id || body, ',' order by id) from notes")).containsExactly("1a,2b");
        } finally {
            LocalPostgres.drop(src, dst);
            LocalPostgres.dropRole(WRITER);
        }
    }
}
