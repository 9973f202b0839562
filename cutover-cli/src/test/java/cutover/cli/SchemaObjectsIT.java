package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A migration from one PostgreSQL to another brings what the schema holds beside its tables: its
 * views (one over another), a materialized view with its index, a sequence no column uses; a view
 * over a table the plan skips cannot be made and is named. Into SQLite, one warning says none was.
 */
class SchemaObjectsIT {
    @TempDir Path dir;

    @Test
    void aMigrationMakesTheSourcesViewsAndSequences() throws Exception {
        String src = "cutover_it_schemaobj_src", dst = "cutover_it_schemaobj_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table users (id int primary key, name text, active boolean)",
                    "create table audit (id int primary key, what text)",
                    "insert into users select g, 'u' || g, g % 3 = 0 from generate_series(1, 30) g",
                    "create view active_users as select id, name from users where active",
                    "create view active_names with (security_barrier = true) as select name from active_users",
                    "create materialized view user_count as select count(*) as n from users", "create index user_count_n on user_count (n)",
                    "create view audited as select * from audit",
                    "create sequence ticket_numbers start 500", "select nextval('ticket_numbers')", "create view clash as select 1 as one");
            LocalPostgres.sql(dst, "create table clash (a int)"); // the target's own table: left as it is, and said
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            // the plan leaves audit out: the view over it cannot be made
            java.nio.file.Files.writeString(plan, java.nio.file.Files.readString(plan).replace("  - source: audit\n", "  - source: audit\n    skip: true\n"));
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(migrate.out()).contains("view audited was not made").contains("audit")
                    .contains("view clash was not made: the target has a table of that name")
                    .contains("the plan renames or leaves out tables it may name: audit (left out)");
            assertThat(LocalPostgres.query(dst, "select string_agg(name, ',' order by id) from active_names natural join active_users"))
                    .isEqualTo(LocalPostgres.query(src, "select string_agg(name, ',' order by id) from active_names natural join active_users"));
            assertThat(LocalPostgres.query(dst, "select n from user_count")).containsExactly("30");
            assertThat(LocalPostgres.query(dst, "select count(*) from pg_indexes where indexname = 'user_count_n'")).containsExactly("1");
            assertThat(LocalPostgres.query(dst, "select last_value from ticket_numbers")).containsExactly("500");
            assertThat(LocalPostgres.query(dst, "select reloptions::text from pg_class where relname = 'active_names'")).containsExactly("{security_barrier=true}");

            Path intoSqlite = CliRun.plan(LocalPostgres.location(src), "sqlite:" + dir.resolve("t.db"), dir.resolve("sqlite.yaml"));
            CliRun toSqlite = CliRun.of("migrate", intoSqlite.toString(), "--no-backup", "--state", dir.resolve("state").toString());
            assertThat(toSqlite.exitCode()).as(toSqlite.toString()).isZero();
            assertThat(toSqlite.out()).contains("the source's views, sequences (postgresql/schema/2) were not made: the target is of another kind");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }
}
