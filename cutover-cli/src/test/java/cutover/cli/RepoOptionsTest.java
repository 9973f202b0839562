package cutover.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the key is derived ahead for: the repository and password file as the command line names them, in either form. */
class RepoOptionsTest {
    @Test
    void namesTheRepositoryAndPasswordFileInEitherForm() {
        assertThat(RepoOptions.named("restore", "latest", "postgresql://h/db", "--repo", "./backups", "--password-file", "pw"))
                .isEqualTo(new RepoOptions.Named(Path.of("./backups"), Path.of("pw")));
        assertThat(RepoOptions.named("backup", "--repo=/var/b", "postgresql://h/db", "--password-file=/etc/pw", "--quiet"))
                .isEqualTo(new RepoOptions.Named(Path.of("/var/b"), Path.of("/etc/pw")));
        assertThat(RepoOptions.named("snapshots", "--repo", "r")).isEqualTo(new RepoOptions.Named(Path.of("r"), null));
        assertThat(RepoOptions.named("snapshots", "--repo")).as("no value: nothing guessed").isEqualTo(new RepoOptions.Named(null, null));
    }

    /** A backup without --repo is a usage error before anything runs, also one that would only print a timer (whose runs would all fail). */
    @Test
    void aBackupWithoutARepositoryIsAUsageError() {
        for (String[] args : List.of(new String[] {"backup", "postgresql://app@127.0.0.1:1/app"}, new String[] {"backup", "--files", "."},
                new String[] {"backup", "postgresql://app@127.0.0.1:1/app", "--every", "6h", "--print-timer"})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).contains("missing --repo DIR").doesNotContain("INTERNAL");
        }
    }

    /**
     * A repository that is not there is BACKUP_NOT_FOUND before any passphrase is asked for: no
     * --password-file here (an in-process run sees no CUTOVER_PASSWORD set for it), or one that does not exist.
     */
    @Test
    void aMissingRepositoryIsReportedBeforeTheMissingPassphrase(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path missing = dir.resolve("not-here");
        for (String[] args : List.of(new String[] {"snapshots", "--repo=" + missing},
                new String[] {"snapshots", "--repo", missing.toString(), "--password-file", dir.resolve("no-such-file").toString()})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(8);
            assertThat(run.err()).as(run.toString()).contains("BACKUP_NOT_FOUND: there is no backup repository at " + missing)
                    .doesNotContain("BACKUP_PASSPHRASE").doesNotContain("password file");
        }
    }

    /** A line that does not parse still answers --json with the JSON error, beside picocli's usage text. */
    @Test
    void aWrongLineAnswersJsonWhenAskedTo() throws Exception {
        for (String[] args : List.of(new String[] {"snapshots", "--json", "--no-such-option"}, new String[] {"restore", "--json", "--repo", "r"})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            com.fasterxml.jackson.databind.JsonNode error = Json.MAPPER.readTree(run.out()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("USAGE");
            assertThat(error.get("exitCode").asInt()).isEqualTo(2);
            assertThat(run.err()).contains("Usage:");
        }
        assertThat(CliRun.of("snapshots", "--no-such-option").out()).isEmpty();
    }
}
