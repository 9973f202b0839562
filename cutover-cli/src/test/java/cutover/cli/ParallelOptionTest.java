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
        for (CliRun run : new CliRun[] {backup, restore, verify}) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).contains("--parallel must be at least 1, found 0");
        }
        assertThat(dir.resolve("repo")).doesNotExist();
        assertThat(dir.resolve("app.db")).doesNotExist();
    }
}
