package cutover.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A folder backed up beside the records: restored byte for byte with mode and mtime, deduplicated, checked, kept by prune. */
class FilesTest {
    @TempDir Path dir;

    private Path folder() throws IOException {
        Path f = dir.resolve("storage");
        Files.createDirectories(f.resolve("users/u_1"));
        byte[] photo = new byte[300_000];
        new Random(7).nextBytes(photo);
        Files.write(f.resolve("users/u_1/photo.jpg"), photo);
        Files.writeString(f.resolve("readme.txt"), "hello\n");
        Files.write(f.resolve("empty.bin"), new byte[0]);
        Path script = Files.writeString(f.resolve("users/run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(f.resolve("readme.txt"), FileTime.from(Instant.parse("2024-02-03T04:05:06Z")));
        return f;
    }

    @Test
    void aFolderIsRestoredByteForByteWithModeAndTime() throws IOException {
        Path storage = folder();
        Repository repo = TestRepos.init(dir.resolve("repo"));
        Snapshot s;
        try (SnapshotWriter w = repo.backup().source("memory:test").open()) {
            TestRepos.users(100, 1).forEach(w::write);
            w.addFolder(storage);
            s = w.commit();
        }
        Snapshot listed = TestRepos.open(dir.resolve("repo")).snapshot("latest");
        assertThat(listed.files()).extracting(FileEntry::path)
                .containsExactly("empty.bin", "readme.txt", "users/run.sh", "users/u_1/photo.jpg");
        assertThat(listed.fileBytes()).isEqualTo(300_000 + 6 + 18);
        assertThat(listed.files().get(2).mode()).isEqualTo(0750);

        Path restored = dir.resolve("restored");
        assertThat(repo.restoreFiles(listed, restored)).isEqualTo(listed.fileBytes());
        for (String p : new String[] {"empty.bin", "readme.txt", "users/run.sh", "users/u_1/photo.jpg"}) {
            assertThat(Files.readAllBytes(restored.resolve(p))).as(p).isEqualTo(Files.readAllBytes(storage.resolve(p)));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored.resolve("users/run.sh")))).isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(restored.resolve("readme.txt")).toInstant()).isEqualTo(Instant.parse("2024-02-03T04:05:06Z"));
        assertThat(TestRepos.readAll(repo, s)).isNotEmpty();
        assertThat(repo.check(true).problems()).isEmpty();
    }

    @Test
    void anUnchangedFolderStoresNothingNewAndPruneKeepsFilesChunks() throws IOException {
        Path storage = folder();
        Repository repo = TestRepos.init(dir.resolve("repo"));
        Snapshot first = repo.backup().source("files").folder(storage).filesOnly();
        Files.writeString(storage.resolve("readme.txt"), "hello again\n");
        Snapshot second = repo.backup().source("files").folder(storage).filesOnly();
        assertThat(second.addedBytes()).isLessThan(first.addedBytes() / 20);

        repo.forget(RetentionPolicy.none().keepLast(1));
        repo.prune();
        assertThat(repo.check(true).problems()).isEmpty();
        Path restored = dir.resolve("restored");
        repo.restoreFiles(repo.snapshot("latest"), restored);
        assertThat(Files.readString(restored.resolve("readme.txt"))).isEqualTo("hello again\n");
        assertThat(Files.readAllBytes(restored.resolve("users/u_1/photo.jpg"))).isEqualTo(Files.readAllBytes(storage.resolve("users/u_1/photo.jpg")));
    }

    @Test
    void aDamagedFileChunkIsNamedByCheckAndNoWrongFileTakesItsName() throws IOException {
        Path storage = folder();
        Repository repo = TestRepos.init(dir.resolve("repo"));
        Snapshot s = repo.backup().source("files").folder(storage).filesOnly();
        Path pack;
        try (Stream<Path> packs = Files.walk(dir.resolve("repo/data"))) {
            pack = packs.filter(Files::isRegularFile).max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(200);
            int b = f.read();
            f.seek(200);
            f.write(b ^ 0x01);
        }
        assertThat(repo.check(true).problems()).anySatisfy(p -> assertThat(p.toString()).contains("file ").contains(s.shortId()));
        Path restored = dir.resolve("restored");
        assertThatThrownBy(() -> repo.restoreFiles(s, restored)).hasMessageContaining("chunk")
                .hasMessageContaining("snapshot " + s.shortId()).hasMessageContaining("file users/u_1/photo.jpg");
        try (Stream<Path> left = Files.walk(restored)) {
            assertThat(left.filter(p -> p.toString().contains("photo.jpg"))).as("the damaged file is not under its name, nor half written").isEmpty();
        }
    }

    /** A symbolic link already in the folder restored into does not carry a file out of it. */
    @Test
    void aLinkInTheFolderDoesNotLeadAFileOutOfIt() throws IOException {
        Path storage = folder();
        Repository repo = TestRepos.init(dir.resolve("repo"));
        Snapshot s = repo.backup().source("files").folder(storage).filesOnly();
        Path restored = Files.createDirectories(dir.resolve("restored")), elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(restored.resolve("users"), elsewhere);
        assertThatThrownBy(() -> repo.restoreFiles(s, restored)).isInstanceOfSatisfying(cutover.error.CutoverException.class,
                e -> assertThat(e.getMessage()).contains("leads outside").contains("users"));
        try (Stream<Path> written = Files.walk(elsewhere)) {
            assertThat(written.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
