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
 * What an application's schema holds beside its tables, as a Supabase project has it: functions (a
 * key's default, a trigger's, one returning a table's rows), a procedure, triggers (one disabled),
 * row-level security policies, a rule, comments and grants (to roles, on columns, a function
 * PUBLIC may not run). A backup keeps them and a restore of the whole snapshot into an empty
 * database makes them all, the functions before the tables and the triggers after the rows (they do
 * not fire for restored rows, nor for those a restore run again writes over them); a grant to a role
 * the target lacks is named, once per role; a restrictive policy that cannot be made leaves its
 * table closed rather than open to what it held back; what is bound to a view whose name the target
 * gives a table is not made on the table. Restored into another schema, they are made there. A
 * migration whose plan renames a table names that table's triggers and policies instead of making
 * them on another, and turns row-level security on where the source had it.
 */
class SchemaCodeIT {
    private static final String READER = "cutover_it_code_reader", GONE = "cutover_it_code_gone";
    @TempDir Path dir;

    @Test
    void aRestoreMakesTheSchemasFunctionsTriggersPoliciesCommentsAndGrants() throws Exception {
        String src = "cutover_it_code_src", dst = "cutover_it_code_dst", part = "cutover_it_code_part", other = "cutover_it_code_other";
        LocalPostgres.recreate(src, dst, part, other);
        try {
            LocalPostgres.sql("postgres", "drop role if exists " + READER, "drop role if exists " + GONE, "create role " + READER, "create role " + GONE);
            LocalPostgres.sql(src,
                    "create function short_id() returns text language sql as $$ select substr(md5(random()::text), 1, 8) $$",
                    "create function touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$",
                    "create table notes (id text primary key default short_id(), body text, owner text, updated_at timestamptz)",
                    "create table audit_log (id serial primary key, note text)",
                    "create function log_note() returns trigger language plpgsql security definer set search_path = public"
                            + " as $$ begin insert into audit_log (note) values (new.id); return new; end $$",
                    "create function notes_of(who text) returns setof notes language sql stable as $$ select * from notes where owner = who $$",
                    "create procedure forget(upto int) language sql as $$ delete from audit_log where id <= upto $$",
                    "create trigger notes_touch before update on notes for each row execute function touch()",
                    "create trigger notes_log after insert on notes for each row execute function log_note()",
                    "create trigger notes_shout before insert on notes for each row execute function touch()",
                    "alter table notes disable trigger notes_shout",
                    "revoke execute on function log_note() from public",
                    "alter table notes enable row level security",
                    "create policy own_notes on notes for select to " + READER + " using (owner = current_user)",
                    "create policy has_owner on notes as restrictive for insert to public with check (owner is not null)",
                    "create rule audit_kept as on delete to audit_log do instead nothing",
                    "comment on table notes is 'What users wrote; it''s theirs'", "comment on column notes.body is 'the text'",
                    "comment on function touch() is 'sets updated_at'",
                    "grant select, insert on notes to " + READER, "grant update (body) on notes to " + READER,
                    "grant execute on function notes_of(text) to " + READER, "grant select on audit_log to " + GONE,
                    "insert into notes (id, body, owner, updated_at) values ('n1', 'one', 'ann', '2020-01-01T00:00:00Z'), ('n2', 'two', 'bob', '2020-01-02T00:00:00Z')",
                    // a restrictive policy calling a function of a schema the target lacks: the permissive one alone would open the table
                    "create schema authz", "create function authz.uid() returns text language sql as $$ select current_user::text $$",
                    "create table secrets (id int primary key, owner text)", "alter table secrets enable row level security",
                    "create policy read_all on secrets for select to " + READER + " using (true)",
                    "create policy only_own on secrets as restrictive for select to " + READER + " using (owner = authz.uid())",
                    // a view the target has a table of the name for: its grant and comment are not the table's
                    "create view note_titles as select id, body from notes", "grant select on note_titles to " + READER,
                    "comment on view note_titles is 'titles'",
                    // a partitioned table's trigger, its copy on one partition disabled; a partition's own row-level security and grant
                    "create function noop() returns trigger language plpgsql as $$ begin return new; end $$",
                    "create function mark() returns trigger language plpgsql as $$ begin new.note := new.note || 'P'; return new; end $$",
                    "create table events (id int, at date, note text, primary key (id, at)) partition by range (at)",
                    "create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01')",
                    "create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01')",
                    "create trigger events_noop before insert on events for each row execute function noop()",
                    "alter table events_2025 disable trigger events_noop", "alter table events_2024 enable row level security",
                    "grant select on events_2024 to " + READER, "create trigger p_only before insert or update on events_2024 for each row execute function mark()",
                    "insert into events values (1, '2024-05-05', 'x'), (2, '2025-05-05', 'y')");
            assertThat(LocalPostgres.query(src, "select count(*) from audit_log")).containsExactly("2");
            String state = dir.resolve("state").toString();
            String[] repo = TestRepository.init(dir, "code").args();
            CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(src), "--json", "--state", state}, repo);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            LocalPostgres.sql(src, "revoke select on audit_log from " + GONE);
            LocalPostgres.sql("postgres", "drop role " + GONE); // the target's cluster lacks it now

