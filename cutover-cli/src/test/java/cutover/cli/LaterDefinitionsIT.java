package cutover.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each backup stores the tables' definitions as they are when it runs, whatever the earlier
 * snapshot held: a column, an index and a table added after it, then a check added to a table of the
 * same set (the definitions are read as a backup begins, for the tables of the earlier snapshot, and
 * read again when the tables are not those), are all made by a restore of the latest snapshot.
 */
class LaterDefinitionsIT {
    private static final String SRC = "cutover_it_later_defs_src";
    private static final String DST = "cutover_it_later_defs_dst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table a (id int primary key, name text)", "insert into a values (1, 'x'), (2, 'y')");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void eachBackupStoresTheDefinitionsAsTheyAreWhenItRuns() throws Exception {
        String state = dir.resolve("state").toString();
        String[] repoArgs = TestRepository.init(dir, "later").args();
        backUp(repoArgs, state);

        // another set of tables than the earlier snapshot's
        LocalPostgres.sql(SRC, "alter table a add column extra int default 7", "create index a_name on a (name)",
                "create table b (id bigint primary key, note text not null default 'n')", "insert into b (id) values (10)");
        backUp(repoArgs, state);
        // the same set of tables, one of them defined otherwise
        LocalPostgres.sql(SRC, "alter table b add constraint b_note_check check (note <> '')");
        backUp(repoArgs, state);

        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--json", "--state", state}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(definitions(DST)).isEqualTo(definitions(SRC))
                .contains("column a.extra integer default 7", "index CREATE INDEX a_name ON public.a USING btree (name)",
                        "column b.note text default 'n'::text", "constraint b.b_note_check CHECK ((note <> ''::text))");
    }

    private static void backUp(String[] repoArgs, String state) {
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--json", "--state", state}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    /** The columns (with their defaults), constraints and indexes of tables a and b, one line each. */
    private static List<String> definitions(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select format('column %s.%s %s default %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid))"
                        + " from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
                        + " where c.relname in ('a', 'b') and c.relnamespace = 'public'::regnamespace and a.attnum > 0 and not a.attisdropped"
                        + " union all select format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid)) from pg_constraint k"
                        + " join pg_class c on c.oid = k.conrelid where c.relname in ('a', 'b') and c.relnamespace = 'public'::regnamespace"
                        + " union all select format('index %s', pg_get_indexdef(i.indexrelid)) from pg_index i join pg_class c on c.oid = i.indrelid"
                        + " where c.relname in ('a', 'b') and c.relnamespace = 'public'::regnamespace order by 1")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
