package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadsCacheTest {
    @TempDir Path dir;

    private Path repoDir() { return dir.resolve("repo"); }
    private Path cacheDir() { return dir.resolve("cache"); }
    private RepositoryOptions cached() { return TestRepos.FAST.withHeadsCache(cacheDir()); }
    private Repository open() { return Repository.open(repoDir(), TestRepos.PASSPHRASE, cached()); }

    /** Three snapshots, the cache written by the backups; returns their ids, oldest first. */
    private String[] threeSnapshots() {
        Repository repo = Repository.init(repoDir(), TestRepos.PASSPHRASE, cached());
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) ids[i] = TestRepos.backup(repo, TestRepos.users(20 + i, i)).id();
        return ids;
    }

    private Path snapshotFile(String id) { return repoDir().resolve("snapshots").resolve(id); }

    private static void flipAByte(Path file, int at) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[at] ^= 0x40;
        Files.write(file, bytes);
    }

    @Test
    void choosingTheLatestReadsNoOtherManifestOnceTheHeadsAreCached() throws Exception {
        String[] ids = threeSnapshots();
        flipAByte(snapshotFile(ids[0]), 40); // an older manifest damaged: only a read of it would notice

        assertThat(open().snapshot("latest").id()).isEqualTo(ids[2]);
        assertThat(open().snapshot(ids[1].substring(0, 8)).id()).isEqualTo(ids[1]);
        // the snapshot chosen is still read whole and authenticated, and check still reads every one
        assertThatThrownBy(() -> open().snapshot(ids[0])).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT));
        assertThat(open().check(false).ok()).isFalse();

        // without the cache every manifest is read to list the heads, and the damaged one stops it
        assertThatThrownBy(() -> TestRepos.open(repoDir()).snapshot("latest")).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.getMessage()).contains("snapshots/" + ids[0]));
    }

    @Test
    void aDamagedOrForeignCacheIsIgnoredAndWrittenAgain() throws Exception {
        String[] ids = threeSnapshots();
        Repository repo = open();
        Path file = cacheDir().resolve(repo.id()).resolve("heads");
        assertThat(file).exists();

        flipAByte(file, 30);
        assertThat(open().snapshot("latest").id()).isEqualTo(ids[2]); // read from the manifests
        assertThat(HeadsCache.in(cacheDir(), open().internals().envelope(), repo.id()).load()).hasSize(3); // and kept again

        // another repository's cache under this one's id: sealed for another id, so not opened
        Path other = dir.resolve("other");
        Repository.init(other, TestRepos.PASSPHRASE, cached());
        Repository otherRepo = Repository.open(other, TestRepos.PASSPHRASE, cached());
        TestRepos.backup(otherRepo, TestRepos.users(5, 9));
        Files.copy(cacheDir().resolve(otherRepo.id()).resolve("heads"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(HeadsCache.in(cacheDir(), open().internals().envelope(), repo.id()).load()).isEmpty();
        assertThat(open().snapshot("latest").id()).isEqualTo(ids[2]);
    }

    @Test
    void aProcessReadsTheCacheAgainOnlyOnceAnotherOneWroteIt() throws Exception {
        threeSnapshots();
        Repository repo = open();
        HeadsCache mine = HeadsCache.in(cacheDir(), repo.internals().envelope(), repo.id());
        assertThat(mine.load()).hasSize(3);

        // damaged in place, its time put back: the same file as far as its attributes tell, so not read again
        Path file = cacheDir().resolve(repo.id()).resolve("heads");
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[30] ^= 0x40;
        try (var out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.WRITE)) {
            out.write(bytes);
        }
        Files.setLastModifiedTime(file, time);
        assertThat(mine.load()).hasSize(3);
        assertThat(HeadsCache.in(cacheDir(), repo.internals().envelope(), repo.id()).load()).as("read by another").isEmpty();

        // another process keeps two of them: this one reads what it wrote
        HeadsCache theirs = HeadsCache.in(cacheDir(), repo.internals().envelope(), repo.id());
        java.util.List<Repository.Head> two = repo.heads().subList(0, 2);
        theirs.store(two);
        assertThat(mine.load().keySet()).containsExactlyInAnyOrderElementsOf(two.stream().map(Repository.Head::id).toList());
        // and what this one writes, it knows without reading it
        mine.store(repo.heads());
        assertThat(mine.load()).hasSize(3);
        assertThat(theirs.load()).hasSize(3);
    }

    @Test
    void aForgottenSnapshotIsNotChosenFromTheCache() {
        String[] ids = threeSnapshots();
        open().forget(RetentionPolicy.none().keepLast(1));
        assertThat(open().heads()).extracting(h -> h.id().hex()).containsExactly(ids[2]);
        assertThatThrownBy(() -> open().snapshot(ids[0].substring(0, 10))).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND));
    }

    @Test
    void withoutACacheFolderNothingIsWrittenOutsideTheRepository() {
        Repository repo = TestRepos.init(repoDir());
        TestRepos.backup(repo, TestRepos.users(5, 1));
        assertThat(TestRepos.open(repoDir()).snapshot("latest")).isNotNull();
        assertThat(cacheDir()).doesNotExist();
    }

    @Test
    void theCacheFolderComesFromTheEnvironment() {
        assertThat(HeadsCache.userFolder(Map.of("CUTOVER_CACHE_DIR", "/c"), "/home/u")).isEqualTo(Path.of("/c"));
        assertThat(HeadsCache.userFolder(Map.of("CUTOVER_CACHE_DIR", "off"), "/home/u")).isNull();
        assertThat(HeadsCache.userFolder(Map.of("XDG_CACHE_HOME", "/x"), "/home/u")).isEqualTo(Path.of("/x/cutover"));
        assertThat(HeadsCache.userFolder(Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.cache/cutover"));
    }
}
