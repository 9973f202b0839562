package cutover.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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
}
