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

        CliRun real = CliRun.of(new String[] {"forget", "--keep-last", "1"}, repo);
        assertThat(real.exitCode()).as(real.toString()).isZero();
        assertThat(real.out()).doesNotContain("would ");
        assertThat(snapshots(repo)).isEqualTo(1);
    }

    private static int snapshots(String[] repo) throws Exception {
        return Json.MAPPER.readTree(CliRun.of(new String[] {"snapshots", "--json"}, repo).out()).get("snapshots").size();
    }
}
