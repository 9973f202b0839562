package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Firestore export backed up and restored through the command line, as the README's tour does:
 * every document in the snapshot, every one restored. (An export's files are splits whose
 * collections are not known before they are read; the backup once skipped them all.)
 */
class FirestoreBackupTest {
    @TempDir Path dir;

    @Test
    void everyDocumentOfAnExportIsBackedUpAndRestored() throws Exception {
        Path export = dir.resolve("export.json");
        CliRun generated = CliRun.of("demo", "--generate-only", export.toString(), "--users", "40");
        assertThat(generated.exitCode()).as(generated.toString()).isZero();
        String[] repo = TestRepository.init(dir, "export").args();
        String state = dir.resolve("state").toString();
        long documents = backedUpWhole("firestore-export:" + export, repo, state);
        assertThat(documents).isGreaterThan(40);

        Path restored = dir.resolve("restored.db");
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "sqlite:" + restored, "--only", "users", "--json", "--state", state}, repo);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); ResultSet rs = c.createStatement().executeQuery("select count(*) from users")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(40);
        }

        // compared as they are, documents and tables do not meet: the error says to compare through a plan
        CliRun unmapped = CliRun.of("verify", "firestore-export:" + export, "sqlite:" + restored, "--state", state);
        assertThat(unmapped.exitCode()).as(unmapped.toString()).isNotIn(0, 1);
        assertThat(unmapped.err()).contains("meet only through a plan").contains("cutover plan SOURCE TARGET -o plan.yaml").contains("cutover verify plan.yaml");
        // also where the collection and the table have one name: compared field by field, they differed where nothing did
        Path usersOnly = dir.resolve("users-only.json");
        assertThat(CliRun.of(new String[] {"restore", "latest", "firestore-export:" + usersOnly, "--only", "users", "--state", state}, repo).exitCode()).isZero();
        CliRun sameNames = CliRun.of("verify", "firestore-export:" + usersOnly, "sqlite:" + restored, "--state", state);
        assertThat(sameNames.exitCode()).as(sameNames.toString()).isEqualTo(2);
        assertThat(sameNames.err()).contains("meet only through a plan");
        CliRun namedTables = CliRun.of("verify", "firestore-export:" + usersOnly, "sqlite:" + restored, "--tables", "users", "--state", state);
        assertThat(namedTables.exitCode()).as(namedTables.toString()).isEqualTo(2);
        assertThat(namedTables.err()).contains("meet only through a plan");

        // to the old kind of endpoint: an export file again, every document and field as it was
        Path again = dir.resolve("restored-export.json");
        CliRun back = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + again, "--json", "--state", state}, repo);
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(Json.MAPPER.readTree(back.out()).get("written").asLong()).isEqualTo(documents);
        CliRun same = CliRun.of("verify", "firestore-export:" + export, "firestore-export:" + again, "--json", "--state", state);
        assertThat(same.exitCode()).as(same.toString()).isZero();
    }

    @Test
    void aManagedExportWrittenByGooglesEmulatorIsBackedUpWhole() throws Exception {
        Path fixture = Path.of(System.getProperty("cutover.fixtures", "/work/shared/fixtures"), "firestore-managed-export", "export");
        assumeTrue(Files.isDirectory(fixture), "the managed-export fixture is not on this machine");
        assertThat(backedUpWhole("firestore-managed-export:" + fixture, TestRepository.init(dir, "managed").args(), dir.resolve("state").toString())).isPositive();
    }

    /** With an index file damaged, the packs it named are not called garbage that prune may remove: check names the damage and says so. */
    @Test
    void aDamagedIndexDoesNotMakeItsPacksGarbage() throws Exception {
        Path export = demoExport(20);
        TestRepository repository = TestRepository.init(dir, "damaged-index");
        String[] repo = repository.args();
        assertThat(CliRun.of(new String[] {"backup", "firestore-export:" + export, "--state", dir.resolve("state").toString()}, repo).exitCode()).isZero();
        Path index;
        try (var files = Files.list(repository.path().resolve("index"))) {
            index = files.findFirst().orElseThrow();
        }
        flipAByteOf(index, 0x10);
        CliRun check = CliRun.of(new String[] {"backup", "check"}, repo);
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(8);
        assertThat(check.out()).contains(index.getFileName().toString()).contains("not named by any readable index file or snapshot")
                .doesNotContain("not damage; prune removes it").doesNotContain("verified");
    }

    /** A damaged snapshot is named beside the others, which are still listed; the exit code says something is wrong. */
    @Test
    void aDamagedSnapshotDoesNotHideTheOthers() throws Exception {
        Path export = demoExport(10);
        TestRepository repository = TestRepository.init(dir, "damaged-snapshot");
        String[] repo = repository.args();
        String state = dir.resolve("state").toString();
        JsonNode first = Json.MAPPER.readTree(CliRun.of(new String[] {"backup", "firestore-export:" + export, "--json", "--state", state}, repo).out());
        JsonNode second = Json.MAPPER.readTree(CliRun.of(new String[] {"backup", "firestore-export:" + export, "--tag", "second", "--json", "--state", state},
                repo).out());
        Path damaged = repository.path().resolve("snapshots").resolve(first.get("id").asText());
        flipAByteOf(damaged, 0x20);
        CliRun listed = CliRun.of(new String[] {"snapshots", "--json"}, repo);
        assertThat(listed.exitCode()).as(listed.toString()).isEqualTo(8);
        JsonNode json = Json.MAPPER.readTree(listed.out());
        assertThat(json.get("snapshots")).singleElement().satisfies(s -> assertThat(s.get("id").asText()).isEqualTo(second.get("id").asText()));
        assertThat(json.get("damaged").fieldNames().next()).isEqualTo("snapshots/" + damaged.getFileName());
        assertThat(listed.err()).contains("snapshots/" + damaged.getFileName());
        CliRun text = CliRun.of(new String[] {"snapshots"}, repo);
        assertThat(text.exitCode()).isEqualTo(8);
        assertThat(text.out()).contains(second.get("shortId").asText()).contains("second");
    }

    /** The demo's Firestore export of {@code users} users, written into the test's folder. */
    private Path demoExport(int users) {
        Path export = dir.resolve("export.json");
        assertThat(CliRun.of("demo", "--generate-only", export.toString(), "--users", String.valueOf(users)).exitCode()).isZero();
        return export;
    }

    /** The file's middle byte with the {@code bits} flipped: damage of the kind a disk or a copy does. */
    private static void flipAByteOf(Path file, int bits) throws java.io.IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= (byte) bits;
        Files.write(file, bytes);
    }

    /** The zstd level is a run's: any level reads back, and two levels share the repository's chunks. */
    @Test
    void theCompressionLevelIsTheRunsOwn() throws Exception {
        Path export = dir.resolve("export.json");
        assertThat(CliRun.of("demo", "--generate-only", export.toString(), "--users", "200").exitCode()).isZero();
        String state = dir.resolve("state").toString();
        long[] stored = new long[2];
        String[][] repos = new String[2][];
        int[] levels = {1, 19};
        for (int i = 0; i < 2; i++) {
            String[] repo = repos[i] = TestRepository.init(dir, "level-" + levels[i]).args();
            CliRun backup = CliRun.of(new String[] {"backup", "firestore-export:" + export, "--compression-level", String.valueOf(levels[i]),
                    "--json", "--state", state}, repo);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            stored[i] = Json.MAPPER.readTree(backup.out()).get("storedBytes").asLong();
            assertThat(CliRun.of(new String[] {"backup", "check", "--read-data"}, repo).exitCode()).isZero();
            // the same data at the default level: every chunk is there already, whatever level stored it
            CliRun again = CliRun.of(new String[] {"backup", "firestore-export:" + export, "--json", "--state", state}, repo);
            assertThat(Json.MAPPER.readTree(again.out()).get("addedBytes").asLong()).isZero();
        }
        assertThat(stored[1]).isLessThan(stored[0]);

        CliRun refused = CliRun.of(new String[] {"backup", "firestore-export:" + export, "--compression-level", "20", "--state", state}, repos[0]);
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err()).contains("--compression-level").contains("1 to 19").contains("20");
    }

    /** Backs the location up into the repository, new and empty, and checks the snapshot holds every document analyze counts; returns how many. */
    private static long backedUpWhole(String location, String[] repo, String state) throws Exception {
        JsonNode analysis = Json.MAPPER.readTree(CliRun.of("analyze", location, "--json", "--state", state).out());
        long documents = 0;
        for (JsonNode e : analysis.get("entities")) documents += e.get("count").asLong();
        CliRun backup = CliRun.of(new String[] {"backup", location, "--json", "--state", state}, repo);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        JsonNode snapshot = Json.MAPPER.readTree(backup.out());
        assertThat(snapshot.get("records").asLong()).isEqualTo(documents);
        assertThat(snapshot.get("entities").size()).isEqualTo(analysis.get("entities").size());
        return documents;
    }
}
