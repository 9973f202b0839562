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

    /**
     * The state an earlier build made (no run_schemas), kept by a role that may not create there:
     * migrations still run (review: every run on such a target failed on the table it lacked).
     */
    @Test
    void stateMadeByAnEarlierBuildIsTakenAsItIs() throws Exception {
        String src = "cutover_it_state_old_src", dst = "cutover_it_state_old_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.recreateRole(WRITER);
            LocalPostgres.sql(src, "create table notes (id int primary key, body text)", "insert into notes values (1, 'a'), (2, 'b')");
            LocalPostgres.sql(dst, "create table notes (id int primary key, body text)", "grant select, insert, update on notes to " + WRITER,
                    "create schema cutover", "grant usage on schema cutover to " + WRITER,
                    "create table cutover.checkpoints (run_id text not null, split_id text not null, position_ordinal bigint not null,"
                            + " position_token text not null, read bigint not null, written bigint not null, dead_lettered bigint not null,"
                            + " skipped bigint not null, done boolean not null, updated_at timestamptz not null default now(), primary key (run_id, split_id))",
                    "create table cutover.run_tables (run_id text not null, table_schema text not null, table_name text not null,"
                            + " fast_path boolean not null, created_at timestamptz not null default now(), defined boolean not null default false,"
                            + " primary key (run_id, table_schema, table_name))",
                    "create table cutover.key_claims (run_id text not null, table_name text not null, key_digest bytea not null,"
                            + " holder text not null, primary key (run_id, table_name, key_digest))",
                    "grant select, insert, update, delete on all tables in schema cutover to " + WRITER);
            String asWriter = LocalPostgres.location(dst).replace("postgres@", WRITER + "@");
            Path plan = CliRun.plan(LocalPostgres.location(src), asWriter, dir.resolve("old-plan.yaml"));
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("old-state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(LocalPostgres.query(dst, "select string_agg(id || body, ',' order by id) from notes")).containsExactly("1a,2b");
            // a role that may create there gets the table added
            Path asOwner = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("owner-plan.yaml"));
            CliRun owner = CliRun.of("migrate", asOwner.toString(), "--no-backup", "--state", dir.resolve("owner-state").toString());
            assertThat(owner.exitCode()).as(owner.toString()).isZero();
            assertThat(LocalPostgres.query(dst, "select (to_regclass('cutover.run_schemas') is not null)::text")).containsExactly("true");
        } finally {
            LocalPostgres.drop(src, dst);
            LocalPostgres.dropRole(WRITER);
        }
    }
}
