package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A migration from PostgreSQL into PostgreSQL makes a keyed table its plan maps as it is as the
 * source defines it, as a Supabase app needs: a uuid key stays a uuid (a policy comparing it with a
 * function returning one is made, and a foreign key to it), an integer an integer, a varchar keeps
 * its length, a serial its sequence; a column of nulls only keeps its type. A plan edited to give a
 * column another type makes the table from the plan's types, as it says.
 */
class TablesAsDefinedIT {
    private static final String SOURCE_TABLES = "select table_name || '.' || column_name || ' ' || data_type"
            + " || coalesce('(' || character_maximum_length || ')', '') || coalesce(' default ' || column_default, '')"
            + " from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position";
    @TempDir Path dir;

    private static void makeSource(String db) throws Exception {
        LocalPostgres.sql(db,
                "create function uid() returns uuid language sql stable as $$ select nullif(current_setting('app.uid', true), '')::uuid $$",
                "create table profiles (id uuid primary key default gen_random_uuid(), age int, name varchar(20) not null, born timestamp,"
                        + " tags text[], unused int)",
                "create table posts (id serial primary key, author uuid not null references profiles (id), body text)",
                "create index posts_author on posts (author)",
                "alter table profiles enable row level security",
                "create policy own on profiles using (id = uid())",
                "insert into profiles (id, age, name, born, tags) values ('00000000-0000-0000-0000-00000000000a', 31, 'ann', '2001-02-03 04:05:06', '{a,b}'),"
                        + " ('00000000-0000-0000-0000-00000000000b', null, 'bob', null, null)",
                "insert into posts (author, body) values ('00000000-0000-0000-0000-00000000000a', 'hi'), ('00000000-0000-0000-0000-00000000000b', 'yo')");
    }

    @Test
    void aTableMappedAsItIsIsMadeAsTheSourceDefinesIt() throws Exception {
        String src = "cutover_it_asdef_src", dst = "cutover_it_asdef_dst";
        LocalPostgres.recreate(src, dst);
        try {
            makeSource(src);
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            String text = Files.readString(plan);
            assertThat(text).contains("# " + TablesAsDefined.MADE_AS_DEFINED);
            // a column of nulls only is typed as the source's column, not as text
            assertThat(text).containsPattern("- name: unused\n\\s+from: unused\n\\s+type: bigint");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString(), "--json");
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            JsonNode result = Json.MAPPER.readTree(migrate.out());
            assertThat(result.get("warnings").toString()).doesNotContain("policy").doesNotContain("own");
            assertThat(LocalPostgres.query(dst, SOURCE_TABLES)).containsExactlyElementsOf(LocalPostgres.query(src, SOURCE_TABLES));
            assertThat(LocalPostgres.query(dst, "select policyname || ' ' || qual from pg_policies")).containsExactly("own (id = uid())");
            assertThat(LocalPostgres.query(dst, "select conname from pg_constraint where contype = 'f'")).containsExactly("posts_author_fkey");
            assertThat(LocalPostgres.query(dst, "select indexname from pg_indexes where tablename = 'posts' order by 1"))
                    .containsExactly("posts_author", "posts_pkey");
            assertThat(LocalPostgres.query(dst, "select id || ' ' || coalesce(age::text, '-') || ' ' || name || ' ' || coalesce(born::text, '-')"
                    + " || ' ' || coalesce(tags::text, '-') from profiles order by id"))
                    .containsExactly("00000000-0000-0000-0000-00000000000a 31 ann 2001-02-03 04:05:06 {a,b}", "00000000-0000-0000-0000-00000000000b - bob - -");
            CliRun verify = CliRun.of("verify", plan.toString(), "--json", "--state", dir.resolve("state").toString());
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            // the serial's sequence goes on after the migrated rows
            LocalPostgres.sql(dst, "insert into posts (author, body) values ('00000000-0000-0000-0000-00000000000b', 'new')");
            assertThat(LocalPostgres.query(dst, "select max(id) from posts")).containsExactly("3");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    @Test
    void aPlanThatRetypesAColumnMakesTheTableFromItsTypes() throws Exception {
        String src = "cutover_it_asdef_esrc", dst = "cutover_it_asdef_edst";
        LocalPostgres.recreate(src, dst);
        try {
            makeSource(src);
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            String text = Files.readString(plan);
            String age = "- name: age\n        from: age\n        type: bigint";
            assertThat(text).contains(age);
            Files.writeString(plan, text.replace(age, "- name: age\n        from: age\n        type: text"));
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString(), "--json");
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(LocalPostgres.query(dst, "select column_name || ' ' || data_type from information_schema.columns"
                    + " where table_name = 'profiles' and column_name in ('id', 'age') order by 1")).containsExactly("age text", "id text");
            assertThat(LocalPostgres.query(dst, "select data_type from information_schema.columns where table_name = 'posts' and column_name = 'id'"))
                    .containsExactly("integer");
            assertThat(LocalPostgres.query(dst, "select age from profiles order by id")).containsExactly("31", null);
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }
}
