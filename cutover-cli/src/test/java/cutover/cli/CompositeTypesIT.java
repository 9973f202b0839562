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
 * Columns of composite types ({@code CREATE TYPE pair AS (a int, b text)}), of arrays of one, of a
 * composite made of another composite, an enum, a domain and an array, and of a domain over a
 * composite come back of their own types, made before the table in the order they are made of
 * one another, with their values as the source's text: by a restore into an empty database and by
 * a migration from PostgreSQL into PostgreSQL. A target whose type of the name has other attributes
 * keeps it, and the column takes its plan's type, with a warning, as for an enum without the
 * source's labels.
 */
class CompositeTypesIT {
    private static final String SRC = "cutover_it_comp_src";
    private static final String DST = "cutover_it_comp_dst";
    private static final String OTHER = "cutover_it_comp_other";
    private static final String MIG = "cutover_it_comp_mig";
    private static final String VALUES = "select id || ' ' || coalesce(p::text, '-') || ' ' || coalesce(ps::text, '-') || ' ' || coalesce(g::text, '-')"
            + " || ' ' || coalesce(c::text, '-') from t order by id";
    private static final String COLUMNS = "select attname || ' ' || format_type(atttypid, atttypmod) from pg_attribute where attrelid = 't'::regclass"
            + " and attnum > 0 and not attisdropped order by attnum";
    /** The schema's composite types with their attributes, its enums with their labels, its domains with their bases and checks. */
    private static final String TYPES = "select format('composite %s (%s)', t.typname, (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod),"
            + " ', ' order by a.attnum) from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0)) from pg_type t join pg_class r on r.oid = t.typrelid"
            + " where t.typnamespace = 'public'::regnamespace and t.typtype = 'c' and r.relkind = 'c'"
            + " union all select format('enum %s %s', t.typname, array(select enumlabel from pg_enum where enumtypid = t.oid order by enumsortorder))"
            + " from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'e'"
            + " union all select format('domain %s %s %s', t.typname, format_type(t.typbasetype, t.typtypmod), (select string_agg(pg_get_constraintdef(k.oid), ',')"
            + " from pg_constraint k where k.contypid = t.oid)) from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'd' order by 1";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST, OTHER, MIG);
        LocalPostgres.sql(SRC, "create type mood as enum ('happy', 'it''s complicated')",
                "create domain short_text as text check (length(value) < 40)",
                "create type pair as (a int, b text)",
                // made of a composite, an enum, a domain and an array of a composite: each made first
                "create type tagged as (p pair, m mood, note short_text, ps pair[])",
                "create domain positive_pair as pair check ((value).a is null or (value).a > 0)",
                "create type spare as (x int)", // no column uses it: among the schema's objects
                "create table t (id int primary key, p pair, ps pair[], g tagged, c positive_pair)",
                "insert into t values (1, row(1, E'x, (y) \"q\" \\\\ z\\t'), array[row(2, 'a,b')::pair, null, row(null, '')::pair],"
                        + " row(row(3, '(nested)'), 'it''s complicated', 'n \"1\"', array[row(4, null)::pair]), row(5, 'ok')),"
                        + " (2, null, null, null, null),"
                        + " (3, row(null, null), '{}', row(null, null, null, null), row(null, 'no a')),"
                        + " (4, row(7, 'NULL'), array[null::pair], row(row(null, null), 'happy', '', '{}'), null)");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, OTHER, MIG);
    }

    @Test
    void anEmptyDatabaseGetsTheCompositeTypesItsColumnsUse() throws Exception {
        String state = dir.resolve("empty-state").toString();
        String[] repoArgs = TestRepository.init(dir, "empty").args();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--json", "--state", state}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out() + backup.err()).doesNotContain("types no table's column uses");
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--json", "--state", state}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        JsonNode restored = Json.MAPPER.readTree(restore.out());
        assertThat(restored.get("warnings")).as(restore.toString()).isEmpty();
        assertThat(restored.get("splitsCopiedAsText").asInt()).isEqualTo(restored.get("splits").asInt()).isPositive();
        assertThat(LocalPostgres.query(DST, COLUMNS)).containsExactly("id integer", "p pair", "ps pair[]", "g tagged", "c positive_pair");
        assertThat(LocalPostgres.query(DST, TYPES)).containsExactlyElementsOf(LocalPostgres.query(SRC, TYPES));
        assertThat(LocalPostgres.query(DST, VALUES)).hasSize(4).containsExactlyElementsOf(LocalPostgres.query(SRC, VALUES));
        assertThat(LocalPostgres.query(DST, "select (g).note from t where id = 1")).containsExactly("n \"1\"");
    }

    @Test
    void aTargetsCompositeOfOtherAttributesIsKeptAndTheColumnsTakeTheirPlansTypes() throws Exception {
        LocalPostgres.sql(OTHER, "create type pair as (a int, c text)");
        String state = dir.resolve("other-state").toString();
        String[] repoArgs = TestRepository.init(dir, "other").args();
        assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", state}, repoArgs).exitCode()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(OTHER), "--json", "--state", state}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        List<String> warnings = new ArrayList<>();
        Json.MAPPER.readTree(restore.out()).get("warnings").forEach(w -> warnings.add(w.asText()));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("table public.t: column p is text, not pair as in the source:"
                + " the target's type pair is not the source's"));
        // made of the target's pair, which is not the source's: not made, as a domain over a missing enum
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("column g is text, not tagged as in the source: the target has no type tagged"));
        assertThat(LocalPostgres.query(OTHER, "select string_agg(a.attname, ',' order by a.attnum) from pg_attribute a join pg_type t on t.typrelid = a.attrelid"
                + " where t.typname = 'pair' and a.attnum > 0")).containsExactly("a,c");
        assertThat(LocalPostgres.query(OTHER, "select id || ' ' || coalesce(p, '-') from t order by id"))
                .containsExactlyElementsOf(LocalPostgres.query(SRC, "select id || ' ' || coalesce(p::text, '-') from t order by id"));
    }

    @Test
    void aMigrationIntoPostgresMakesThemToo() throws Exception {
        Path plan = CliRun.plan(LocalPostgres.location(SRC), LocalPostgres.location(MIG), dir.resolve("plan.yaml"));
        assertThat(Files.readString(plan)).contains("# " + TablesAsDefined.MADE_AS_DEFINED);
        String state = dir.resolve("migrate-state").toString();
        CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", state, "--json");
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
        assertThat(Json.MAPPER.readTree(migrate.out()).get("warnings").toString()).doesNotContain("pair").doesNotContain("tagged");
        assertThat(LocalPostgres.query(MIG, COLUMNS)).containsExactly("id integer", "p pair", "ps pair[]", "g tagged", "c positive_pair");
        assertThat(LocalPostgres.query(MIG, VALUES)).hasSize(4).containsExactlyElementsOf(LocalPostgres.query(SRC, VALUES));
        CliRun verify = CliRun.of("verify", plan.toString(), "--json", "--state", state);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }

    /**
     * A range type of the user's is made again with its options (a column of it came back as text,
     * warned); its constructors are not read as the schema's functions (made again, they left the
     * type a shell, which the table could not use: two acceptance runs' finding). Into a target whose
     * type of the name is another, the column takes its plan's type, with a warning.
     */
    @Test
    void aUserRangeTypeIsMadeAgainWithItsOptions() throws Exception {
        String src = "cutover_it_range_src", dst = "cutover_it_range_dst", other = "cutover_it_range_other";
        LocalPostgres.recreate(src, dst, other);
        try {
            LocalPostgres.sql(src, "create type fr as range (subtype = float8, subtype_diff = float8mi)",
                    "create type tr as range (subtype = text, collation = \"C\")",
                    "create table h (id int primary key, rr fr, rs fr[], t tr)",
                    "insert into h values (1, '[1,2)', '{\"[1,2]\",empty}', '[a,b)'), (2, 'empty', null, '[B,a]')");
            String[] repo = TestRepository.init(dir, "range").args("--state", dir.resolve("state-range").toString());
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(src)}, repo).exitCode()).isZero();
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst)}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(restore.out()).doesNotContain("column rr").doesNotContain("column t ");
            String rows = "select string_agg(id || ' ' || rr || ' ' || coalesce(rs::text, '-') || ' ' || t, ', ' order by id) from h";
            assertThat(LocalPostgres.query(dst, rows)).isEqualTo(LocalPostgres.query(src, rows));
            String types = "select string_agg(format_type(rngtypid, null) || ' ' || format_type(rngsubtype, null) || ' ' || rngsubdiff::regproc"
                    + " || ' ' || coalesce((select collname from pg_collation where oid = rngcollation), '-'), ', ' order by 1) from pg_range"
                    + " where rngtypid::regtype::text in ('fr', 'tr')";
            assertThat(LocalPostgres.query(dst, types)).isEqualTo(LocalPostgres.query(src, types));
            assertThat(LocalPostgres.query(dst, "select format_type(atttypid, null) from pg_attribute where attrelid = 'h'::regclass and attnum > 1"
                    + " order by attnum")).containsExactly("fr", "fr[]", "tr");

            LocalPostgres.sql(other, "create type fr as range (subtype = int4)");
            CliRun intoOther = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(other)}, repo);
            assertThat(intoOther.exitCode()).as(intoOther.toString()).isZero();
            assertThat(intoOther.out()).contains("column rr is text, not fr as in the source");
            assertThat(LocalPostgres.query(other, "select string_agg(id || ' ' || rr, ', ' order by id) from h")).containsExactly("1 [1,2), 2 empty");
        } finally {
            LocalPostgres.drop(src, dst, other);
        }
    }
}
