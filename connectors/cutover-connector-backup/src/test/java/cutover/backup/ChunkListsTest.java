package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An entity's base chunk ids kept in a list file of their own (manifest version 6), named again by the snapshots that build on it. */
class ChunkListsTest {
    private static final EntityName USERS = EntityName.of("public.users");

    @TempDir Path dir;

    private List<Path> lists() throws IOException {
        Path folder = dir.resolve(RepoFiles.LISTS);
        if (!Files.isDirectory(folder)) return List.of();
        try (var files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    private ManifestFile.Header headerOf(Repository repo, Snapshot s) throws IOException {
        return ManifestFile.headerOf(repo.internals().envelope().readNamedJson(repo.internals().files().snapshot(BlobId.parse(s.id())), "snapshot"));
    }

    @Test
    void aLargeEntityKeepsItsChunkIdsInAListFileAndReadsBackWhole() throws IOException {
        Repository repo = TestRepos.init(dir);
        Snapshot written = TestRepos.backup(repo, TestRepos.users(2000, 1));
        EntitySnapshot users = written.entity(USERS).orElseThrow();
        assertThat(users.chunks()).hasSizeGreaterThan(16);
        assertThat(users.chunkList()).isEqualTo(new ChunkList(lists().get(0).getFileName().toString(), users.chunks().size()));
        assertThat(lists()).hasSize(1);
        assertThat(headerOf(repo, written).version()).isEqualTo(6);
        byte[] manifest = repo.internals().envelope().readNamedJson(repo.internals().files().snapshot(BlobId.parse(written.id())), "snapshot");
        assertThat(new String(manifest, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(users.chunks().get(0)); // in the list, not here

        Repository reopened = TestRepos.open(dir); // nothing kept from the write: the list is read from its file
        Snapshot read = reopened.snapshots().get(0);
        assertThat(read.entity(USERS).orElseThrow().chunks()).isEqualTo(users.chunks());
        assertThat(read.entity(USERS).orElseThrow().partsProblem()).isNull();
        assertThat(TestRepos.readAll(reopened, read).get(USERS)).containsExactlyElementsOf(TestRepos.users(2000, 1));
        assertThat(reopened.check(true).problems()).isEmpty();
    }

    @Test
    void aSmallEntityKeepsItsChunkIdsInTheManifestAsBefore() throws IOException {
        Repository repo = TestRepos.init(dir);
        Snapshot written = TestRepos.backup(repo, TestRepos.users(20, 1));
        assertThat(written.entity(USERS).orElseThrow().chunkList()).isNull();
        assertThat(lists()).isEmpty();
        assertThat(headerOf(repo, written).version()).isLessThan(6); // readable by a Cutover from before lists
    }

    @Test
    void aSnapshotBuildingOnAnotherNamesItsListInsteadOfWritingOneAgain() throws IOException {
        Repository repo = TestRepos.init(dir);
        Snapshot first = TestRepos.backup(repo, TestRepos.users(2000, 1));
        EntitySnapshot before = first.entity(USERS).orElseThrow();

        Snapshot reused; // the entity reused as it was (a table unchanged since)
        try (SnapshotWriter w = repo.backup().source("memory:test").open()) {
            w.buildsOn(first);
            w.reuse(before);
            reused = w.commit();
        }
        // the same base parts, built anew (a change layer's entity is the earlier one's parts and its own)
        Snapshot rebuilt;
        try (SnapshotWriter w = repo.backup().source("memory:test").open()) {
            w.buildsOn(first);
            w.layered(before.withChunkList(null));
            rebuilt = w.commit();
        }
        assertThat(reused.entity(USERS).orElseThrow().chunkList()).isEqualTo(before.chunkList());
        assertThat(rebuilt.entity(USERS).orElseThrow().chunkList()).isEqualTo(before.chunkList());
        assertThat(lists()).hasSize(1);

        // without the snapshot it builds on, the same ids go to a list of their own
        try (SnapshotWriter w = repo.backup().source("memory:test").open()) {
            w.layered(before.withChunkList(null));
            assertThat(w.commit().entity(USERS).orElseThrow().chunkList()).isNotEqualTo(before.chunkList());
        }
        assertThat(lists()).hasSize(2);
        Repository reopened = TestRepos.open(dir);
        for (Snapshot s : reopened.snapshots()) {
            assertThat(TestRepos.readAll(reopened, s).get(USERS)).containsExactlyElementsOf(TestRepos.users(2000, 1));
        }
        assertThat(reopened.check(true).problems()).isEmpty();
    }

    @Test
    void aDamagedListIsNamedByCheckAndStopsTheListing() throws IOException {
        Repository repo = TestRepos.init(dir);
        Snapshot written = TestRepos.backup(repo, TestRepos.users(2000, 1));
        Path list = lists().get(0);
        try (RandomAccessFile f = new RandomAccessFile(list.toFile(), "rw")) {
            f.seek(40);
            int b = f.read();
            f.seek(40);
            f.write(b ^ 0x01);
        }
        String name = "lists/" + list.getFileName();
        CheckResult checked = repo.check(false);
        assertThat(checked.problems()).as("a check reads the lists again, not as this process wrote them").singleElement().satisfies(p -> {
            assertThat(p.snapshot()).isEqualTo(written.shortId());
            assertThat(p.message()).contains("entity public.users", name);
        });
        assertThat(checked.snapshots()).as("the snapshot that does not read is counted among those checked").isEqualTo(1);
        assertThatThrownBy(() -> TestRepos.open(dir).snapshots()).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e.getMessage()).contains("snapshots/" + written.id(), "entity public.users", name);
        });

        Files.delete(list);
        assertThatThrownBy(() -> TestRepos.open(dir).snapshots()).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e.getMessage()).contains("entity public.users", name + " is missing");
        });
    }

    @Test
    void aDamagedListNamedByTwoSnapshotsIsNamedForEachAndAWholeOneReadOncePerCheck() throws IOException {
        Repository repo = TestRepos.init(dir);
        Snapshot first = TestRepos.backup(repo, TestRepos.users(2000, 1));
        Snapshot second;
        try (SnapshotWriter w = repo.backup().source("memory:test").open()) {
            w.buildsOn(first);
            w.reuse(first.entity(USERS).orElseThrow());
            second = w.commit();
        }
        assertThat(lists()).hasSize(1);
        assertThat(TestRepos.open(dir).check(true).problems()).isEmpty();

        Files.write(lists().get(0), new byte[] {1, 2, 3}); // truncated: fails before its name is even checked against its hash
        assertThat(TestRepos.open(dir).check(false).problems()).extracting(CheckProblem::snapshot)
                .containsExactlyInAnyOrder(first.shortId(), second.shortId());
    }

    @Test
    void pruneDeletesTheListsNoSnapshotNamesAndCheckCallsThemGarbageUntilThen() throws IOException {
        Repository repo = TestRepos.init(dir);
        Snapshot old = TestRepos.backup(repo, TestRepos.users(2000, 1));
        Snapshot kept = TestRepos.backup(repo, TestRepos.users(2000, 2));
        assertThat(lists()).hasSize(2);
        repo.forget(RetentionPolicy.none().keepLast(1));

        // as a prune stopped before its last step leaves it: the forgotten snapshot's list still there
        CheckResult before = TestRepos.open(dir).check(false);
        assertThat(before.problems()).isEmpty();
        assertThat(before.unreferencedLists()).containsExactly("lists/" + old.entity(USERS).orElseThrow().chunkList().id());

        PruneResult pruned = repo.prune();
        assertThat(pruned.listsDeleted()).isEqualTo(1);
        assertThat(lists()).extracting(p -> p.getFileName().toString()).containsExactly(kept.entity(USERS).orElseThrow().chunkList().id());
        Repository reopened = TestRepos.open(dir);
        CheckResult after = reopened.check(true);
        assertThat(after.problems()).isEmpty();
        assertThat(after.unreferencedLists()).isEmpty();
        assertThat(TestRepos.readAll(reopened, reopened.snapshots().get(0)).get(USERS)).containsExactlyElementsOf(TestRepos.users(2000, 2));
    }

    @Test
    void theListedChunksSettingIsAWholeNumberOrTheDefault() {
        assertThat(RepositoryOptions.listedChunks(null)).isEqualTo(RepositoryOptions.DEFAULT_LISTED_CHUNKS);
        assertThat(RepositoryOptions.listedChunks(" 8 ")).isEqualTo(8);
        for (String bad : List.of("0", "many", "-3")) {
            assertThatThrownBy(() -> RepositoryOptions.listedChunks(bad)).isInstanceOfSatisfying(CutoverException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SETTING_INVALID);
                assertThat(e.getMessage()).contains("CUTOVER_LISTED_CHUNKS", "'" + bad + "'");
            });
        }
    }
}
