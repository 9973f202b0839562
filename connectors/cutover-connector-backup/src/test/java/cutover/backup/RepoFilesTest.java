package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files written in an order ({@link RepoFiles#writeInOrder}): all in place, or none, and no temporary file left. */
class RepoFilesTest {
    @TempDir Path root;

    @BeforeEach
    void repository() throws IOException {
        Files.createDirectories(root.resolve(RepoFiles.TMP)); // as init makes it
    }

    private FileEnvelope.Named file(String dir, String name, String content) {
        return new FileEnvelope.Named(BlobId.sha256(content.getBytes(StandardCharsets.UTF_8)), root.resolve(dir).resolve(name),
                content.getBytes(StandardCharsets.UTF_8));
    }

    private List<FileEnvelope.Named> three() {
        return List.of(file(RepoFiles.INDEX, "a", "first"), file(RepoFiles.INDEX, "b", "second"), file(RepoFiles.SNAPSHOTS, "c", "last"));
    }

    @Test
    void everyFileIsPutInPlace() throws IOException {
        new RepoFiles(root).writeInOrder(three());
        assertThat(Files.readString(root.resolve("index/a"))).isEqualTo("first");
        assertThat(Files.readString(root.resolve("index/b"))).isEqualTo("second");
        assertThat(Files.readString(root.resolve("snapshots/c"))).isEqualTo("last");
        assertThat(tmp()).isEmpty();
    }

    /** A write that fails, whichever file's (those before the last are written on threads of their own), leaves none in place. */
    @ParameterizedTest
    @ValueSource(ints = {5, 6, 4}) // the lengths of "first", "second", "last"
    void aFailedWritePlacesNone(int failingLength) throws IOException {
        RepoFiles files = new RepoFiles(root, (file, bytes) -> {
            if (bytes == failingLength) throw new IOException("No space left on device");
        });
        assertThatThrownBy(() -> files.writeInOrder(three())).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_IO);
            assertThat(e.getMessage()).contains("No space left on device").contains("the repository is unchanged");
        });
        assertThat(root.resolve("index/a")).doesNotExist();
        assertThat(root.resolve("index/b")).doesNotExist();
        assertThat(root.resolve("snapshots/c")).doesNotExist();
        assertThat(tmp()).isEmpty();
    }

    /** The force a backup starts as it begins ({@link RepoFiles#settleAhead}) leaves no file once closed, and a failure of it is no one's. */
    @Test
    void theForceAheadLeavesNothingAndFailsQuietly() throws IOException {
        RepoFiles files = new RepoFiles(root);
        try (RepoFiles.Settling settling = files.settleAhead()) {
            assertThat(settling.thread().getName()).isEqualTo("cutover-repo-settle");
        }
        assertThat(tmp()).isEmpty();

        Files.delete(root.resolve(RepoFiles.TMP)); // its file cannot be made: nothing to say, nothing left
        try (RepoFiles.Settling settling = files.settleAhead()) {
            assertThat(settling.thread().isDaemon()).isTrue();
        }
        assertThat(root.resolve(RepoFiles.TMP)).doesNotExist();
    }

    private List<Path> tmp() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(RepoFiles.TMP))) {
            return files.toList();
        }
    }
}
