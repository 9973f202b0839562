package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** A Supabase-like schema: uuid keys, a function returning one that a policy compares them with, a serial, an empty table. */
    private static final String[] SCHEMA = {
            "create function uid() returns uuid language sql stable as $$ select nullif(current_setting('app.uid', true), '')::uuid $$",
            "create domain positive_int as int check (value > 0)",
            "create table profiles (id uuid primary key default gen_random_uuid(), age int, name varchar(20) not null, born timestamp,"
                    + " tags text[], unused int, score positive_int)",
            "create table posts (id serial primary key, author uuid not null references profiles (id), body text)",
            "create index posts_author on posts (author)",
            "alter table profiles enable row level security",
            "create policy own on profiles using (id = uid())",
            // no rows: analysis sees no column of it, the draft takes them from the source
            "create table todos (id uuid primary key default gen_random_uuid(), title varchar(80) not null, done boolean default false)",
            "create table todo_tags (todo_id uuid references todos (id), tag text, primary key (todo_id, tag))",
            // names a draft for documents would put in snake case
            "create table \"Settings\" (\"ID\" int generated always as identity primary key, \"userId\" uuid references profiles (id),"
                    + " \"Theme Name\" text, \"isDark\" boolean default true)"};

    private static void makeSource(String db) throws Exception {
        LocalPostgres.sql(db, SCHEMA);
        LocalPostgres.sql(db,
                "insert into profiles (id, age, name, born, tags, score) values ('00000000-0000-0000-0000-00000000000a', 31, 'ann', '2001-02-03 04:05:06', '{a,b}', 7),"
                        + " ('00000000-0000-0000-0000-00000000000b', null, 'bob', null, null, null)",
                "insert into posts (author, body) values ('00000000-0000-0000-0000-00000000000a', 'hi'), ('00000000-0000-0000-0000-00000000000b', 'yo')",
                "insert into \"Settings\" (\"userId\", \"Theme Name\") values ('00000000-0000-0000-0000-00000000000a', 'dark')");
    }

    /** The plan with {@code from} (which it must hold) replaced by {@code to}. */
    private static void edit(Path plan, String from, String to) throws Exception {
        String text = Files.readString(plan);
        assertThat(text).contains(from);
        Files.writeString(plan, text.replace(from, to));
    }

    /** A migration by the plan, which must succeed; its --json output. */
    private JsonNode migrate(Path plan, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString(), "--json"));
        args.addAll(List.of(more));
        CliRun migrate = CliRun.of(args.toArray(String[]::new));
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
        return Json.MAPPER.readTree(migrate.out());
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
            // a column of nulls only is typed as the source's column, not as text; an empty table's columns are the source's
            assertThat(text).containsPattern("- name: unused\n\\s+from: unused\n\\s+type: bigint");
            assertThat(text).containsPattern("- name: title\n\\s+from: title\n\\s+type: text\n\\s+nullable: false");
            CliRun check = CliRun.of("plan", "check", plan.toString());
            assertThat(check.exitCode()).as(check.toString()).isZero();
            // a foreign key the plan adds to a table made as the source defines it: its primary key comes first
            edit(plan, "    table: posts\n", "    table: posts\n    foreignKeys: [{columns: [author], references: profiles}]\n");
            JsonNode result = migrate(plan);
            assertThat(result.get("warnings").toString()).doesNotContain("policy").doesNotContain("own");
            assertThat(LocalPostgres.query(dst, SOURCE_TABLES)).containsExactlyElementsOf(LocalPostgres.query(src, SOURCE_TABLES));
            assertThat(LocalPostgres.query(dst, "select policyname || ' ' || qual from pg_policies")).containsExactly("own (id = uid())");
            assertThat(LocalPostgres.query(dst, "select conname from pg_constraint where contype = 'f' order by 1"))
                    .containsExactly("Settings_userId_fkey", "posts_author_fkey", "todo_tags_todo_id_fkey");
            assertThat(LocalPostgres.query(dst, "select \"ID\" || ' ' || \"Theme Name\" || ' ' || \"isDark\" from \"Settings\"")).containsExactly("1 dark true");
            assertThat(LocalPostgres.query(dst, "select count(*) from todos")).containsExactly("0");
            assertThat(LocalPostgres.query(dst, "select indexname from pg_indexes where tablename = 'posts' order by 1"))
                    .containsExactly("posts_author", "posts_pkey");
            assertThat(LocalPostgres.query(dst, "select id || ' ' || coalesce(age::text, '-') || ' ' || name || ' ' || coalesce(born::text, '-')"
                    + " || ' ' || coalesce(tags::text, '-') from profiles order by id"))
                    .containsExactly("00000000-0000-0000-0000-00000000000a 31 ann 2001-02-03 04:05:06 {a,b}", "00000000-0000-0000-0000-00000000000b - bob - -");
            CliRun verify = CliRun.of("verify", plan.toString(), "--json", "--state", dir.resolve("state").toString());
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            // the serial's sequence and the identity go on after the migrated rows
            LocalPostgres.sql(dst, "insert into posts (author, body) values ('00000000-0000-0000-0000-00000000000b', 'new')",
                    "insert into \"Settings\" (\"Theme Name\") values ('light')");
            assertThat(LocalPostgres.query(dst, "select max(id) from posts")).containsExactly("3");
            assertThat(LocalPostgres.query(dst, "select max(\"ID\") from \"Settings\"")).containsExactly("2");
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
            // a trigger's function names columns: on a table made from the plan's types it is not made (a write would fail), elsewhere it is
            LocalPostgres.sql(src, "create function touch() returns trigger language plpgsql as $$ begin new.body := new.body; return new; end $$",
                    "create trigger profiles_touch before update on profiles for each row execute function touch()",
                    "create trigger posts_touch before update on posts for each row execute function touch()");
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            edit(plan, "- name: age\n        from: age\n        type: bigint", "- name: age\n        from: age\n        type: text");
            // a NOT NULL the plan lifts is an edit too: the source's definition would keep it
            edit(plan, "- name: title\n        from: title\n        type: text\n        nullable: false", "- name: title\n        from: title\n        type: text\n        nullable: true");
            edit(plan, "      - name: done\n        from: done\n        type: boolean\n        nullable: true\n", "");
            String warnings = migrate(plan).get("warnings").toString();
            assertThat(warnings).contains("table profiles is made from the plan's types,"
                    + " not as the source defines it").contains("column age is text where the source's is read as bigint");
            assertThat(warnings).contains("table todos is made from the plan's types").contains("column title is nullable: true where the source's is NOT NULL")
                    .contains("column title is nullable: true where the source's is NOT NULL; the plan leaves out the source's columns [done]");
            assertThat(warnings).contains("the triggers of tables made from the plan's types were not made").contains("profiles_touch on profiles");
            assertThat(LocalPostgres.query(dst, "select tgname from pg_trigger where not tgisinternal order by 1")).containsExactly("posts_touch");
            assertThat(LocalPostgres.query(dst, "select is_nullable from information_schema.columns where table_name = 'todos' and column_name = 'title'"))
                    .containsExactly("YES");
            assertThat(LocalPostgres.query(dst, "select column_name || ' ' || data_type from information_schema.columns"
                    + " where table_name = 'profiles' and column_name in ('id', 'age') order by 1")).containsExactly("age text", "id text");
            assertThat(LocalPostgres.query(dst, "select data_type from information_schema.columns where table_name = 'posts' and column_name = 'id'"))
                    .containsExactly("integer");
            assertThat(LocalPostgres.query(dst, "select age from profiles order by id")).containsExactly("31", null);
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /**
     * Into the application's own tables (made by its migrations, as the source's): they keep their own
     * policies (the source's are not added), the target's
     * triggers do not fire for the rows (they are what the source's made), its sequences move past
     * the rows (the application's next insert takes a new key), and a mapping edited after (a
     * transform) still writes its text into the uuid and timestamp columns there, and its bigint into
     * a domain over integer.
     */
    @Test
    void intoTheApplicationsOwnTablesTriggersStayQuietAndSequencesMovePastTheRows() throws Exception {
        String src = "cutover_it_asdef_osrc", dst = "cutover_it_asdef_odst";
        LocalPostgres.recreate(src, dst);
        try {
            makeSource(src);
            LocalPostgres.sql(dst, SCHEMA);
            LocalPostgres.sql(dst, "drop policy own on profiles", "create table audit (what text)",
                    "create function audited() returns trigger language plpgsql as $$ begin insert into audit values (new.body); return new; end $$",
                    "create trigger posts_audited after insert or update on posts for each row execute function audited()",
                    "create function shout() returns trigger language plpgsql as $$ begin new.body := upper(new.body); return new; end $$",
                    "create trigger posts_shout before insert or update on posts for each row execute function shout()");
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            // the application's table keeps its own security: the source's policy is not added to it (it could open it)
            assertThat(migrate(plan).get("warnings").toString()).contains("the tables the target had before keep their own grants, policies");
            assertThat(LocalPostgres.query(dst, "select count(*) from pg_policies where tablename = 'profiles'")).containsExactly("0");
            assertThat(LocalPostgres.query(dst, "select string_agg(body, ',' order by id) from posts")).containsExactly("hi,yo");
            assertThat(LocalPostgres.query(dst, "select count(*) from audit")).containsExactly("0");
            LocalPostgres.sql(dst, "insert into posts (author, body) values ('00000000-0000-0000-0000-00000000000b', 'new')",
                    "insert into \"Settings\" (\"Theme Name\") values ('light')");
            assertThat(LocalPostgres.query(dst, "select string_agg(id || body, ',' order by id) from posts")).containsExactly("1hi,2yo,3NEW");
            assertThat(LocalPostgres.query(dst, "select max(\"ID\") from \"Settings\"")).containsExactly("2");

            String name = "      - name: name\n        from: name\n";
            edit(plan, name, name + "        transform: uppercase\n");
            migrate(plan, "--triggers", "fire");
            assertThat(LocalPostgres.query(dst, "select string_agg(name || coalesce(score::text, '-'), ',' order by id) from profiles")).containsExactly("ANN7,BOB-");
            // the posts written again went through the triggers this time: logged (after the application's own post) and shouted
            assertThat(LocalPostgres.query(dst, "select string_agg(what, ',' order by what) from audit")).containsExactly("HI,NEW,YO");
            assertThat(LocalPostgres.query(dst, "select string_agg(body, ',' order by id) from posts")).containsExactly("HI,YO,NEW");

            // a rule on INSERT that stays on refuses the upsert: found before any row is written
            LocalPostgres.sql(dst, "create rule posts_kept as on insert to posts do also insert into audit values ('rule')", "truncate audit");
            CliRun refused = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString(), "--triggers", "fire", "--restart");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
            assertThat(refused.err()).contains("table public.posts has rules on INSERT (posts_kept)").contains("--triggers quiet");
            assertThat(LocalPostgres.query(dst, "select count(*) from audit")).containsExactly("0");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /** A table the plan renames is made as the source defines it, and the foreign keys referring to it refer to it under its new name. */
    @Test
    void theForeignKeysOfARenamedTableReferToItsNewName() throws Exception {
        String src = "cutover_it_asdef_rsrc", dst = "cutover_it_asdef_rdst";
        LocalPostgres.recreate(src, dst);
        try {
            makeSource(src);
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            edit(plan, "    table: profiles\n", "    table: users\n");
            assertThat(migrate(plan).get("warnings").toString()).doesNotContain("does not exist");
            assertThat(LocalPostgres.query(dst, "select conrelid::regclass || ' ' || confrelid::regclass from pg_constraint where contype = 'f' order by 1"))
                    .containsExactly("\"Settings\" users", "posts users", "todo_tags todos");
            assertThat(LocalPostgres.query(dst, "select data_type from information_schema.columns where table_name = 'users' and column_name = 'id'"))
                    .containsExactly("uuid");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }
}
