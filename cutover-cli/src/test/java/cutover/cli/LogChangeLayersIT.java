package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups that learn the changed rows from the write-ahead log ({@code --follow-changes}, a logical
 * replication slot), on the test server with {@code wal_level = logical}: every scenario of
 * {@link ChangeLayersIT} (a transaction left open while a backup runs makes that backup find the
 * changes by scans, after waiting two seconds for it), and the log's own cases: the log used
 * without scanning the table, keys changed by an update, a truncated table, a table whose log
 * does not carry its key, a table created between backups, the slot dropped, and the slot fallen
 * so far behind that scanning costs less than reading it.
 */
class LogChangeLayersIT extends ChangeLayersIT {
    private static final String LOG_SRC = "cutover_it_log_src";
    private static final String LOG_DST = "cutover_it_log_dst";
    private static final String SLOT = "cutover_it_log";

    @Override
    LocalPostgres.Server server() { return LocalPostgres.LOGICAL; }

    @Override
    List<String> backupArgs() { return List.of("--follow-changes=cutover_it_layers", "--follow-changes-wait", "2"); }

    @Override
    java.util.Map<String, String> sourceSettings() {
        return java.util.Map.of(cutover.postgres.PostgresProvider.FOLLOW_CHANGES.name(), "cutover_it_layers_api",
                cutover.postgres.PostgresProvider.FOLLOW_CHANGES_WAIT.name(), "2");
    }

