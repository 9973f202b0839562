package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** forget --dry-run says what the keep rules would do and removes nothing; the same rules without it do it. */
class ForgetDryRunTest {
    @TempDir Path dir;

    @Test
    void aDryRunNamesWhatWouldGoAndKeepsEverything() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("storage"));
        String[] repo = TestRepository.init(dir, "forget").args();
        for (int i = 0; i < 3; i++) {
            Files.writeString(folder.resolve("file" + i + ".txt"), "version " + i);
            CliRun backup = CliRun.of(new String[] {"backup", "--files", folder.toString(), "-q", "--state", dir.resolve("state").toString()}, repo);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }

        CliRun dry = CliRun.of(new String[] {"forget", "--keep-last", "1", "--prune", "--dry-run"}, repo);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out().lines().filter(l -> l.startsWith("would forget ")).count()).isEqualTo(2);
        assertThat(dry.out()).contains("would keep ").contains("dry run: nothing removed, nothing pruned");
        assertThat(snapshots(repo)).isEqualTo(3);

        JsonNode json = Json.MAPPER.readTree(CliRun.of(new String[] {"forget", "--keep-last", "1", "--dry-run", "--json"}, repo).out());
        assertThat(json.get("dryRun").asBoolean()).isTrue();
        assertThat(json.get("removed")).hasSize(2);
        assertThat(snapshots(repo)).isEqualTo(3);

        CliRun real = CliRun.of(new String[] {"forget", "--keep-last", "1", "--state", dir.resolve("state").toString()}, repo);
        assertThat(real.exitCode()).as(real.toString()).isZero();
        assertThat(real.out()).doesNotContain("would ");
        assertThat(snapshots(repo)).isEqualTo(1);
    }

    /**
     * A tag no snapshot has keeps nothing: alone it is refused (acceptance run 13: `--keep-tag s33`
     * for s3 forgot every snapshot, exit 0), beside other rules it is warned of, also with --quiet
     * (on standard error); a forget is journaled with the snapshots it removed.
     */
    @Test
    void aTagNoSnapshotHasIsRefusedOrWarnedOfAndAForgetIsJournaled() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("tagged"));
        TestRepository repository = TestRepository.init(dir, "tags");
        String[] repo = repository.args(), recorded = repository.args("--state", dir.resolve("state-tags").toString());
        for (int i = 0; i < 3; i++) {
            Files.writeString(folder.resolve("file" + i + ".txt"), "version " + i);
            CliRun backup = CliRun.of(new String[] {"backup", "--files", folder.toString(), "-q", "--tag", i == 0 ? "s3" : "daily"}, recorded);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
        CliRun typo = CliRun.of(new String[] {"forget", "--keep-tag", "s33"}, recorded);
        assertThat(typo.exitCode()).as(typo.toString()).isEqualTo(2);
        assertThat(typo.err()).contains("no snapshot has the tag s33 (the tags here: daily, s3)").contains("refusing to forget every snapshot");
        assertThat(snapshots(repo)).isEqualTo(3);

        CliRun quiet = CliRun.of(new String[] {"forget", "--keep-last", "1", "--keep-tag", "s33", "-q"}, recorded);
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.out()).isEmpty();
        assertThat(quiet.err()).contains("warning: --keep-tag: no snapshot has the tag s33");
        assertThat(snapshots(repo)).isEqualTo(1);

        java.util.List<cutover.journal.JournalEntry> forgets = new cutover.journal.Journal(dir.resolve("state-tags")).read().stream()
                .filter(e -> e.command().equals("forget")).toList();
        assertThat(forgets).extracting(cutover.journal.JournalEntry::status).containsExactly("failed", "succeeded");
        assertThat((java.util.List<?>) forgets.get(1).details().get("removed")).hasSize(2);
        assertThat(forgets.get(1).warnings()).singleElement().asString().contains("s33");
    }

    private static int snapshots(String[] repo) throws Exception {
        return Json.MAPPER.readTree(CliRun.of(new String[] {"snapshots", "--json"}, repo).out()).get("snapshots").size();
    }
}
