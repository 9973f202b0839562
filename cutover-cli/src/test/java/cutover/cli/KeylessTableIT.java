package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table without a primary key (an event log, a join table) is backed up as its own rows and comes
 * back as it was: the same columns and types, no column added, equal rows kept as many as they were.
 * It has no key to match rows by, so it is restored only into a new or empty table; over one with
 * rows the restore (and its dry run) stops and says why, and a key pattern leaves it out, saying so.
 */
class KeylessTableIT {
    private static final String SRC = "cutover_it_keyless_src";
    private static final String NEW = "cutover_it_keyless_new";
    private static final String BY_KEY = "cutover_it_keyless_bykey";

    @TempDir static Path dir;
    private static TestRepository repo;
    private static String state;

    @BeforeAll
    static void backUp() throws Exception {
        LocalPostgres.recreate(SRC, NEW, BY_KEY);
        LocalPostgres.sql(SRC, "create table events (at timestamp, kind text default 'click', n int, tags int[], price numeric(12,3), note text)",
                "create index events_kind on events (kind)",
                "insert into events select timestamp '2024-01-01' + g * interval '1 minute', 'k' || (g % 7), g % 100,"
                        + " case when g % 5 = 0 then null else array[g, g + 1] end, g / 7.0, case when g % 11 = 0 then E'tab\\there \\\\ back' end"
                        + " from generate_series(1, 3000) g",
                // rows nothing tells apart: each must come back as many times as it was there
                "insert into events values ('2024-05-05 05:05', 'same', 1, '{1}', 1, null), ('2024-05-05 05:05', 'same', 1, '{1}', 1, null),"
                        + " ('2024-05-05 05:05', 'same', 1, '{1}', 1, null), (null, null, null, null, null, null), (null, null, null, null, null, null),"
                        + " ('infinity', 'far', 2, '{}', 'NaN', ''), ('-infinity', 'far', 2, '{}', 'NaN', '')",
                "update events set note = 'moved' where n = 42", // updated rows move in the heap: ctid order is not insertion order
                // an id that is no key: equal ids, and none
                "create table tagged (id int, tag text)", "insert into tagged values (5, 'a'), (5, 'a'), (1, 'b'), (null, 'n')",
                "create table kinds (id text primary key, label text)",
                "insert into kinds select 'k' || g, 'kind ' || g from generate_series(0, 6) g");
        repo = TestRepository.init(dir, "keyless");
        state = dir.resolve("state").toString();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--json", "--state", state}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        JsonNode events = Json.MAPPER.readTree(backup.out()).get("entities").get("events");
        assertThat(events.get("stored").asText()).as("the table's own rows, not records keyed by ctid").isEqualTo("postgresql/copy-text/1");
        assertThat(events.get("records").asLong()).isEqualTo(3007);
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, NEW, BY_KEY);
    }

    @Test
    void intoAnEmptyDatabaseItComesBackAsItWasDuplicatesAndAll() throws Exception {
        CliRun dry = restore(NEW, "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode forecast = Json.MAPPER.readTree(dry.out()).get("tables");
        List<String> inserts = new ArrayList<>();
        forecast.fields().forEachRemaining(t -> inserts.add(t.getKey() + " " + t.getValue().get("insert").asLong() + " " + t.getValue().get("update").asLong()));
        assertThat(inserts).containsExactlyInAnyOrder("events 3007 0", "tagged 4 0", "kinds 7 0");

        CliRun restore = restore(NEW, "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(columns(NEW)).isEqualTo(columns(SRC)).doesNotContain("events.id text");
        assertThat(rowsSorted(NEW)).hasSize(3007).isEqualTo(rowsSorted(SRC));
        assertThat(LocalPostgres.query(NEW, "select count(*) from pg_constraint where conrelid = 'events'::regclass and contype = 'p'")).containsExactly("0");
        assertThat(LocalPostgres.query(NEW, "select indexname from pg_indexes where tablename = 'events'")).containsExactly("events_kind");
        assertThat(LocalPostgres.query(NEW, "select count(*) from events where kind = 'same'")).containsExactly("3");

        // run again, the table has rows and nothing to match the snapshot's to them by: stopped, not doubled, as its dry run says first
        CliRun dryFirst = restore(NEW, "--dry-run");
        assertThat(dryFirst.exitCode()).as(dryFirst.toString()).isNotZero();
        assertThat(dryFirst.err()).contains("table public.events has rows");
        CliRun again = restore(NEW);
        assertThat(again.exitCode()).as(again.toString()).isNotZero();
        assertThat(again.err()).contains("table public.events has rows, and it has no primary key").contains("TRUNCATE");
        assertThat(rowsSorted(NEW)).hasSize(3007);
        CliRun dryAgain = restore(NEW, "--dry-run");
        assertThat(dryAgain.exitCode()).as(dryAgain.toString()).isNotZero();
        assertThat(dryAgain.err()).contains("table public.events has rows, and it has no primary key").contains("the restore would stop");

        // emptied, it is restored whole again
        LocalPostgres.sql(NEW, "truncate events");
        CliRun emptied = restore(NEW, "--only", "events", "--json");
        assertThat(emptied.exitCode()).as(emptied.toString()).isZero();
        assertThat(rowsSorted(NEW)).isEqualTo(rowsSorted(SRC));

        // verify matches rows by content where there is no key (their ctids differ: the source's updated rows moved)
        assertThat(LocalPostgres.query(SRC, "select ctid::text from events where n = 42 limit 1"))
                .isNotEqualTo(LocalPostgres.query(NEW, "select ctid::text from events where n = 42 limit 1"));
        CliRun equal = CliRun.of("verify", LocalPostgres.location(SRC), LocalPostgres.location(NEW), "--json", "--state", state);
        assertThat(equal.exitCode()).as(equal.toString()).isZero();
        assertThat(Json.MAPPER.readTree(equal.out()).at("/summary/streamedBecause").asText()).contains("tables without a primary key (events, tagged)");
        CliRun onlyKeyless = CliRun.of("verify", LocalPostgres.location(SRC), LocalPostgres.location(NEW), "--tables", "events,tagged", "--json", "--state", state);
        assertThat(onlyKeyless.exitCode()).as(onlyKeyless.toString()).isZero();
        assertThat(Json.MAPPER.readTree(onlyKeyless.out()).at("/summary/streamedBecause").asText()).contains("no primary key (events, tagged)");
        // one of three equal rows gone, one row changed: a row missing, and the changed one missing and extra (no key pairs them)
        LocalPostgres.sql(NEW, "delete from events where ctid = (select min(ctid) from events where kind = 'same')",
                "update events set note = 'edited' where n = 7 and at = timestamp '2024-01-01' + 7 * interval '1 minute'");
        CliRun differs = CliRun.of("verify", LocalPostgres.location(SRC), LocalPostgres.location(NEW), "--json", "--state", state);
        assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(1);
        List<String> found = new ArrayList<>();
        for (JsonNode d : Json.MAPPER.readTree(differs.out()).get("differenceList")) {
            found.add(d.get("table").asText() + " " + d.get("kind").asText() + " " + (d.toString().contains("same") ? "same" : d.toString().contains("edited") ? "edited" : "other"));
        }
        assertThat(found).containsExactlyInAnyOrder("events missing same", "events missing other", "events extra edited");
    }

    @Test
    void overTheTableItCameFromTheRestoreStopsAndChangesNothing() throws Exception {
        List<String> before = rowsSorted(SRC);
        CliRun over = restore(SRC, "--only", "events");
        assertThat(over.exitCode()).as(over.toString()).isNotZero();
        assertThat(over.err()).contains("table public.events has rows, and it has no primary key to match the source's rows to them by");
        assertThat(rowsSorted(SRC)).isEqualTo(before);
    }

    /**
     * With --delete the target is to hold the snapshot's rows alone: a table without a key has no key
     * to find its extra rows by, so all go and the snapshot's come whole (a rollback of a table of
     * events: it was refused as holding rows, and stayed as it was; acceptance run 25).
     */
    @Test
    void withDeleteItIsEmptiedAndLoadedWhole() throws Exception {
        String db = "cutover_it_keyless_delete";
        LocalPostgres.recreate(db);
        try {
            assertThat(restore(db, "--only", "events").exitCode()).isZero();
            LocalPostgres.sql(db, "insert into events (kind, n) values ('after', 1), ('after', 2)", "delete from events where n = 7");
            List<String> changed = rowsSorted(db);
            long held = changed.size();

            CliRun dry = restore(db, "--only", "events", "--delete", "--dry-run", "--json");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            JsonNode forecast = Json.MAPPER.readTree(dry.out());
            assertThat(forecast.get("delete").asLong()).isEqualTo(held);
            assertThat(forecast.get("tables").get("events").get("insert").asLong()).isEqualTo(3007);
            assertThat(forecast.get("warnings").toString()).contains("would empty the tables without a primary key").contains("events");
            assertThat(rowsSorted(db)).as("a dry run").isEqualTo(changed);

            CliRun deleted = restore(db, "--only", "events", "--delete", "--json");
            assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
            JsonNode summary = Json.MAPPER.readTree(deleted.out());
            assertThat(summary.get("deletedByTable").get("events").asLong()).isEqualTo(held);
            assertThat(rowsSorted(db)).as("the snapshot's rows, duplicates and all").isEqualTo(rowsSorted(SRC));
            // without --delete, still refused: nothing tells which of its rows are the snapshot's
            CliRun plain = restore(db, "--only", "events");
            assertThat(plain.exitCode()).as(plain.toString()).isNotZero();
        } finally {
            LocalPostgres.drop(db);
        }
    }

    @Test
    void aKeyPatternLeavesItOutAndSaysSo() throws Exception {
        // the dry run says so too, and of a pattern nothing matches
        CliRun dry = restore(BY_KEY, "--where-key", "k1*", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(Json.MAPPER.readTree(dry.out()).get("warnings").toString()).contains("no primary key for --where-key to match: events");
        CliRun none = restore(BY_KEY, "--where-key", "nothing*", "--dry-run");
        assertThat(none.exitCode()).as(none.toString()).isZero();
        assertThat(none.out()).contains("warning: no key of snapshot").contains("matches --where-key 'nothing*'")
                .contains("no primary key for --where-key to match: events");

        CliRun restore = restore(BY_KEY, "--where-key", "k1*", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        List<String> warnings = new ArrayList<>();
        Json.MAPPER.readTree(restore.out()).get("warnings").forEach(w -> warnings.add(w.asText()));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("no primary key for --where-key to match: events"));
        assertThat(LocalPostgres.query(BY_KEY, "select id from kinds")).containsExactly("k1");
        assertThat(LocalPostgres.query(BY_KEY, "select count(*) from pg_tables where tablename = 'events'")).containsExactly("0");
    }

    /**
     * In SQLite, which makes tables from the plan, a row's number in the snapshot is its rowid: no
     * column is added (the application's inserts, naming none, work), and verify finds it equal.
     */
    @Test
    void intoSqliteEachRowIsNumbered() throws Exception {
        Path db = dir.resolve("keyless.db");
        CliRun restore = restore("sqlite:" + db, "--only", "events");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("3,007 read = 3,007 written + 0 dead-lettered")
                .contains("indexes, defaults and sequences (postgresql/table/1) are not made in the target").contains("primary key only: events");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), count(distinct rowid), min(rowid), max(rowid), sum(kind = 'same') from events")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))).containsExactly(3007L, 3007L, 1L, 3007L, 3L);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select group_concat(name, ',') from pragma_table_info('events')")) {
            rs.next();
            assertThat(rs.getString(1)).as("the source's columns, none added").doesNotContain("row").doesNotContain("ctid");
        }
        // the application's inserts work (no key column to fill); rows keyed by their place match none of the table's own,
        // so a restore over it now is refused, as into PostgreSQL (acceptance run: the snapshot's rows overwrote the application's)
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("insert into events (kind) values ('the app writes on')");
        }
        for (String dryRun : List.of("--dry-run", "--quiet")) {
            CliRun again = restore("sqlite:" + db, "--only", "events", dryRun);
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(5);
            assertThat(again.err()).contains("table events has rows, and its rows are keyed by their place");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), sum(kind = 'the app writes on') from events")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2))).containsExactly(3008L, 1L);
        }
        CliRun tagged = restore("sqlite:" + db, "--only", "tagged");
        assertThat(tagged.exitCode()).as(tagged.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select group_concat(coalesce(id, 'null') || ':' || tag, ' ') from (select * from tagged order by rowid)")) {
            rs.next();
            assertThat(rs.getString(1)).as("every row, equal ids and a null one included").isEqualTo("5:a 5:a 1:b null:n");
        }
        // a column no row leaves NULL stays nullable, as the source declared it (kinds.label); a key column is NOT NULL
        CliRun kinds = restore("sqlite:" + db, "--only", "kinds");
        assertThat(kinds.exitCode()).as(kinds.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select group_concat(name || ':' || \"notnull\", ' ') from pragma_table_info('kinds')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("id:1 label:0");
        }
    }

    /**
     * A migration of the same database: the generated plan leaves the tables without a key without one
     * (no ctid column added), the migration makes them as the source defined them and copies their
     * rows whole, equal rows and all, and verify through the plan matches the rows by content.
     */
    @Test
    void aMigrationCopiesThemWholeAsTheSourceDefinesThem() throws Exception {
        String target = "cutover_it_keyless_migrated";
        LocalPostgres.recreate(target);
        try {
            Path plan = dir.resolve("keyless-plan.yaml");
            CliRun p = CliRun.of("plan", LocalPostgres.location(SRC), LocalPostgres.location(target), "-o", plan.toString());
            assertThat(p.exitCode()).as(p.toString()).isZero();
            assertThat(Files.readString(plan)).contains("the source table has no primary key: copied whole").contains("key: []");
            CliRun check = CliRun.of("plan", "check", plan.toString());
            assertThat(check.exitCode()).as(check.toString()).isZero();
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", state);
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(columns(target)).containsExactlyElementsOf(columns(SRC));
            assertThat(rowsSorted(target)).containsExactlyElementsOf(rowsSorted(SRC));
            CliRun verify = CliRun.of("verify", plan.toString(), "--state", state);
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            // the plan checks out against the tables the run made, as the source defines them
            CliRun checkAfter = CliRun.of("plan", "check", plan.toString());
            assertThat(checkAfter.exitCode()).as(checkAfter.toString()).isZero();
            // a column renamed by hand cannot come as the source's text: plan check says so, at the entity
            Path renamed = dir.resolve("keyless-renamed.yaml");
            Files.writeString(renamed, Files.readString(plan).replaceFirst("- name: tag\n", "- name: label\n"));
            assertThat(Files.readString(renamed)).contains("- name: label");
            CliRun checkRenamed = CliRun.of("plan", "check", renamed.toString(), "--no-target");
            assertThat(checkRenamed.exitCode()).as(checkRenamed.toString()).isEqualTo(3);
            assertThat(checkRenamed.out()).contains("column label: a table without a key is copied whole");
            // a row changed in the source is a difference, found by content (a row only the source has, one only the target has)
            LocalPostgres.sql(SRC, "update tagged set tag = 'c' where id = 1");
            try {
                CliRun after = CliRun.of("verify", plan.toString(), "--json", "--state", state);
                assertThat(after.exitCode()).as(after.toString()).isEqualTo(1); // differences found
                JsonNode tagged = Json.MAPPER.readTree(after.out()).get("summary").get("tables").get("tagged");
                assertThat(tagged.get("missing").asLong()).isEqualTo(1);
                assertThat(tagged.get("extra").asLong()).isEqualTo(1);
            } finally {
                LocalPostgres.sql(SRC, "update tagged set tag = 'b' where id = 1");
            }
        } finally {
            LocalPostgres.drop(target);
        }
    }

    /**
     * Into SQLite, which takes no table whole, such rows are records keyed by where they are stored;
     * in a partitioned table that is the partition and the ctid (each partition has a row at (0,1)):
     * every row comes once, none set aside as sharing another's key, and verify matches them by content.
     */
    @Test
    void aPartitionedOneMigratesIntoSqliteEveryRowOnce() throws Exception {
        String source = "cutover_it_keyless_partitioned";
        LocalPostgres.recreate(source);
        try {
            LocalPostgres.sql(source, "create table visits (region text, n int, note text) partition by list (region)",
                    "create table visits_eu partition of visits for values in ('eu')",
                    "create table visits_us partition of visits for values in ('us')",
                    "insert into visits select case when g % 3 = 0 then 'eu' else 'us' end, g, 'visit ' || g from generate_series(1, 3000) g",
                    "insert into visits values ('eu', 1, 'same'), ('eu', 1, 'same')");
            Path db = dir.resolve("partitioned.db");
            Path plan = dir.resolve("partitioned-plan.yaml");
            CliRun p = CliRun.of("plan", LocalPostgres.location(source), "sqlite:" + db, "-o", plan.toString());
            assertThat(p.exitCode()).as(p.toString()).isZero();
            String partitionedState = dir.resolve("partitioned-state").toString();
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", partitionedState);
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*), count(distinct n), sum(region = 'eu'), sum(note = 'same') from visits")) {
                rs.next();
                assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).containsExactly(3002L, 3000L, 1002L, 2L);
            }
            CliRun verify = CliRun.of("verify", plan.toString(), "--state", partitionedState);
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
        } finally {
            LocalPostgres.drop(source);
        }
    }

    private static CliRun restore(String target, String... options) {
        List<String> command = new ArrayList<>(List.of("restore", "latest", target.contains(":") ? target : LocalPostgres.location(target), "--state", state));
        command.addAll(List.of(options));
        return CliRun.of(command.toArray(String[]::new), repo.args());
    }

    /** Each table's columns and their types, as the catalog has them. */
    private static List<String> columns(String database) throws Exception {
        return LocalPostgres.query(database, "select table_name || '.' || column_name || ' ' || data_type || coalesce(' ' || column_default, '')"
                + " from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position");
    }

    /** The rows of events as text, sorted: a multiset, equal rows as many times as they are there. */
    private static List<String> rowsSorted(String database) throws Exception {
        return LocalPostgres.query(database, "select e::text from events e order by 1");
    }
}