    @Test
    void theLogTellsWhichRowsChangedWithoutAScanOfTheTable() throws Exception {
        LocalPostgres.Server pg = server();
        pg.recreate(LOG_SRC, LOG_DST);
        pg.sql(LOG_SRC, "create table items (id bigint primary key, name text, n int)",
                "insert into items select g, 'item ' || g, g % 7 from generate_series(1, 30000) g",
                "create table tags (k text primary key, v text)",
                "insert into tags select 'k' || g, 'v' || g from generate_series(1, 2000) g",
                "create table unkeyed_log (id int primary key, v text)", "alter table unkeyed_log replica identity nothing", // kept out of the publication: its updates must go on working
                "insert into unkeyed_log select g, 'u' from generate_series(1, 500) g", "create table filler (id int primary key)", "analyze");
        String state = dir.resolve("log-state").toString();
        String[] repoArgs = TestRepository.init(dir, "log").args();

        JsonNode full = logBackup(state, repoArgs);
        assertThat(slotPosition()).as("the slot moved to the stored moment").isNotNull();
        assertThat(restoredAll(full, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));

        // updates and inserts only: the log names the rows, read by key; the table is not scanned
        pg.sql(LOG_SRC, "update items set n = n + 100 where id % 97 = 0", "insert into items select g, 'new', 1 from generate_series(40001, 40100) g",
                "update tags set k = 'renamed' where k = 'k5'", "delete from tags where k = 'k7'", "update tags set v = E'tab\\there' where k = 'k9'",
                "update unkeyed_log set v = 'changed' where id < 10", "delete from unkeyed_log where id = 20");
        String slotBefore = slotPosition();
        JsonNode second = logBackup(state, repoArgs);
        assertThat(second.get("changesOnly").toString()).contains("items").contains("tags").contains("unkeyed_log");
        assertThat(second.get("changesFromLog").toString()).contains("items").contains("tags").doesNotContain("unkeyed_log");
        List<String> phases = new java.util.ArrayList<>();
        second.get("phasesMillis").fieldNames().forEachRemaining(phases::add);
        assertThat(phases).containsExactly("lock", "moment", "deciding", "reading", "storing", "releasing");
        second.get("phasesMillis").forEach(ms -> assertThat(ms.asLong()).isNotNegative());
        assertThat(slotPosition()).isNotEqualTo(slotBefore);
        assertThat(restoredAll(second, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));

        // a truncated table and a table created since: read whole or by scans, and right
        pg.sql(LOG_SRC, "truncate tags", "insert into tags values ('after truncate', '1')",
                "create table later (id int primary key, v text)", "insert into later select g, 'l' from generate_series(1, 50) g");
        JsonNode third = logBackup(state, repoArgs);
        assertThat(third.get("changesFromLog").toString()).contains("items").doesNotContain("tags").doesNotContain("later");
        assertThat(restoredAll(third, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));

        // the table created since is in the log from then on
        pg.sql(LOG_SRC, "update later set v = 'changed' where id = 3", "delete from later where id = 4");
        JsonNode fourth = logBackup(state, repoArgs);
        assertThat(fourth.get("changesOnly").toString()).contains("later");
        assertThat(fourth.get("changesFromLog").toString()).contains("later").contains("tags");
        assertThat(restoredAll(fourth, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));

        // the slot dropped: that backup finds the changes by scans, and makes the slot again
        pg.sql(LOG_SRC, "select pg_drop_replication_slot('" + SLOT + "')", "update items set name = 'after the slot went' where id = 11");
        JsonNode fifth = logBackup(state, repoArgs);
        assertThat(fifth.get("changesOnly").toString()).contains("items");
        assertThat(fifth.get("changesFromLog")).isEmpty();
        assertThat(slotPosition()).isNotNull();
        assertThat(restoredAll(fifth, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));
        pg.sql(LOG_SRC, "update items set name = 'and after it came back' where id = 12");
        JsonNode sixth = logBackup(state, repoArgs);
        assertThat(sixth.get("changesOnly").toString()).contains("items");
        assertThat(sixth.get("changesFromLog").toString()).contains("items");
        assertThat(restoredAll(sixth, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));

        // the slot fallen far behind (80 MB of WAL of other work): that backup scans, and the slot starts afresh before its moment
        for (int i = 0; i < 5; i++) pg.sql(LOG_SRC, "insert into filler values (" + i + ")", "select pg_switch_wal()");
        pg.sql(LOG_SRC, "update items set name = 'after much other work' where id = 13");
        JsonNode behind = logBackup(state, repoArgs);
        assertThat(behind.get("changesOnly").toString()).contains("items");
        assertThat(behind.get("changesFromLog")).isEmpty();
        assertThat(restoredAll(behind, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));
        pg.sql(LOG_SRC, "update items set name = 'and then little' where id = 14");
        JsonNode caughtUp = logBackup(state, repoArgs);
        assertThat(caughtUp.get("changesFromLog").toString()).contains("items");
        assertThat(restoredAll(caughtUp, state, repoArgs)).containsExactlyElementsOf(all(LOG_SRC));

        // earlier snapshots still restore to their moments, and the repository checks clean
        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repoArgs);
        assertThat(check.exitCode()).as(check.toString()).isZero();
        pg.drop(LOG_SRC, LOG_DST);
    }

    @Test
    void aServerWithoutLogicalDecodingIsNamedWithTheFix() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "replica").args();
        LocalPostgres.MAIN.recreate(LOG_SRC);
        LocalPostgres.MAIN.sql(LOG_SRC, "create table t (id int primary key)");
        boolean logical;
        try (Connection c = LocalPostgres.MAIN.connect(LOG_SRC); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("show wal_level")) {
            rs.next();
            logical = rs.getString(1).equals("logical");
        }
        CliRun run = CliRun.of(new String[] {"backup", LocalPostgres.MAIN.location(LOG_SRC), "--follow-changes", "--state", dir.resolve("replica-state").toString()},
                repoArgs);
        LocalPostgres.MAIN.drop(LOG_SRC);
        if (logical) return; // a server set up otherwise: nothing to refuse
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.err()).contains("wal_level = logical").contains("--follow-changes");
    }

    /**
     * Scheduled backups in one process that stays up ({@code --every 6s --follow-changes}): between
     * runs it reads the log ahead; each run's snapshot restores to the tables as they were, and the
     * last one to the tables as they are.
     */
    @Test
    void scheduledBackupsThatReadTheLogAheadRestoreWhatWasThere() throws Exception {
        String db = "cutover_it_log_every", dst = "cutover_it_log_every_dst";
        LocalPostgres.Server pg = server();
        pg.recreate(db, dst);
        pg.sql(db, "create table items (id bigint primary key, name text, n int)",
                "insert into items select g, 'item ' || g, g % 7 from generate_series(1, 5000) g");
        Path log = dir.resolve("every.log");
        String[] repoArgs = TestRepository.init(dir, "every").args();
        Process p = scheduled(pg.location(db), repoArgs, "every-state", "6s", "cutover_it_every", log);
        try {
            awaitRuns(log, 1);
            pg.sql(db, "update items set n = n + 100 where id % 50 = 0", "delete from items where id between 10 and 20",
                    "insert into items select g, 'new', 1 from generate_series(6001, 6100) g");
            awaitRuns(log, 3); // a read ahead (every 5 s) comes between
            pg.sql(db, "update items set name = E'after\\tthe read ahead' where id % 77 = 0", "delete from items where id = 6050");
            awaitRuns(log, 5);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(log)).doesNotContain("FAILED");
        assertLatestRestoresAs(db, dst, repoArgs, "every-restore");
        pg.drop(db, dst);
    }

    /**
     * Scheduled runs while a writer commits updates, inserts and now and then a delete all the time:
     * each run's layer is proven against the buckets counted at its moment (`LayerCheck`) and none
     * is found wanting, however the commits fall around the moments; the layers pile up, and the
     * latest snapshot, taken after the writer stopped, restores the table as it is.
     */
    @Test
    void layersOfRunsWhileAWriterCommitsAllProveOut() throws Exception {
        String db = "cutover_it_log_writer", dst = "cutover_it_log_writer_dst";
        LocalPostgres.Server pg = server();
        pg.recreate(db, dst);
        pg.sql(db, "create table items (id bigint primary key, name text, n int)",
                "insert into items select g, 'item ' || g, g % 7 from generate_series(1, 20000) g", "analyze");
        Path log = dir.resolve("writer.log");
        TestRepository writerRepo = TestRepository.init(dir, "writer");
        String[] repoArgs = writerRepo.args();
        Process p = scheduled(pg.location(db), repoArgs, "writer-state", "2s", "cutover_it_writer", log);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = new Thread(() -> {
            java.util.Random random = new java.util.Random(7);
            try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
                for (long i = 0; writing.get(); i++) {
                    long id = 1 + random.nextInt(20000);
                    if (i % 60 == 59) st.execute("delete from items where id = " + id); // a bucket moved: its keys listed
                    else if (i % 3 == 0) st.execute("insert into items values (" + (30000 + i) + ", 'written', 1)");
                    else st.execute("update items set n = n + 1, name = 'updated " + i + "' where id = " + id);
                    commits.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            awaitRuns(log, 1);
            writer.start();
            awaitRuns(log, 6);
            writing.set(false);
            writer.join();
            awaitRuns(log, 8); // the last one after the writer stopped
        } finally {
            writing.set(false);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String runs = Files.readString(log);
        assertThat(commits.get()).isGreaterThan(200);
        assertThat(runs).doesNotContain("FAILED").doesNotContain("is not what the source counted")
                .doesNotContain("are not the changes the source counted").doesNotContain("are not the keys the source counted");
        cutover.backup.Repository repo = cutover.backup.Repository.open(writerRepo.path(), writerRepo.passphrase());
        List<cutover.backup.Snapshot> snapshots = repo.snapshots();
        cutover.backup.EntitySnapshot latest = snapshots.get(snapshots.size() - 1).entity(cutover.model.EntityName.of("items")).orElseThrow();
        assertThat(latest.changes().layers()).as(runs).hasSizeGreaterThanOrEqualTo(4);
        assertLatestRestoresAs(db, dst, repoArgs, "writer-restore");
        pg.drop(db, dst);
    }

    /**
     * A process that stays up keeps a moment's replication connection, without its temporary slot,
     * for the next run's moment; one the server ended meanwhile is replaced, and the run is as good.
     */
    @Test
    void theMomentsConnectionKeptBetweenRunsIsReplacedWhenTheServerEndedIt() throws Exception {
        String db = "cutover_it_log_spare", dst = "cutover_it_log_spare_dst";
        LocalPostgres.Server pg = server();
        pg.recreate(db, dst);
        pg.sql(db, "create table items (id bigint primary key, name text, n int)",
                "insert into items select g, 'item ' || g, g % 7 from generate_series(1, 2000) g");
        Path log = dir.resolve("spare.log");
        String[] repoArgs = TestRepository.init(dir, "spare").args();
        Process p = scheduled(pg.location(db), repoArgs, "spare-state", "3s", "cutover_it_spare", log);
        try {
            // the walsenders of the database that hold no slot: the connection kept for the next moment
            String kept = "select a.pid from pg_stat_activity a where a.datname = '" + db + "' and a.backend_type = 'walsender' "
                    + "and not exists (select 1 from pg_replication_slots s where s.active_pid = a.pid)";
            awaitRuns(log, 1);
            // kept from the first run on, though the read ahead starts only after it (at least: the read
            // ahead's own connection holds no slot for the moment it takes to start streaming)
            assertThat(count(db, "select count(*) from (" + kept + ") k")).as("kept after the first run").isPositive();
            awaitRuns(log, 2);
            assertThat(count(db, "select count(*) from (" + kept + ") k")).isEqualTo(1);
            assertThat(count(db, "select count(*) from pg_replication_slots where temporary and database = '" + db + "'"))
                    .as("no temporary slot kept between runs").isZero();
            pg.sql(db, "select pg_terminate_backend(pid) from (" + kept + ") k");
            pg.sql(db, "update items set n = n + 100 where id % 40 = 0", "delete from items where id between 5 and 9");
            awaitRuns(log, 4);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(log)).doesNotContain("FAILED");
        assertLatestRestoresAs(db, dst, repoArgs, "spare-restore");
        pg.drop(db, dst);
    }

    /** The repository's latest snapshot restored into {@code dst} holds the rows {@code db} holds now. */
    private void assertLatestRestoresAs(String db, String dst, String[] repoArgs, String state) throws Exception {
        CliRun restore = CliRun.of(new String[] {"restore", "latest", server().location(dst), "--state", dir.resolve(state).toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(rowsOf(dst)).containsExactlyElementsOf(rowsOf(db));
    }

    private long count(String database, String sql) throws Exception {
        try (Connection c = server().connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A database that cannot be reached when the scheduled command starts is a failed run, tried again at the next interval. */
    @Test
    void aScheduledProcessStartedBeforeItsDatabaseExistsRetriesUntilItDoes() throws Exception {
        String db = "cutover_it_log_late";
        LocalPostgres.Server pg = server();
        pg.drop(db);
        Path log = dir.resolve("late.log");
        String[] repoArgs = TestRepository.init(dir, "late").args();
        Process p = scheduled(pg.location(db), repoArgs, "late-state", "2s",
                "cutover_it_late", log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains("FAILED"))) Thread.sleep(200);
            assertThat(Files.readString(log)).contains("backup run 1 FAILED").contains("next run at");
            assertThat(p.isAlive()).as("still running after the failed run").isTrue();
            pg.recreate(db);
            pg.sql(db, "create table items (id bigint primary key, name text)", "insert into items select g, 'item ' || g from generate_series(1, 100) g");
            awaitRuns(log, 1);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            pg.drop(db);
        }
        CliRun snapshots = CliRun.of(new String[] {"snapshots", "--json"}, repoArgs);
        assertThat(Json.MAPPER.readTree(snapshots.out()).get("snapshots").get(0).toString()).contains("100");
    }

    /** Starts {@code backup SOURCE --every EVERY --follow-changes=SLOT} in a process of its own, its output to {@code log}. */
    private Process scheduled(String source, String[] repoArgs, String state, String every, String slot, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "cutover.cli.Main", "backup", source));
        command.addAll(List.of(repoArgs));
        command.addAll(List.of("--state", dir.resolve(state).toString(), "--every", every, "--follow-changes=" + slot));
        return new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitRuns(Path log, int runs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).stream().filter(l -> l.contains("backup run ") && !l.contains("FAILED")).count() >= runs) return;
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than " + runs + " runs in 90 s: " + (Files.exists(log) ? Files.readString(log) : "no log"));
    }

    private List<String> rowsOf(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = server().connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select t::text from items t order by id")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void aRoleThatMayNotMakeTheSlotIsToldWhatItNeeds() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "role").args();
        String db = "cutover_it_log_role";
        server().recreate(db);
        server().sql("postgres", "drop role if exists cutover_it_reader", "create role cutover_it_reader login");
        server().sql(db, "create table t (id int primary key)", "grant select on t to cutover_it_reader");
        CliRun run = CliRun.of(new String[] {"backup", "postgresql://cutover_it_reader@127.0.0.1:" + server().port() + "/" + db, "--follow-changes",
                "--state", dir.resolve("role-state").toString()}, repoArgs);
        server().drop(db);
        server().sql("postgres", "drop role cutover_it_reader");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).contains("REPLICATION").contains("owns the tables");
    }

    @Test
    void aSlotOfThatNameMadeForAnotherPluginIsLeftAloneAndNamed() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "plugin").args();
        String db = "cutover_it_log_plugin", slot = "cutover_it_other_plugin";
        server().recreate(db);
        server().sql(db, "create table t (id int primary key)", "insert into t values (1)",
                "select pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try {
            CliRun run = CliRun.of(new String[] {"backup", server().location(db), "--follow-changes=" + slot,
                    "--state", dir.resolve("plugin-state").toString()}, repoArgs);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains(slot).contains("not a pgoutput slot");
            try (Connection c = server().connect(db); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select plugin from pg_replication_slots where slot_name = '" + slot + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("test_decoding"); // not dropped nor made again
            }
        } finally {
            server().sql(db, "select pg_drop_replication_slot('" + slot + "')");
            server().drop(db);
        }
    }

    private JsonNode logBackup(String state, String[] repoArgs) throws Exception {
        CliRun run = CliRun.of(new String[] {"backup", server().location(LOG_SRC), "--json", "--state", state, "--follow-changes=" + SLOT}, repoArgs);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.MAPPER.readTree(run.out());
    }

    /** The snapshot restored into a new database: its rows, as {@link #all} reads them. */
    private List<String> restoredAll(JsonNode snapshot, String state, String[] repoArgs) throws Exception {
        server().recreate(LOG_DST);
        CliRun restore = CliRun.of(new String[] {"restore", snapshot.get("shortId").asText(), server().location(LOG_DST), "--state",
                state + "-restore-" + snapshot.get("shortId").asText()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        return all(LOG_DST);
    }

    /** Every row of every table of the database, as text, tables and rows in a fixed order. */
    private List<String> all(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = server().connect(database); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("select tablename from pg_tables where schemaname = 'public' order by 1")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("select t::text from " + t + " t order by t::text collate \"C\"")) {
                    while (rs.next()) out.add(t + ": " + rs.getString(1));
                }
            }
        }
        return out;
    }

    private String slotPosition() throws Exception {
        try (Connection c = server().connect(LOG_SRC); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select confirmed_flush_lsn::text from pg_replication_slots where slot_name = '" + SLOT + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
