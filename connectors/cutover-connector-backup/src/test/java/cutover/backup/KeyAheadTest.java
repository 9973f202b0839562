package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A key derived ahead is taken only by the open it was derived for: same folder, passphrase and config. */
class KeyAheadTest {
    @TempDir Path dir;

    @Test
    void theKeyDerivedAheadIsTheOneTheConfigAndPassphraseGive() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, TestRepos.PASSPHRASE, TestRepos.FAST);
        byte[] config = Files.readAllBytes(repo.resolve(RepoFiles.CONFIG));
        RepoConfig.Kdf kdf = new Json().read(config, RepoConfig.class).kdf();

        KeyAhead.start(dir.resolve("other/../repo"), TestRepos.PASSPHRASE); // the same folder, written otherwise
        assertThat(KeyAhead.take(repo.resolve(RepoFiles.CONFIG), config, TestRepos.PASSPHRASE)).hasValueSatisfying(key ->
                assertThat(key).isEqualTo(Repository.derive(TestRepos.PASSPHRASE, kdf)));
        assertThat(KeyAhead.take(repo.resolve(RepoFiles.CONFIG), config, TestRepos.PASSPHRASE)).as("taken once").isEmpty();
    }

    @Test
    void anotherFolderPassphraseOrConfigTakesNothing() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, TestRepos.PASSPHRASE, TestRepos.FAST);
        Path configFile = repo.resolve(RepoFiles.CONFIG);
        byte[] config = Files.readAllBytes(configFile);

        KeyAhead.start(repo, "another passphrase");
        assertThat(KeyAhead.take(configFile, config, TestRepos.PASSPHRASE)).isEmpty();
        KeyAhead.start(dir.resolve("elsewhere"), TestRepos.PASSPHRASE);
        assertThat(KeyAhead.take(configFile, config, TestRepos.PASSPHRASE)).isEmpty();
        KeyAhead.start(repo, TestRepos.PASSPHRASE);
        byte[] changed = config.clone();
        changed[changed.length - 2] ^= 1; // the config the open reads is not the one derived from
        assertThat(KeyAhead.take(configFile, changed, TestRepos.PASSPHRASE)).isEmpty();
    }

    @Test
    void anOpenAfterAWrongGuessDerivesAgainAndAWrongPassphraseIsStillRefused() {
        Path repo = dir.resolve("repo");
        Repository.init(repo, TestRepos.PASSPHRASE, TestRepos.FAST);

        Repository.prepare(repo, "a guess that is wrong");
        assertThat(Repository.open(repo, TestRepos.PASSPHRASE, TestRepos.FAST)).isNotNull();
        Repository.prepare(repo, TestRepos.PASSPHRASE);
        assertThatThrownBy(() -> Repository.open(repo, "wrong", TestRepos.FAST))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE));
        Repository.prepare(dir.resolve("no repository here"), TestRepos.PASSPHRASE); // fails on its thread; the open says why
        assertThatThrownBy(() -> Repository.open(dir.resolve("no repository here"), TestRepos.PASSPHRASE, TestRepos.FAST))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND));
    }
}
