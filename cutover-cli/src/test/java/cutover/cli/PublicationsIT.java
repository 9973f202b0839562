package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publications of a schema's tables come back with a restore: on Supabase, the tables Realtime
 * streams are those of publication {@code supabase_realtime}, and a project restored without them
 * streamed none. A publication the target lacks is made with the source's options; one it has (a
 * new Supabase project's, empty) gets the source's tables, with their column lists and row filters,
 * and a table keeps its replica identity (a row filter on a column outside the key needs FULL, or
 * the application's UPDATE fails); a table the target had, whose identity would then refuse the
 * application's writes, is left out and said; a part restored gets its table's; a publication of
 * all tables is not made (a superuser's choice), and said; a dry run names what it would add.
 */
class PublicationsIT {
    private static final String SRC = "cutover_it_pub_src";
    private static final String DST = "cutover_it_pub_dst";
    private static final String SUPA = "cutover_it_pub_supa";
    /** Each publication with its options and the tables, column lists and row filters it publishes, a line each. */
    private static final String PUBLISHED = "select p.pubname || ' ' || p.pubinsert || p.pubupdate || p.pubdelete || p.pubtruncate || ' ' || p.pubviaroot"
            + " || ' ' || coalesce((select string_agg(t.tablename || coalesce(' ' || t.attnames::text, '') || coalesce(' where ' || t.rowfilter, ''), '; '"
            + " order by t.tablename) from pg_publication_tables t where t.pubname = p.pubname), '-') from pg_publication p"
            + " where p.pubname <> 'everything' order by 1";
    private static final String EVERYTHING = "publication everything publishes every table of the database in the source; the target has none of the name,"
            + " and a restore does not make one (a superuser's choice, which publishes tables no snapshot held): CREATE PUBLICATION \"everything\" FOR ALL TABLES";

    @TempDir static Path dir;
    static TestRepository repo;

    @BeforeAll
    static void backedUp() throws Exception {
        LocalPostgres.recreate(SRC, DST, SUPA);
        // an identity column: the check of the application's UPDATE names it DEFAULT, as it takes no other value (review)
        LocalPostgres.sql(SRC, "create table messages (id int generated always as identity primary key, body text)", "create table rooms (id int primary key, name text, secret text)",
                "create table audit (id int primary key)", "create table notes (id int primary key, body text, private bool)",
                "alter table notes replica identity full", "create table events (id bigserial primary key, what text)",
                "create table readings (id int, at date, v text, primary key (id, at)) partition by range (at)",
                "create table readings_2026 partition of readings for values from ('2026-01-01') to ('2027-01-01')",
                "alter table readings_2026 replica identity full", "insert into readings values (1, '2026-05-01', 'r')",
                "create publication readings_pub for table readings where (v <> '') with (publish_via_partition_root = true)",
                "insert into messages (body) values ('hi')", "insert into rooms values (1, 'lobby', 'x'), (-1, 'hidden', 'y')",
                "insert into notes values (1, 'n', false)", "insert into events (what) values ('e')",
                "create publication supabase_realtime for table messages, rooms (id, name) where (id > 0), notes where (not private)",
                "create publication inserts_only for table audit with (publish = 'insert')", "create publication everything for all tables");
        repo = TestRepository.init(dir, "pub");
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", dir.resolve("state").toString()}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, SUPA);
    }

    @Test
    void aRestoreMakesThePublicationsOfItsTables() throws Exception {
        JsonNode restored = restore(DST, false);
        assertThat(CliRun.texts(restored.get("warnings"))).as(restored.toString()).containsExactly(EVERYTHING);
        assertThat(LocalPostgres.query(DST, PUBLISHED)).containsExactlyElementsOf(LocalPostgres.query(SRC, PUBLISHED));
        assertThat(LocalPostgres.query(DST, "select count(*) from pg_publication where pubname = 'everything'")).containsExactly("0");
        assertThat(LocalPostgres.query(DST, "select relreplident from pg_class where relname = 'notes'")).containsExactly("f");
        LocalPostgres.sql(DST, "update notes set body = 'changed'", "delete from notes where private"); // the application's writes go on
        // a partition's own identity too: its rows are logged by it, the root's filter checked against it
        assertThat(LocalPostgres.query(DST, "select relreplident from pg_class where relname = 'readings_2026'")).containsExactly("f");
        LocalPostgres.sql(DST, "update readings set v = 'changed'", "update messages set body = 'again'");

        LocalPostgres.sql(DST, "drop table rooms");
        CliRun part = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--only", "rooms", "--state",
                dir.resolve("state-part").toString()}, repo.args());
        assertThat(part.exitCode()).as(part.toString()).isZero();
        assertThat(LocalPostgres.query(DST, PUBLISHED)).containsExactlyElementsOf(LocalPostgres.query(SRC, PUBLISHED));
    }

    @Test
    void aTargetsOwnPublicationGetsTheTablesItLacks() throws Exception {
        // a new Supabase project's: there, publishing nothing, its options its own
        LocalPostgres.sql(SUPA, "create publication supabase_realtime with (publish = 'insert, update')",
                "create table notes (id int primary key, body text, private bool)"); // the application's, its identity the key
        JsonNode dry = restore(SUPA, true);
        assertThat(CliRun.texts(dry.get("warnings"))).anySatisfy(w -> assertThat(w)
                .contains("publications inserts_only (the publication too) of audit, readings_pub (the publication too) of readings,"
                        + " supabase_realtime of messages, notes, rooms"));
        assertThat(CliRun.texts(dry.get("warnings"))).contains(EVERYTHING);
        // not the serial column's default, which the restore makes with its sequence (acceptance run 28)
        // the application's table whose identity would refuse its writes once published, foreseen (acceptance run 29)
        List<String> notMade = CliRun.texts(dry.get("schemaObjectsNotMade"));
        assertThat(notMade).as(dry.toString()).hasSize(2).contains(EVERYTHING);
        assertThat(notMade.get(1)).startsWith("table notes would not be added to publication supabase_realtime: cannot update table \"notes\"")
                .contains("not part of the replica identity");
        assertThat(LocalPostgres.query(SUPA, "select count(*) from pg_publication_tables")).containsExactly("0");
        JsonNode restored = restore(SUPA, false);
        List<String> warnings = CliRun.texts(restored.get("warnings"));
        assertThat(warnings).hasSize(2).contains(EVERYTHING);
        assertThat(warnings.get(1)).startsWith("table notes was not added to publication supabase_realtime: cannot update table \"notes\"")
                .contains("not part of the replica identity").endsWith("(the application's UPDATE or DELETE on it would then fail: ALTER TABLE notes"
                        + " REPLICA IDENTITY … as in the source first)");
        assertThat(LocalPostgres.query(SUPA, PUBLISHED)).containsExactly("inserts_only truefalsefalsefalse false audit {id}",
                "readings_pub truetruetruetrue true readings {id,at,v} where (v <> ''::text)",
                "supabase_realtime truetruefalsefalse false messages {id,body}; rooms {id,name} where (id > 0)");
        LocalPostgres.sql(SUPA, "update notes set body = 'changed'");
    }

    private static JsonNode restore(String database, boolean dryRun) throws Exception {
        Path state = dir.resolve("state-" + database);
        return (dryRun ? repo.restoreLatest(LocalPostgres.location(database), state, "--dry-run") : repo.restoreLatest(LocalPostgres.location(database), state)).json();
    }
}