            LocalPostgres.sql(dst, "create table note_titles (x int)");
            CliRun dry = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--dry-run", "--state", state}, repo);
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out() + dry.err()).contains("routines short_id(), touch(), log_note(), notes_of(who text), forget(IN upto integer)")
                    .contains("triggers events_noop on events, p_only on events_2024, notes_log on notes, notes_shout on notes, notes_touch on notes").contains("rules audit_kept on audit_log")
                    .contains("policies has_owner on notes, own_notes on notes");
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--json", "--state", state}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            List<String> warnings = new ArrayList<>();
            Json.MAPPER.readTree(restore.out()).get("warnings").forEach(w -> warnings.add(w.asText()));
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("role " + GONE + " on 1 object (TABLE \"audit_log\") were not granted")
                    .contains("CREATE ROLE"));
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("policy only_own on secrets was not made").contains("authz"));
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("no policy of table secrets was made (only_own, read_all)")
                    .contains("stays closed"));
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("view note_titles was not made: the target has a table of that name;"
                    + " its triggers, rules, comments and grants were not made either"));
            assertThat(warnings).as(warnings.toString()).hasSize(4);
            // the same four, apart from any other warning, for a script
            assertThat(Json.MAPPER.readTree(restore.out()).get("schemaObjectsNotMade")).hasSize(4);
            assertThat(LocalPostgres.query(dst, "select count(*) from pg_policies where tablename = 'secrets'")).containsExactly("0");
            assertThat(LocalPostgres.query(dst, "select relrowsecurity from pg_class where relname = 'secrets'")).containsExactly("t");
            assertThat(LocalPostgres.query(dst, "select coalesce(relacl::text, 'none') || ' ' || coalesce(obj_description(oid, 'pg_class'), 'none')"
                    + " from pg_class where relname = 'note_titles'")).containsExactly("none none");

            // the triggers were made after the rows: none fired for them
            assertThat(LocalPostgres.query(dst, "select count(*) from audit_log")).containsExactly("2");
            assertThat(LocalPostgres.query(dst, "select string_agg(id || ' ' || updated_at, ',' order by id) from notes"))
                    .isEqualTo(LocalPostgres.query(src, "select string_agg(id || ' ' || updated_at, ',' order by id) from notes"));
            for (String catalog : List.of(
                    "select string_agg(pg_get_functiondef(p.oid) || coalesce(p.proacl::text, ''), E'\\n' order by p.proname) from pg_proc p where p.pronamespace = 'public'::regnamespace",
                    "select string_agg(pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text, E'\\n' order by t.tgname) from pg_trigger t where not t.tgisinternal",
                    "select string_agg(format('%s %s %s %s %s %s %s', tablename, policyname, permissive, roles, cmd, qual, with_check), E'\\n' order by policyname) from pg_policies where tablename = 'notes'",
                    "select string_agg(definition, E'\\n') from pg_rules where schemaname = 'public'",
                    "select string_agg(d.description, E'\\n' order by d.description) from pg_description d where d.objoid in"
                            + " ('notes'::regclass, 'touch()'::regprocedure)",
                    "select relacl::text from pg_class where relname = 'notes'",
                    "select string_agg(attname || ' ' || attacl::text, ',') from pg_attribute where attrelid = 'notes'::regclass and attacl is not null",
                    "select relrowsecurity from pg_class where relname = 'notes'",
                    "select string_agg(tgrelid::regclass::text || ' ' || tgenabled::text, ',' order by tgrelid::regclass::text) from pg_trigger where tgname = 'events_noop'",
                    "select string_agg(relname || ' ' || relrowsecurity || ' ' || coalesce(relacl::text, ''), ',' order by relname) from pg_class"
                            + " where relname like 'events%' and relkind in ('r', 'p')")) {
                assertThat(LocalPostgres.query(dst, catalog)).as(catalog).isEqualTo(LocalPostgres.query(src, catalog)).doesNotContainNull();
            }
            // restored again over its own rows (a restore that finished runs again whole): the triggers, there now, do not fire
            CliRun again = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--json", "--state", state}, repo);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(Json.MAPPER.readTree(again.out()).get("written").asLong()).isEqualTo(Json.MAPPER.readTree(restore.out()).get("written").asLong());
            assertThat(LocalPostgres.query(dst, "select count(*) from audit_log")).containsExactly("2");
            assertThat(LocalPostgres.query(dst, "select string_agg(id || ' ' || updated_at, ',' order by id) from notes"))
                    .isEqualTo(LocalPostgres.query(src, "select string_agg(id || ' ' || updated_at, ',' order by id) from notes"));
            assertThat(LocalPostgres.query(dst, "select string_agg(tgname || ' ' || tgenabled::text, ',' order by tgname) from pg_trigger"
                    + " where tgrelid = 'notes'::regclass and not tgisinternal"))
                    .containsExactly("notes_log O,notes_shout D,notes_touch O");

            // restored by part, a partitioned table: its partitions' triggers do not fire either (one of a partition only added
            // a P again), and a partition's copy of the parent's trigger comes back disabled (switched on the parent, it came back on)
            CliRun events = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--only", "events", "--json", "--state", state}, repo);
            assertThat(events.exitCode()).as(events.toString()).isZero();
            for (String catalog : List.of("select string_agg(id || ' ' || note, ',' order by id) from events",
                    "select string_agg(tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text, ',' order by tgrelid::regclass::text, tgname) from pg_trigger where tgname in ('events_noop', 'p_only')")) {
                assertThat(LocalPostgres.query(dst, catalog)).as(catalog).isEqualTo(LocalPostgres.query(src, catalog)).doesNotContainNull();
            }

            // and they work as the source's: a new note takes its key from the function, is logged and touched
            LocalPostgres.sql(dst, "insert into notes (body, owner) values ('three', 'cy')", "update notes set body = 'ONE' where id = 'n1'", "call forget(1)");
            assertThat(LocalPostgres.query(dst, "select count(*) from audit_log")).containsExactly("3"); // the rule kept the one forget deleted
            assertThat(LocalPostgres.query(dst, "select length(id) from notes where owner = 'cy'")).containsExactly("8");
            assertThat(LocalPostgres.query(dst, "select updated_at > '2024-01-01' from notes where id = 'n1'")).containsExactly("t");
            assertThat(LocalPostgres.query(dst, "select count(*) from notes_of('bob')")).containsExactly("1");

            // a restore of part of the snapshot repairs its tables, not the schema: a table it makes gets its own rules, triggers
            // and policies (made with FORCE ROW LEVEL SECURITY and none of its policies, a table was closed to its owner too)
            CliRun only = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(part), "--only", "audit_log", "--json", "--state", state}, repo);
            assertThat(only.exitCode()).as(only.toString()).isZero();
            assertThat(only.out()).doesNotContain("audit_kept");
            assertThat(LocalPostgres.query(part, "select count(*) from pg_rules where rulename = 'audit_kept'")).containsExactly("1");
            // the same restore again takes the table for one it made (cutover.run_tables: an attempt that stopped once it had made
            // the table, resumed, found it there and made none of its objects)
            LocalPostgres.sql(part, "drop rule audit_kept on audit_log");
            CliRun onlyAgain = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(part), "--only", "audit_log", "--json", "--state", state}, repo);
            assertThat(onlyAgain.exitCode()).as(onlyAgain.toString()).isZero();
            assertThat(LocalPostgres.query(part, "select count(*) from pg_rules where rulename = 'audit_kept'")).containsExactly("1");
            assertThat(only.out()).contains("the target lacks routines short_id(), touch()").contains("which this restore did not make: a restore"
                    + " of part of a snapshot (--only, --where-key) repairs its tables, not the schema");
            assertThat(LocalPostgres.query(part, "select count(*) from pg_proc where pronamespace = 'public'::regnamespace")).containsExactly("0");
            CliRun unknown = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(part), "--only", "nosuch", "--state", state}, repo);
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2); // the command line's mistake, not a missing backup
            assertThat(unknown.err()).contains("has no entity nosuch; it has: ").contains("notes");

            // into another schema, of a database that has none yet: the routines first (the key's default calls one), all made there
            CliRun elsewhere = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(other) + "?schema=app", "--json", "--state", state}, repo);
            assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isZero();
            assertThat(Json.MAPPER.readTree(elsewhere.out()).get("warnings").toString()).doesNotContain("notes_").doesNotContain("default")
                    .doesNotContain("audit_kept");
            assertThat(LocalPostgres.query(other, "select string_agg(tgrelid::regclass::text || ' ' || tgname, ',' order by tgname) from pg_trigger"
                    + " where not tgisinternal and tgrelid = 'app.notes'::regclass")).containsExactly("app.notes notes_log,app.notes notes_shout,app.notes notes_touch");
            assertThat(LocalPostgres.query(other, "select pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = 'app.notes'::regclass"))
                    .containsExactly("app.short_id()");
            assertThat(LocalPostgres.query(other, "select count(*) from pg_rules where schemaname = 'app'")).containsExactly("1");
        } finally {
            LocalPostgres.drop(src, dst, part, other);
            LocalPostgres.sql("postgres", "drop role if exists " + READER, "drop role if exists " + GONE);
        }
    }

    /**
     * A schema restored before another it needs (a Supabase project's public before its auth): the
     * dry run names what would not be made for want of it, the restore says to restore that schema
     * first and run again (acceptance run 23 found it by trial), which then makes them.
     */
    @Test
    void whatAnotherSchemaIsNeededForIsForeseenAndSaidWithWhatToDo() throws Exception {
        String src = "cutover_it_code_xsrc", dst = "cutover_it_code_xdst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create schema authx", "create table authx.users (id int primary key)",
                    "create function authx.uid() returns int language sql stable as $$ select 1 $$",
                    "create table profiles (id int primary key references authx.users (id), name text)", "alter table profiles enable row level security",
                    "create policy own on profiles for select using (id = authx.uid())",
                    "insert into authx.users values (1)", "insert into profiles values (1, 'ann')");
            String state = dir.resolve("xstate").toString();
            String[] repo = TestRepository.init(dir, "other-schemas").args();
            for (String schema : List.of("public", "authx")) {
                CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(src) + "?schema=" + schema, "--state", state}, repo);
                assertThat(backup.exitCode()).as(backup.toString()).isZero();
            }
            CliRun list = CliRun.of(new String[] {"snapshots", "--json"}, repo);
            String publicSnapshot = null, authSnapshot = null;
            for (JsonNode s : Json.MAPPER.readTree(list.out()).get("snapshots")) {
                if (s.get("source").asText().endsWith("schema=authx")) authSnapshot = s.get("id").asText();
                else publicSnapshot = s.get("id").asText();
            }
            String into = LocalPostgres.location(dst) + "?schema=public";
            CliRun dry = CliRun.of(new String[] {"restore", publicSnapshot, into, "--dry-run", "--state", state}, repo);
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out() + dry.err()).contains("schema authx, which the target lacks, is named by foreign key profiles_id_fkey of profiles,"
                    + " policy own on profiles: they would not be made; restore or migrate schema authx into this database first");
            // for a script, beside the warnings, as the restore's own list; the rows that would change in a folder of the dry run's own
            JsonNode dryJson = Json.MAPPER.readTree(CliRun.of(new String[] {"restore", publicSnapshot, into, "--dry-run", "--json", "--state", state}, repo).out());
            assertThat(dryJson.get("schemaObjectsNotMade").toString()).contains("schema authx, which the target lacks, is named by foreign key profiles_id_fkey");
            Path dryFolder = Path.of(dryJson.get("changesFile").asText()).getParent();
            assertThat(dryFolder.getFileName().toString()).endsWith("-dry-run");
            assertThat(dryFolder.resolveSibling(dryFolder.getFileName().toString().replace("-dry-run", ""))).doesNotExist(); // the real restore's
            CliRun restore = CliRun.of(new String[] {"restore", publicSnapshot, into, "--json", "--state", state}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(Json.MAPPER.readTree(restore.out()).get("warnings").toString()).contains("policy own on profiles was not made")
                    .contains("it needs schema authx's objects: restore or migrate schema authx into this database first, then run this again");
            // the foreign key is the table's, not the schema's objects', but as much not made: a script finds it beside the policy
            assertThat(Json.MAPPER.readTree(restore.out()).get("schemaObjectsNotMade").toString())
                    .contains("foreign key profiles_id_fkey was not restored").contains("policy own on profiles was not made");
            CliRun auth = CliRun.of(new String[] {"restore", authSnapshot, LocalPostgres.location(dst) + "?schema=authx", "--state", state}, repo);
            assertThat(auth.exitCode()).as(auth.toString()).isZero();
            CliRun again = CliRun.of(new String[] {"restore", publicSnapshot, into, "--json", "--state", state}, repo);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(LocalPostgres.query(dst, "select count(*) from pg_policies where policyname = 'own'")).containsExactly("1");
            assertThat(LocalPostgres.query(dst, "select count(*) from pg_constraint where conname = 'profiles_id_fkey'")).containsExactly("1");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /**
     * The schema's default privileges (a Supabase project's grants to its roles on every table made
     * later) and the comments on its indexes, constraints and types come back with a restore: the
     * default privileges last, so a restored table gets the grants it had, not more; those naming a
     * role the target lacks are one warning; a part restored makes its table's index and constraint
     * comments again.
     */
    @Test
    void aRestoreMakesTheDefaultPrivilegesAndTheCommentsOnIndexesConstraintsAndTypes() throws Exception {
        String src = "cutover_it_code_dsrc", dst = "cutover_it_code_ddst", reader = "cutover_it_code_dreader", gone = "cutover_it_code_dgone";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql("postgres", "drop role if exists " + reader, "drop role if exists " + gone, "create role " + reader, "create role " + gone);
            LocalPostgres.sql(src, "create type mood as enum ('ok', 'sad')", "create domain small as int check (value < 100)",
                    "create table things (id int primary key, m mood, n small, constraint n_positive check (n > 0))", "create index things_m on things (m)",
                    "comment on type mood is 'how it feels'", "comment on domain small is 'under a hundred'",
                    "comment on constraint small_check on domain small is 'checked'",
                    "comment on index things_m is 'by mood'", "comment on constraint n_positive on things is 'no zero'",
                    "comment on constraint things_pkey on things is 'the key'", "create type unused as enum ('x')", "comment on type unused is 'unused yet kept'",
                    "insert into things values (1, 'ok', 5)", "grant usage on schema public to " + reader + " with grant option",
                    // after the table: it has no grant of its own to the reader
                    "alter default privileges in schema public grant select on tables to " + reader,
                    "alter default privileges in schema public grant usage on sequences to " + reader + " with grant option",
                    "alter default privileges in schema public grant select on tables to " + gone);
            String state = dir.resolve("dstate").toString();
            String[] repo = TestRepository.init(dir, "defaults").args();
            CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(src), "--state", state}, repo);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            LocalPostgres.sql(src, "alter default privileges in schema public revoke select on tables from " + gone);
            LocalPostgres.sql("postgres", "drop role " + gone);

            LocalPostgres.sql(dst, "grant usage on schema public to " + reader); // without the grant option the source's has
            CliRun dry = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--dry-run", "--state", state}, repo);
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out() + dry.err()).contains("default privileges postgres's sequences to " + reader + ", postgres's tables to " + gone
                    + ", postgres's tables to " + reader).contains("grants on the schema USAGE to " + reader + " with grant option");
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--json", "--state", state}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            JsonNode warnings = Json.MAPPER.readTree(restore.out()).get("warnings");
            assertThat(warnings.toString()).contains("the default privileges of schema public naming role " + gone + " (SELECT on tables postgres makes, to "
                    + gone + ") were not set: the target has no role " + gone);
            assertThat(warnings).as(warnings.toString()).hasSize(1);
            String defaults = "select string_agg(defaclobjtype::text || ' ' || defaclacl::text, ',' order by defaclobjtype) from pg_default_acl";
            assertThat(LocalPostgres.query(dst, defaults)).isEqualTo(LocalPostgres.query(src, defaults));
            assertThat(LocalPostgres.query(dst, "select has_table_privilege('" + reader + "', 'things', 'select')")).containsExactly("f");
            assertThat(LocalPostgres.query(dst, "select has_schema_privilege('" + reader + "', 'public', 'USAGE WITH GRANT OPTION')")).containsExactly("t");
            LocalPostgres.sql(dst, "create table later (x int)");
            assertThat(LocalPostgres.query(dst, "select has_table_privilege('" + reader + "', 'later', 'select')")).containsExactly("t");
            String comments = "select string_agg(d.description, ',' order by d.description) from pg_description d where d.classoid in"
                    + " ('pg_class'::regclass, 'pg_constraint'::regclass, 'pg_type'::regclass) and d.objoid >= 16384"; // not the system's own
            assertThat(LocalPostgres.query(dst, comments)).containsExactly("by mood,checked,how it feels,no zero,the key,under a hundred,unused yet kept");

            LocalPostgres.sql(dst, "drop table things");
            CliRun part = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--only", "things", "--state", state}, repo);
            assertThat(part.exitCode()).as(part.toString()).isZero();
            assertThat(LocalPostgres.query(dst, comments)).containsExactly("by mood,checked,how it feels,no zero,the key,under a hundred,unused yet kept");
        } finally {
            LocalPostgres.drop(src, dst);
            LocalPostgres.dropRole(reader);
            LocalPostgres.dropRole(gone);
        }
    }

    /**
     * Restored by a role that may write a table but does not own it: the table's triggers cannot be
     * turned off, fire for the restored rows, and the summary says so (the dry run did; the restore
     * said nothing). The role needs no privilege to create: the state tables are there already.
     */
    @Test
    void aRestoreByARoleThatDoesNotOwnTheTableSaysItsTriggersFired() throws Exception {
        String db = "cutover_it_code_owner", writer = "cutover_it_code_writer";
        LocalPostgres.recreate(db);
        try {
            LocalPostgres.recreateRole(writer);
            LocalPostgres.sql(db, "create function bump() returns trigger language plpgsql as $$ begin new.n := new.n + 1; return new; end $$",
                    "create table counts (id int primary key, n int)", "create trigger counts_bump before insert or update on counts for each row execute function bump()",
                    "insert into counts values (1, 10), (2, 20)");
            String state = dir.resolve("owner-state").toString();
            String[] repo = TestRepository.init(dir, "owner").args();
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(db), "--state", state}, repo).exitCode()).isZero();
            CliRun asOwner = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(db), "--state", state}, repo); // makes the state tables
            assertThat(asOwner.exitCode()).as(asOwner.toString()).isZero();
            assertThat(LocalPostgres.query(db, "select string_agg(n::text, ',' order by id) from counts")).containsExactly("11,21"); // as the backup read them
            LocalPostgres.sql(db, "grant usage on schema cutover to " + writer, "grant all on all tables in schema cutover to " + writer,
                    "grant select, insert, update on counts to " + writer);
            String asWriter = LocalPostgres.location(db).replace("postgres@", writer + "@");
            assertThat(asWriter).contains(writer + "@");
            LocalPostgres.sql(db, "update counts set n = 0 where id = 1"); // the trigger makes it 1; row 2 stays as the snapshot has it
            CliRun restore = CliRun.of(new String[] {"restore", "latest", asWriter, "--json", "--state", state}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(Json.MAPPER.readTree(restore.out()).get("warnings").toString()).contains("triggers fired for the rows written")
                    .contains("counts (counts_bump)").contains("does not own");
            // the upsert fired it twice for the row it wrote: before the insert it tried, and before the update it became; the row
            // the target held as the snapshot has it was not written again
            assertThat(LocalPostgres.query(db, "select string_agg(n::text, ',' order by id) from counts")).containsExactly("13,21");
        } finally {
            LocalPostgres.drop(db);
            LocalPostgres.dropRole(writer);
        }
    }

    /**
     * A table's rules on INSERT do not apply to the rows a restore writes over it (one logs each
     * row), and do not stop it: PostgreSQL takes no upsert into a table with such a rule enabled,
     * so the owner's restore turns them off in each batch, as its triggers. A role that does not own
     * the table cannot: its restore stops, saying which rules and what to do. A rule on UPDATE
     * stops any restore over the table, even disabled (PostgreSQL refuses the upsert all the same):
     * the dry run says so, and the restore's error names it.
     */
    @Test
    void aTablesInsertRulesAreOffForARestoreOverItAndAnUpdateRuleIsNamed() throws Exception {
        String db = "cutover_it_code_rules", writer = "cutover_it_code_rwriter";
        LocalPostgres.recreate(db);
        try {
            LocalPostgres.recreateRole(writer);
            LocalPostgres.sql(db, "create table items (id int primary key, v text)", "create table items_log (v text)",
                    "create rule items_logged as on insert to items do also insert into items_log values (new.v)",
                    "create rule items_checked as on insert to items where new.v = '' do instead nothing",
                    "alter table items disable rule items_checked", "insert into items values (1, 'a'), (2, 'b')");
            String state = dir.resolve("rules-state").toString();
            String[] repo = TestRepository.init(dir, "rules").args();
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(db), "--state", state}, repo).exitCode()).isZero();
            LocalPostgres.sql(db, "delete from items where id = 2", "delete from items_log");
            CliRun dryRun = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(db), "--only", "items", "--dry-run", "--state", state}, repo);
            assertThat(dryRun.out() + dryRun.err()).contains("has rules on INSERT (items_logged), which do not apply");
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(db), "--only", "items", "--state", state}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(LocalPostgres.query(db, "select string_agg(id || v, ',' order by id) from items")).containsExactly("1a,2b");
            assertThat(LocalPostgres.query(db, "select count(*) from items_log")).containsExactly("0");
            assertThat(LocalPostgres.query(db, "select string_agg(rulename || ' ' || ev_enabled::text, ',' order by rulename) from pg_rewrite"
                    + " where ev_class = 'items'::regclass")).containsExactly("items_checked D,items_logged O");

            LocalPostgres.sql(db, "delete from items where id = 2", "grant usage on schema cutover to " + writer,
                    "grant all on all tables in schema cutover to " + writer, "grant select, insert, update on items, items_log to " + writer);
            String asWriter = LocalPostgres.location(db).replace("postgres@", writer + "@");
            CliRun refused = CliRun.of(new String[] {"restore", "latest", asWriter, "--only", "items", "--state", state}, repo);
            assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
            assertThat(refused.err()).contains("table public.items has rules on INSERT (items_logged), with which PostgreSQL refuses the upsert")
                    .contains("run as the table's owner").doesNotContain("at org.");

            LocalPostgres.sql(db, "create rule items_kept as on update to items do instead nothing", "alter table items disable rule items_kept");
            CliRun dryRunOverUpdateRule = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(db), "--only", "items", "--dry-run",
                    "--state", state}, repo);
            assertThat(dryRunOverUpdateRule.exitCode()).isEqualTo(5); // the restore would stop before it writes
            assertThat(dryRunOverUpdateRule.err()).contains("table public.items has rules on UPDATE (items_kept): PostgreSQL refuses the upsert");
            CliRun overUpdateRule = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(db), "--only", "items", "--state", state}, repo);
            assertThat(overUpdateRule.exitCode()).as(overUpdateRule.toString()).isNotZero();
            assertThat(overUpdateRule.err()).contains("has rules on UPDATE (items_kept)").contains("even with the rules disabled").doesNotContain("at org.");
            assertThat(LocalPostgres.query(db, "select count(*) from items")).containsExactly("1");
        } finally {
            LocalPostgres.drop(db);
            LocalPostgres.dropRole(writer);
        }
    }

    @Test
    void aMigrationNamesTheTriggersAndPoliciesOfATableItsPlanRenames() throws Exception {
        String src = "cutover_it_code_msrc", dst = "cutover_it_code_mdst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create function touch() returns trigger language plpgsql as $$ begin new.at := now(); return new; end $$",
                    "create table posts (id int primary key, at timestamptz)", "create table tags (id int primary key, at timestamptz)",
                    "create trigger posts_touch before update on posts for each row execute function touch()",
                    "create trigger tags_touch before update on tags for each row execute function touch()",
                    "alter table posts enable row level security", "create policy everyone on posts using (true)",
                    "alter table tags enable row level security", "alter table tags force row level security",
                    "create policy readers on tags for select using (true)",
                    "insert into posts values (1, '2020-01-01T00:00:00Z')", "insert into tags values (1, '2020-01-01T00:00:00Z')");
            LocalPostgres.sql(dst, "create table posts (id int primary key, at timestamptz)"); // another table of the old name: not to be touched
            Path plan = CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), dir.resolve("plan.yaml"));
            String text = Files.readString(plan);
            assertThat(text).contains("    table: posts\n");
            Files.writeString(plan, text.replace("    table: posts\n", "    table: articles\n"));
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString(), "--json");
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            JsonNode result = Json.MAPPER.readTree(migrate.out());
            assertThat(result.get("warnings").toString()).contains("the triggers, rules, policies, comments, grants and publications of tables the plan renames"
                    + " or leaves out were not made: posts (now articles)");
            assertThat(LocalPostgres.query(dst, "select string_agg(tgrelid::regclass || ' ' || tgname, ',' order by tgname) from pg_trigger where not tgisinternal"))
                    .containsExactly("tags tags_touch");
            assertThat(LocalPostgres.query(dst, "select string_agg(tablename || ' ' || policyname, ',') from pg_policies")).containsExactly("tags readers");
            // the renamed table is closed (row-level security on, its policy not made), the other's is forced as in the source
            assertThat(LocalPostgres.query(dst, "select relname || ' ' || relrowsecurity || ' ' || relforcerowsecurity from pg_class"
                    + " where relname in ('tags', 'articles', 'posts') order by 1")).containsExactly("articles true false", "posts false false", "tags true true");
            assertThat(result.get("warnings").toString()).contains("row-level security is on for articles (posts in the source) as in the source, without the policies");
            assertThat(LocalPostgres.query(dst, "select count(*) from articles")).containsExactly("1");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }
}
