package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

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
 * A table's change layers merged into a new base from the repository alone (docs/backup-format.md,
 * "Compaction"): by {@code backup compact}, and by a scheduled backup before the run that would
 * otherwise read the table whole. The compacted snapshot restores to the same rows as the one it
 * was made from, the next backup adds its layer to it, and the repository checks clean, also once
 * the layered snapshots are forgotten and pruned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompactionIT {
    static final String SRC = "cutover_it_compact_src";
    static final String DST = "cutover_it_compact_dst";
    static final String PASSPHRASE = "compaction passphrase";

    @TempDir Path dir;
    private int restores;

    @BeforeAll
    void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table orders (id bigint primary key, customer text not null, total numeric(12,2), note text)",
                "insert into orders select g, 'c' || (g % 97), g * 1.25, case when g % 7 = 0 then null else 'note ' || g end"
                        + " from generate_series(1, 20000) g",
                // a text key under the database's collation: an order only the server knows, so its layers stay as they are
                "create table tags (name text primary key, uses int not null)",
                "insert into tags select 'tag' || g, g from generate_series(1, 2000) g",
                "analyze");
    }

    @AfterAll
    void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, SRC + "_every", DST + "_every");
    }

    @Test
    void aCompactedSnapshotRestoresTheSameRowsAndTheNextBackupLayersOnIt() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "compacted").args();
        String state = dir.resolve("state").toString();
        backup(state, repoArgs);
        // five layers: updates, appended keys, a range deleted, a key deleted and inserted again, scattered deletes, text keys
        String[] rounds = {
                "update orders set total = total + 1 where id % 157 = 3",
                "insert into orders select g, 'new', 1, 'appended' from generate_series(20001, 20300) g",
                "delete from orders where id between 500 and 900",
                "delete from orders where id = 9000; insert into orders values (9000, 'again', 2, 'deleted, then inserted again')",
                "delete from orders where id in (777, 15555, 19999); update orders set note = E'tab\\there' where id % 1009 = 1; update tags set uses = uses + 1 where uses % 50 = 0"};
        JsonNode layered = null;
        for (String round : rounds) {
            LocalPostgres.sql(SRC, round.split("; "));
            layered = backup(state, repoArgs);
        }
        assertThat(layered.get("entities").get("orders").get("changeLayers").asInt()).isEqualTo(5);
        List<String> atLayered = rows(SRC);

        // five layers of a few rows each are not due: --due leaves them
        CliRun notDue = CliRun.of(new String[] {"backup", "compact", "--due"}, repoArgs);
        assertThat(notDue.exitCode()).as(notDue.toString()).isZero();
        assertThat(notDue.out()).contains("has no change layers due for compaction");

        CliRun compact = CliRun.of(new String[] {"backup", "compact", "--json"}, repoArgs);
        assertThat(compact.exitCode()).as(compact.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(compact.out());
        assertThat(result.get("from").asText()).isEqualTo(layered.get("id").asText());
        assertThat(result.get("tables").get("orders").asInt()).isEqualTo(5);
        assertThat(result.get("tables").has("tags")).as("a collation's order: left layered").isFalse();
        assertThat(result.get("left").get("tags").asText()).contains("order only its database knows");
        JsonNode compacted = result.get("snapshot");
        assertThat(compacted.get("tags").toString()).contains("compacted");
        assertThat(compacted.get("entities").get("orders").get("changeLayers").asInt()).isZero();
        assertThat(compacted.get("entities").get("tags").get("changeLayers").asInt()).isEqualTo(1);
        assertThat(compacted.get("records").asLong()).isEqualTo(layered.get("records").asLong());
        assertThat(restored(compacted, repoArgs)).containsExactlyElementsOf(atLayered);
        assertThat(restored(layered, repoArgs)).containsExactlyElementsOf(atLayered);

        // compacting the compacted snapshot again finds nothing of the kind to do
        CliRun again = CliRun.of(new String[] {"backup", "compact", compacted.get("shortId").asText()}, repoArgs);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("has no change layers that can be compacted here")
                .contains("left layered: tags: its key is of a type whose order only its database knows");

        // the next backup adds one layer to the compacted base
        LocalPostgres.sql(SRC, "update orders set customer = 'after compaction' where id % 211 = 7", "delete from orders where id = 20100");
        JsonNode next = backup(state, repoArgs);
        assertThat(next.get("entities").get("orders").get("changeLayers").asInt()).isEqualTo(1);
        assertThat(next.get("readWhole")).isEmpty();
        assertThat(restored(next, repoArgs)).containsExactlyElementsOf(rows(SRC));

        // an older snapshot compacted sorts right after it, by its own time: the latest stays the latest
        CliRun older = CliRun.of(new String[] {"backup", "compact", layered.get("shortId").asText(), "--json"}, repoArgs);
        assertThat(older.exitCode()).as(older.toString()).isZero();
        String olderId = Json.MAPPER.readTree(older.out()).get("snapshot").get("id").asText();
        List<String> ids = snapshotIds(repoArgs);
        assertThat(ids.get(ids.size() - 1)).isEqualTo(next.get("id").asText());
        assertThat(ids.indexOf(olderId)).isBetween(ids.indexOf(layered.get("id").asText()) + 1, ids.indexOf(next.get("id").asText()) - 1);

        // the layered snapshots forgotten and pruned: what is kept still restores and checks clean
        CliRun forget = CliRun.of(new String[] {"forget", "--keep-last", "3", "--prune"}, repoArgs);
        assertThat(forget.exitCode()).as(forget.toString()).isZero();
        assertThat(restored(compacted, repoArgs)).containsExactlyElementsOf(atLayered);
        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repoArgs);
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("no problems");
    }

    /**
     * A scheduled backup whose table's layers pass half its base compacts it after that run, and the
     * next run adds a layer to the compacted base instead of reading the table whole.
     */
    @Test
    void aScheduledBackupCompactsBeforeTheRunThatWouldReadTheTableWhole() throws Exception {
        String db = SRC + "_every", dst = DST + "_every";
        itemsTable(db, dst, "g, 'item ' || g, 0", 1000);
        String[] repoArgs = TestRepository.init(dir, "every").args();
        Path log = dir.resolve("every.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "cutover.cli.Main", "backup", LocalPostgres.location(db)));
        command.addAll(List.of(repoArgs));
        command.addAll(List.of("--state", dir.resolve("every-state").toString(), "--every", "2s"));
        Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // 150 rows a run (under a fifth of the table): the third layer's run leaves layers that one more would take past half the base
            for (int round = 1; round <= 6 && lines(log, "compacted into") == 0; round++) {
                awaitLines(log, " records, ", round);
                LocalPostgres.sql(db, "update items set n = n + 1, name = 'round " + round + "' where id in "
                        + "(select id from items order by md5(id::text || '" + round + "') limit 150)");
            }
            awaitLines(log, "compacted into", 1);
            awaitLines(log, " records, ", (int) lines(log, " records, ") + 2); // runs after the last change: the latest holds it
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String text = Files.readString(log);
        assertThat(text).doesNotContain("FAILED").doesNotContain("read whole").containsPattern("compacted into [0-9a-f]{8}: items \\([0-9]+ layers\\)");
        JsonNode latest = latest(repoArgs);
        // layered on the compacted base: the rounds after it (one, or two where a round came before the compaction was seen)
        assertThat(latest.get("entities").get("items").get("changeLayers").asInt()).isBetween(1, 2);
        LocalPostgres.recreate(dst);
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--state", dir.resolve("every-restore").toString()},
                repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(itemsOf(dst)).containsExactlyElementsOf(itemsOf(db));
    }

    /**
     * A compaction killed half-way (three packs written, no index, no manifest) lists nothing, and
     * neither does one that meets a full disk: the snapshots are those before them, the repository
     * checks clean, a compaction again succeeds, and prune removes what the failed ones left.
     */
    @Test
    void aCompactionKilledHalfWayOrOnAFullDiskLeavesOnlyGarbage() throws Exception {
        String db = SRC + "_kill", dst = DST + "_kill";
        itemsTable(db, dst, "g, md5(g::text), 0", 20000);
        TestRepository killed = TestRepository.init(dir, "kill");
        String[] repoArgs = killed.args();
        String state = dir.resolve("kill-state").toString();
        for (String change : List.of("", "update items set n = 1 where id % 50 = 0", "delete from items where id between 100 and 200")) {
            if (!change.isEmpty()) LocalPostgres.sql(db, change);
            CliRun run = CliRun.of(new String[] {"backup", LocalPostgres.location(db), "--state", state}, repoArgs);
            assertThat(run.exitCode()).as(run.toString()).isZero();
        }
        List<String> before = snapshotIds(repoArgs);

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                CompactChild.class.getName(), killed.path().toString(), killed.passphrase()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("packs");
        } finally {
            child.destroyForcibly(); // SIGKILL: nothing of the child's runs after
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(snapshotIds(repoArgs)).isEqualTo(before);

        // a full disk half-way: the compaction fails with BACKUP_IO naming the cause, and lists nothing
        java.util.concurrent.atomic.AtomicLong left = new java.util.concurrent.atomic.AtomicLong(200_000);
        cutover.backup.Repository full = cutover.backup.Repository.open(killed.path(), killed.passphrase(), cutover.backup.RepositoryOptions.forCommands()
                .withPackSize(16 << 10).withWriteGuard((file, bytes) -> {
                    if (left.addAndGet(-bytes) < 0) throw new java.io.IOException("No space left on device");
                }));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> full.compact(full.snapshot("latest"), e -> true))
                .isInstanceOfSatisfying(cutover.error.CutoverException.class, e -> assertThat(e.code()).isEqualTo(cutover.error.ErrorCode.BACKUP_IO))
                .hasMessageContaining("No space left on device");
        assertThat(snapshotIds(repoArgs)).isEqualTo(before);

        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data", "--json"}, repoArgs);
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(Json.MAPPER.readTree(check.out()).get("unreferencedPacks").size()).isGreaterThanOrEqualTo(2);

        CliRun compact = CliRun.of(new String[] {"backup", "compact", "--json"}, repoArgs);
        assertThat(compact.exitCode()).as(compact.toString()).isZero();
        CliRun prune = CliRun.of(new String[] {"forget", "--keep-last", "10", "--prune"}, repoArgs);
        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        CliRun clean = CliRun.of(new String[] {"backup", "check", "--read-data", "--json"}, repoArgs);
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(Json.MAPPER.readTree(clean.out()).get("unreferencedPacks")).isEmpty();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "--state", dir.resolve("kill-restore").toString()},
                repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(itemsOf(dst)).containsExactlyElementsOf(itemsOf(db));
        LocalPostgres.drop(db, dst);
    }

    /**
     * A base read in many key ranges (parts) is compacted part by part: as many parts as before, each
     * from its old part's first key, and the whole restores to the table's rows; a layer added on it
     * restores too (its merge checks each new part's order).
     */
    @Test
    void aBaseOfManyPartsIsCompactedIntoAsManyParts() throws Exception {
        String db = SRC + "_parts", dst = DST + "_parts";
        itemsTable(db, dst, "g * 3, md5(g::text), 0", 20000);
        Path path = dir.resolve("parts-repo");
        cutover.backup.Repository repo = cutover.backup.Repository.init(path, PASSPHRASE, cutover.backup.RepositoryOptions.forCommands());
        String location = LocalPostgres.location(db);
        // changes in the middle of ranges and between them: updates, inserts between keys and past the end, deletes
        List<String> changes = List.of("update items set n = n + 1 where id % 41 = 0",
                "insert into items select g * 3 + 1, 'between', 1 from generate_series(1, 20000, 97) g",
                "delete from items where id between 15000 and 15300 or id in (3, 29997, 60000); insert into items select g, 'past the end', 2 from generate_series(60001, 60400) g",
                "update items set name = 'again' where id % 59 = 1");
        cutover.backup.Snapshot latest = null;
        for (int round = 0; round <= changes.size(); round++) {
            if (round > 0) LocalPostgres.sql(db, changes.get(round - 1).split("; "));
            try (cutover.connector.Connector c = Endpoints.openSource(location, 4, java.util.Map.of("split-rows", "3000"))) {
                latest = repo.backup().source(location).readers(2).from(Endpoints.require(c, cutover.connector.Source.class));
            }
        }
        cutover.backup.EntitySnapshot layered = latest.entities().get(0);
        assertThat(layered.changes().layers()).hasSize(changes.size());
        int baseParts = layered.changes().firstLayerPart(layered.streamParts().size());
        assertThat(baseParts).isGreaterThan(3);

        cutover.backup.Snapshot compacted = repo.compact(latest, e -> true).orElseThrow();
        cutover.backup.EntitySnapshot merged = compacted.entities().get(0);
        assertThat(merged.layered()).isFalse();
        assertThat(merged.streamParts()).hasSize(baseParts);
        assertThat(merged.records()).isEqualTo(layered.records());
        assertThat(merged.streamParts().stream().mapToLong(cutover.backup.EntityPart::records).sum()).isEqualTo(layered.records());

        String[] repoArgs = {"--repo", path.toString(), "--password-file", Files.writeString(dir.resolve("parts-password"), PASSPHRASE + "\n").toString()};
        CliRun restore = CliRun.of(new String[] {"restore", compacted.shortId(), LocalPostgres.location(dst), "--state", dir.resolve("parts-restore").toString()},
                repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(itemsOf(dst)).containsExactlyElementsOf(itemsOf(db));

        LocalPostgres.sql(db, "update items set n = 7 where id % 31 = 2", "delete from items where id between 30000 and 30100");
        cutover.backup.Snapshot next;
        try (cutover.connector.Connector c = Endpoints.openSource(location, 4, java.util.Map.of("split-rows", "3000"))) {
            next = repo.backup().source(location).readers(2).from(Endpoints.require(c, cutover.connector.Source.class));
        }
        assertThat(next.entities().get(0).changes().layers()).hasSize(1);
        LocalPostgres.recreate(dst);
        CliRun again = CliRun.of(new String[] {"restore", next.shortId(), LocalPostgres.location(dst), "--state", dir.resolve("parts-restore-2").toString()},
                repoArgs);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(itemsOf(dst)).containsExactlyElementsOf(itemsOf(db));
        LocalPostgres.drop(db, dst);
    }

    /** Databases {@code db} and {@code dst} made anew, {@code db} with a table items of {@code rows} rows, each {@code select}ed from g. */
    private static void itemsTable(String db, String dst, String select, int rows) throws Exception {
        LocalPostgres.recreate(db, dst);
        LocalPostgres.sql(db, "create table items (id bigint primary key, name text, n int)",
                "insert into items select " + select + " from generate_series(1, " + rows + ") g", "analyze");
    }

    private static List<String> snapshotIds(String[] repoArgs) throws Exception {
        List<String> out = new ArrayList<>();
        Json.MAPPER.readTree(CliRun.of(new String[] {"snapshots", "--json"}, repoArgs).out()).get("snapshots").forEach(s -> out.add(s.get("id").asText()));
        return out;
    }

    private JsonNode backup(String state, String[] repoArgs) throws Exception {
        CliRun run = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--json", "--state", state}, repoArgs);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.MAPPER.readTree(run.out());
    }

    private JsonNode latest(String[] repoArgs) throws Exception {
        JsonNode all = Json.MAPPER.readTree(CliRun.of(new String[] {"snapshots", "--json"}, repoArgs).out()).get("snapshots");
        return all.get(all.size() - 1);
    }

    private List<String> restored(JsonNode snapshot, String[] repoArgs) throws Exception {
        LocalPostgres.recreate(DST);
        CliRun restore = CliRun.of(new String[] {"restore", snapshot.get("shortId").asText(), LocalPostgres.location(DST), "--state",
                dir.resolve("restore-" + restores++).toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        return rows(DST);
    }

    private static List<String> rows(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(database); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select t::text from orders t order by id")) {
                while (rs.next()) out.add(rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("select t::text from tags t order by name collate \"C\"")) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> itemsOf(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select t::text from items t order by id")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static long lines(Path log, String text) throws Exception {
        if (!Files.exists(log)) return 0;
        return Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
    }

    private static void awaitLines(Path log, String text, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (lines(log, text) >= count) return;
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + count + " lines with '" + text + "' in 90 s: " + (Files.exists(log) ? Files.readString(log) : "no log"));
    }
}
