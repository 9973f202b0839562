package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The types of a schema that no table's column uses (an enum a function takes, a composite one
 * returns, a domain, a composite with an attribute's own collation, a range whose multirange has a
 * name of its own) are backed up, with the schema's collations (made before the types and tables
 * that name them: a case-insensitive email stays so), with the schema's objects and made again before its
 * functions, with their comments: a restore into an empty database makes the function that takes
 * one, and the view that calls it, which before were not made. A target whose type of the name is
 * another keeps it, named; a dry run names the types it would make (those they are made of first).
 */
class UnusedTypesIT {
    private static final String SRC = "cutover_it_unused_types_src";
    private static final String DST = "cutover_it_unused_types_dst";
    private static final String OTHER = "cutover_it_unused_types_other";
    private static final String DRY = "cutover_it_unused_types_dry";
    /** The schema's enums with their labels, composites with their attributes, domains with their bases and checks, ranges with their subtypes. */
    private static final String TYPES = "select format('enum %s %s', t.typname, array(select enumlabel from pg_enum where enumtypid = t.oid order by enumsortorder))"
            + " from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'e'"
            + " union all select format('composite %s (%s)', t.typname, (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
            + " || case when a.attcollation not in (0, 100) then ' collate ' || a.attcollation::regcollation::text else '' end,"
            + " ', ' order by a.attnum) from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0)) from pg_type t join pg_class r on r.oid = t.typrelid"
            + " where t.typnamespace = 'public'::regnamespace and t.typtype = 'c' and r.relkind = 'c'"
            + " union all select format('domain %s %s %s', t.typname, format_type(t.typbasetype, t.typtypmod), (select string_agg(pg_get_constraintdef(k.oid), ',')"
            + " from pg_constraint k where k.contypid = t.oid)) from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'd'"
            + " union all select format('range %s %s %s', t.typname, format_type(r.rngsubtype, null), format_type(r.rngmultitypid, null))"
            + " from pg_type t join pg_range r on r.rngtypid = t.oid"
            + " where t.typnamespace = 'public'::regnamespace order by 1";

    @TempDir static Path dir;
    static TestRepository repo;

    @BeforeAll
    static void backedUp() throws Exception {
        LocalPostgres.recreate(SRC, DST, OTHER, DRY);
        LocalPostgres.sql(SRC, "create type app_role as enum ('admin', 'member')",
                "create type mood as enum ('ok', 'meh')",
                "create type labelled as (m mood, note text)", // no column uses it; made of the enum a column does
                "create domain email as text check (value like '%@%')",
                "create type floatrange as range (subtype = float8)",
                "create type coded as (code text collate \"C\", n int)", // an attribute's own collation
                "create type textrange as range (subtype = text, multirange_type_name = text_spans)", // a multirange of its own name
                "create extension citext", "create domain ci_email as citext", // an extension's type, the extension made first
                "create collation loose (provider = icu, locale = 'und')", "create type tagged as (tag text collate loose)", // the schema's own collation
                "create collation ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "create table contacts (id int primary key, email text collate ci unique)", "insert into contacts values (1, 'Ann@x.org')",
                "comment on type app_role is 'what a member may do'",
                "create table members (id int primary key, m mood, role_name text)",
                "insert into members values (1, 'ok', 'admin'), (2, 'meh', 'member')",
                "create function has_role(r app_role) returns boolean language sql as $$ select r = 'admin' $$",
                "create function label(m mood) returns labelled language sql as $$ select row(m, 'x')::labelled $$",
                "create function first_email(e email[]) returns email language sql as $$ select e[1] $$",
                "create view admins as select id from members where has_role(role_name::app_role)");
        repo = TestRepository.init(dir, "unused");
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", dir.resolve("state").toString()}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out() + backup.err()).doesNotContain("types no table's column uses");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, OTHER, DRY);
    }

    @Test
    void aRestoreMakesTheTypesTheFunctionsTakeBeforeThem() throws Exception {
        LocalPostgres.sql(DST, "create collation loose (provider = icu, locale = 'und')"); // the target's own: left as it is
        JsonNode restored = restore(DST, false);
        assertThat(restored.get("warnings")).as(restored.toString()).isEmpty();
        assertThat(LocalPostgres.query(DST, TYPES)).containsExactlyElementsOf(LocalPostgres.query(SRC, TYPES));
        assertThat(LocalPostgres.query(DST, "select id from admins")).containsExactly("1");
        assertThat(LocalPostgres.query(DST, "select (label('meh')).note || ' ' || first_email(array['a@b']::email[])")).containsExactly("x a@b");
        assertThat(LocalPostgres.query(DST, "select obj_description('app_role'::regtype, 'pg_type')")).containsExactly("what a member may do");
        // the case-insensitive collation made before the table: its unique email refuses another case of the same
        assertThat(LocalPostgres.query(DST, "select c.collname || ' ' || c.collisdeterministic from pg_attribute a join pg_collation c on c.oid = a.attcollation"
                + " where a.attrelid = 'contacts'::regclass and a.attname = 'email'")).containsExactly("ci false");
        assertThat(LocalPostgres.query(DST, "select count(*) from contacts where email = 'ANN@X.ORG'")).containsExactly("1");
    }

    @Test
    void aTargetsTypeOfTheNameIsKeptAndNamed() throws Exception {
        LocalPostgres.sql(OTHER, "create type app_role as enum ('admin')");
        assertThat(CliRun.texts(restore(OTHER, true).get("schemaObjectsNotMade"))).contains("type app_role here is not the source's: the target's"
                + " type of the name lacks labels of the source's (member); the restore would leave it as it is"); // foreseen (acceptance run 28)
        JsonNode restored = restore(OTHER, false);
        assertThat(CliRun.texts(restored.get("warnings"))).anySatisfy(w -> assertThat(w)
                .contains("type app_role here is not the source's: the target's type of the name lacks labels of the source's (member)"));
        assertThat(LocalPostgres.query(OTHER, "select array(select enumlabel from pg_enum where enumtypid = 'app_role'::regtype)::text")).containsExactly("{admin}");
        assertThat(LocalPostgres.query(OTHER, "select count(*) from members")).containsExactly("2");
        // the schema's collation is made first, and the type with it
        assertThat(LocalPostgres.query(OTHER, "select c.collname from pg_type t join pg_attribute a on a.attrelid = t.typrelid join pg_collation c"
                + " on c.oid = a.attcollation where t.typname = 'tagged' and a.attname = 'tag'")).containsExactly("loose");
        assertThat(LocalPostgres.query(OTHER, "select format_type(typbasetype, null) from pg_type where typname = 'ci_email'")).containsExactly("citext");
    }

    @Test
    void aDryRunNamesTheTypesItWouldMake() throws Exception {
        JsonNode dry = restore(DRY, true);
        assertThat(CliRun.texts(dry.get("warnings"))).anySatisfy(w -> assertThat(w).contains("collations loose, ci and types mood, app_role, email, ci_email, labelled, coded, tagged, floatrange, textrange"));
        assertThat(LocalPostgres.query(DRY, "select count(*) from pg_type where typnamespace = 'public'::regnamespace and typtype in ('e', 'c', 'd', 'r')"))
                .containsExactly("0");
    }

    private static JsonNode restore(String database, boolean dryRun) throws Exception {
        Path state = dir.resolve("state-" + database);
        return (dryRun ? repo.restoreLatest(LocalPostgres.location(database), state, "--dry-run") : repo.restoreLatest(LocalPostgres.location(database), state)).json();
    }
}
