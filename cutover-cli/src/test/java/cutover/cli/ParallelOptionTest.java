package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** --parallel below 1 is refused by every command that takes it, before anything is opened or written. */
class ParallelOptionTest {
    @TempDir Path dir;

    @Test
    void backupRestoreAndVerifyRefuseFewerThanOneReader() {
        String db = "sqlite:" + dir.resolve("app.db");
        String repo = dir.resolve("repo").toString();
        CliRun backup = CliRun.of("backup", db, "--repo", repo, "--parallel", "0");
        CliRun restore = CliRun.of("restore", "--repo", repo, "latest", db, "--parallel", "0");
        CliRun verify = CliRun.of("verify", db, db, "--parallel", "0", "--state", dir.resolve("state").toString());
        // a value out of range is an invalid setting (exit 3; verify's 2, as diff's), said in one line, not with the usage
        assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(3);
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(3);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(2);
        for (CliRun run : new CliRun[] {backup, restore, verify}) {
            assertThat(run.err()).as(run.toString()).contains("--parallel must be at least 1, found 0").doesNotContain("Usage:");
        }
        assertThat(dir.resolve("repo")).doesNotExist();
        assertThat(dir.resolve("app.db")).doesNotExist();
    }
}
