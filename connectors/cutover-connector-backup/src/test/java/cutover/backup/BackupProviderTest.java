package cutover.backup;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupProviderTest {
    @TempDir Path dir;

    private static Settings passphrase(String p) { return Settings.EMPTY.with("password", p); }

    @Test
    void theBackupSchemeIsFoundThroughServiceLoaderAndOpensASnapshotAsASource() {
        Repository repo = TestRepos.init(dir);
        Snapshot first = TestRepos.backup(repo, TestRepos.users(50, 1));
        Snapshot latest = TestRepos.backup(repo, TestRepos.users(80, 2));
        Connectors connectors = Connectors.discover();
        assertThat(connectors.schemes()).contains("backup");

        try (Connector c = connectors.open(Location.parse("backup:" + dir + "#latest"), passphrase(TestRepos.PASSPHRASE))) {
            Source s = Connectors.require(c, Source.class);
            assertThat(s.entities()).singleElement().satisfies(e -> assertThat(e.estimatedCount()).isEqualTo(80));
            assertThat(c.capability(Sink.class)).isEmpty();
        }
        try (Connector c = connectors.open(Location.parse("backup:" + dir + "#" + first.id().substring(0, 6)), passphrase(TestRepos.PASSPHRASE))) {
            Source s = Connectors.require(c, Source.class);
            assertThat(TestRepos.readAll(repo, ((SnapshotSource) s).snapshot()).get(EntityName.of("public.users")))
                    .containsExactlyElementsOf(TestRepos.users(50, 1));
        }
        assertThat(latest.id()).isNotEqualTo(first.id());
    }

    @Test
    void aWrongSnapshotOrPassphraseIsAClearError() {
        Repository repo = TestRepos.init(dir);
        TestRepos.backup(repo, TestRepos.users(5, 1));
        Connectors connectors = Connectors.discover();
        assertThatThrownBy(() -> connectors.open(Location.parse("backup:" + dir + "#abcdef"), passphrase(TestRepos.PASSPHRASE)))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND));
        assertThatThrownBy(() -> connectors.open(Location.parse("backup:" + dir + "#latest"), passphrase("wrong")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE));
        assertThatThrownBy(() -> connectors.open(Location.parse("backup:#latest"), passphrase("x")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCATION_INVALID));
    }

    /** A repository that is not there is reported as such, not as the passphrase missing for it (as long as none was given). */
    @Test
    void aMissingRepositoryIsReportedBeforeAMissingPassphrase() {
        Path missing = dir.resolve("not-here");
        assertThatThrownBy(() -> Connectors.discover().open(Location.parse("backup:" + missing + "#latest"), Settings.EMPTY))
                .isInstanceOfSatisfying(CutoverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND);
                    assertThat(e.getMessage()).contains(missing.toString());
                });
    }
}
