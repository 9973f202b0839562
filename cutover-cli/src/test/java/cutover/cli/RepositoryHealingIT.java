package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance run's worst finding: once a pack was lost or damaged, every later backup of a
 * database that had not changed reused the missing or damaged chunks (its tables "unchanged since
 * the last snapshot: not read"), exited 0 and was as unrestorable as the first; a lost pack, after
 * the index was rebuilt as advised, then stopped every backup with the same advice. Now a table
 * whose earlier copy misses chunks is read again, which stores them again (a chunk's id is its
 * content's hash) and heals the earlier snapshots too; a damaged chunk is left out of the index by
 * {@code repair index --read-data}, as check advises, to the same end.
 */
class RepositoryHealingIT {
    @TempDir Path dir;

    private static final String ROWS = "select string_agg(id || ':' || body, ',' order by id) from notes";

    @Test
    void backupsAfterALostOrDamagedPackStoreTheDataAgainAndEarlierSnapshotsReadAgain() throws Exception {
        String db = "cutover_it_heal", first = "cutover_it_heal_first", latest = "cutover_it_heal_latest";
        LocalPostgres.recreate(db, first, latest);
        try {
            LocalPostgres.sql(db, "create table notes (id int primary key, body text)",
                    "insert into notes select g, repeat(md5(g::text), 4) from generate_series(1, 3000) g");
            TestRepository repo = TestRepository.init(dir, "heal");
            String snapshot = backup(repo, db).get("shortId").asText();

            // a pack lost, the index rebuilt as check advises: the next backup reads the table again instead of failing
            for (Path pack : packs(repo)) Files.delete(pack);
            CliRun rebuilt = CliRun.of(new String[] {"backup", "repair", "index"}, repo.args());
            assertThat(rebuilt.exitCode()).as(rebuilt.toString()).isZero();
            JsonNode again = backup(repo, db);
            assertThat(again.get("unchanged").toString()).doesNotContain("notes");
            assertThat(again.get("readWhole").toString()).contains("misses chunks");
            checkReadsEverything(repo);
            restore(repo, snapshot, first);
            assertThat(LocalPostgres.query(first, ROWS)).isEqualTo(LocalPostgres.query(db, ROWS));

            // a byte of a pack flipped: check names it and what to do; repair leaves the chunk out; the next backup stores it again
            flipByte(packs(repo).get(0), 200);
            CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repo.args());
            assertThat(check.exitCode()).as(check.toString()).isEqualTo(8);
            assertThat(check.out()).contains("repair index --read-data");
            CliRun repaired = CliRun.of(new String[] {"backup", "repair", "index", "--read-data"}, repo.args());
            assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(8);
            assertThat(repaired.out()).contains("left out: chunk").contains("fails authentication");
            backup(repo, db);
            checkReadsEverything(repo);
            restore(repo, snapshot, latest);
            assertThat(LocalPostgres.query(latest, ROWS)).isEqualTo(LocalPostgres.query(db, ROWS));
        } finally {
            LocalPostgres.drop(db, first, latest);
        }
    }

    /**
     * The latest snapshot's manifest damaged: the next backup builds on the newest one that reads
     * (reading again what changed since), warns with the way out, and restores as the database is
     * (acceptance run 13: every later backup stopped with BACKUP_CORRUPT, naming no way out).
     */
    @Test
    void aDamagedLatestManifestDoesNotStopTheNextBackup() throws Exception {
        String db = "cutover_it_heal_manifest", restored = "cutover_it_heal_manifest_restored";
        LocalPostgres.recreate(db, restored);
        try {
            LocalPostgres.sql(db, "create table notes (id int primary key, body text)",
                    "insert into notes select g, md5(g::text) from generate_series(1, 3000) g");
            TestRepository repo = TestRepository.init(dir, "manifest");
            backup(repo, db);
            LocalPostgres.sql(db, "update notes set body = 'second' where id <= 10");
            String damaged = backup(repo, db).get("id").asText();
            flipByte(repo.path().resolve("snapshots").resolve(damaged), 100);
            LocalPostgres.sql(db, "update notes set body = 'third' where id between 5 and 20");
            JsonNode third = backup(repo, db);
            assertThat(third.get("warnings").toString()).contains("snapshots/" + damaged).contains("repair snapshots");
            restore(repo, third.get("shortId").asText(), restored);
            assertThat(LocalPostgres.query(restored, ROWS)).isEqualTo(LocalPostgres.query(db, ROWS));
        } finally {
            LocalPostgres.drop(db, restored);
        }
    }

    private static JsonNode backup(TestRepository repo, String db) throws IOException {
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(db), "--json"}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return Json.MAPPER.readTree(backup.out());
    }

    private static void checkReadsEverything(TestRepository repo) {
        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repo.args());
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }

    private static void restore(TestRepository repo, String snapshot, String db) {
        CliRun restore = CliRun.of(new String[] {"restore", snapshot, LocalPostgres.location(db)}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
    }

    private static List<Path> packs(TestRepository repo) throws IOException {
        try (var files = Files.walk(repo.path().resolve("data"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }
}
