package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damage of every kind is found by check, named, and stops a read instead of letting bad data through. */
class CorruptionTest {
    @TempDir Path dir;
    Repository repo;
    Snapshot snapshot;

    @BeforeEach
    void backUp() {
        repo = TestRepos.init(dir);
        snapshot = TestRepos.backup(repo, TestRepos.users(2000, 7));
        assertThat(repo.check(true).problems()).isEmpty();
    }

    private Path onlyFileIn(String folder) throws IOException {
        try (var files = Files.walk(dir.resolve(folder))) {
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            assertThat(all).isNotEmpty();
            return all.get(0);
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    private void assertReadFailsNaming(String... parts) {
        assertThatThrownBy(() -> TestRepos.readAll(repo, snapshot)).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e.getMessage()).contains(parts);
        });
    }

    @Test
    void aFlippedByteInAPackIsNamedByReadDataAndStopsARestore() throws IOException {
        Path pack = onlyFileIn("data");
        flipByte(pack, 100);
        assertThat(repo.check(false).problems()).as("structure alone does not read blob bytes").isEmpty();
        CheckResult check = repo.check(true);
        String packName = "data/" + pack.getParent().getFileName() + "/" + pack.getFileName();
        assertThat(check.problems()).isNotEmpty();
        assertThat(check.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(packName);
            assertThat(p.chunk()).isNotNull();
            assertThat(p.message()).contains("fails authentication");
        });
        assertThat(check.problems()).anySatisfy(p -> {
            assertThat(p.snapshot()).isEqualTo(snapshot.shortId());
            assertThat(p.entity()).isEqualTo("public.users");
        });
        assertReadFailsNaming("snapshot " + snapshot.shortId(), "entity public.users", "chunk", "fails authentication");
    }

    /**
     * A damaged chunk the index still names is reused by every later backup (its id is its content's
     * hash: the same data is "already stored"), so each new snapshot was as unreadable as the first.
     * Left out of the index by a repair that reads the data, it is stored again by the next backup of
     * the same records, and the first snapshot reads again.
     */
    @Test
    void repairIndexWithReadDataLeavesADamagedChunkOutSoTheNextBackupStoresItAgain() throws IOException {
        Path pack = onlyFileIn("data");
        flipByte(pack, 100);
        IndexRepairResult repaired = repo.repairIndex(true);
        assertThat(repaired.damagedChunks()).hasSize(1);
        assertThat(repaired.damagedChunks().values()).allSatisfy(why -> assertThat(why).contains("fails authentication"));
        assertThat(repo.check(false).problems()).anySatisfy(p -> assertThat(p.toString()).contains("snapshot " + snapshot.shortId()));

        Snapshot again = TestRepos.backup(repo, TestRepos.users(2000, 7));
        assertThat(again.addedChunks()).as("the damaged chunk stored again").isPositive();
        assertThat(repo.check(true).problems()).as("the pack with the damaged copy is garbage now, not damage").isEmpty();
        assertThat(TestRepos.readAll(repo, snapshot)).isEqualTo(TestRepos.readAll(repo, again));
    }

    @Test
    void aTruncatedPackIsFoundByStructureCheckAndStopsARestore() throws IOException {
        Path pack = onlyFileIn("data");
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        CheckResult check = repo.check(false);
        assertThat(check.problems()).anySatisfy(p -> assertThat(p.message()).contains("truncated"));
        assertThat(check.problems()).anySatisfy(p -> assertThat(p.toString()).contains("snapshot " + snapshot.shortId()).contains("entity public.users"));
        assertReadFailsNaming("snapshot " + snapshot.shortId(), "truncated");
    }

    @Test
    void aMissingPackIsNamed() throws IOException {
        Path pack = onlyFileIn("data");
        Files.delete(pack);
        CheckResult check = repo.check(false);
        assertThat(check.problems()).anySatisfy(p -> assertThat(p.message()).contains("pack file is missing"));
        assertThat(check.problems()).anySatisfy(p -> assertThat(p.snapshot()).isEqualTo(snapshot.shortId()));
        assertReadFailsNaming("snapshot " + snapshot.shortId(), "missing");
    }

    @Test
    void aFlippedByteInTheIndexIsNamed() throws IOException {
        Path index = onlyFileIn("index");
        flipByte(index, 40);
        CheckResult check = repo.check(false);
        assertThat(check.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("index/" + index.getFileName());
            assertThat(p.message()).contains("damaged");
        });
        assertThat(check.problems()).anySatisfy(p -> assertThat(p.message()).contains("is in no index"));
        assertThatThrownBy(() -> TestRepos.readAll(repo, snapshot)).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e.getMessage()).contains("index/" + index.getFileName());
        });
    }

    /** A damaged index file holds up only the snapshots whose chunks it alone lists: another snapshot, listed by another index file, restores. */
    @Test
    void aDamagedIndexFileStopsOnlyTheSnapshotsItAloneLists() throws IOException {
        Path first = onlyFileIn("index");
        Snapshot other;
        try (SnapshotWriter w = repo.backup().source("memory:other").open()) {
            TestRepos.users(300, 99).forEach(w::write);
            other = w.commit();
        }
        flipByte(first, 40);
        assertThat(TestRepos.readAll(repo, other).values().iterator().next()).containsExactlyElementsOf(TestRepos.users(300, 99));
        assertReadFailsNaming("is in no index file that opens", "index/" + first.getFileName());
    }

    /**
     * `repair index` rebuilds a damaged or lost index from the packs' own headers: check is clean and
     * every snapshot reads again; a pack whose header is damaged is named and left out, and check
     * then names the chunks that were in it. An old index file left beside the new one (a repair
     * stopped before deleting it) lists chunks twice, which check accepts.
     */
    @Test
    void repairIndexRebuildsItFromThePacks() throws IOException {
        Path index = onlyFileIn("index");
        byte[] before = Files.readAllBytes(index);
        flipByte(index, 40);
        IndexRepairResult repaired = repo.repairIndex(false);
        assertThat(repaired.unreadablePacks()).isEmpty();
        assertThat(repaired.indexFilesReplaced()).isEqualTo(1);
        assertThat(repaired.chunks()).isPositive();
        assertThat(repo.check(true).problems()).isEmpty();
        assertThat(TestRepos.readAll(repo, snapshot).values().iterator().next()).containsExactlyElementsOf(TestRepos.users(2000, 7));

        Files.write(index, before); // the old index again, beside the rebuilt one
        assertThat(repo.check(true).problems()).isEmpty();
        for (Path f : Files.list(dir.resolve("index")).toList()) Files.delete(f);
        assertThat(repo.repairIndex(false).indexFilesReplaced()).isZero();
        assertThat(repo.check(true).problems()).isEmpty();

        Path pack = onlyFileIn("data");
        long size = Files.size(pack);
        flipByte(pack, size - 10); // in its sealed header
        IndexRepairResult partly = repo.repairIndex(false);
        assertThat(partly.unreadablePacks()).containsOnlyKeys(pack.getFileName().toString())
                .allSatisfy((p, why) -> assertThat(why).contains("header fails authentication").contains("stay indexed as the old index said"));
        // its chunks are whole: still indexed, they read; check names the header
        assertThat(TestRepos.readAll(repo, snapshot).values().iterator().next()).containsExactlyElementsOf(TestRepos.users(2000, 7));
        assertThat(repo.check(false).problems()).anySatisfy(p -> assertThat(p.file()).isEqualTo("data/" + pack.getFileName().toString().substring(0, 2)
                + "/" + pack.getFileName()));
        // with no index file left to say where they were, they are lost, and check names what needed them
        for (Path f : Files.list(dir.resolve("index")).toList()) Files.delete(f);
        assertThat(repo.repairIndex(false).unreadablePacks()).containsOnlyKeys(pack.getFileName().toString());
        assertThat(repo.check(false).problems()).anySatisfy(p -> assertThat(p.message()).contains("is in no index"));
        assertThat(repo.locks()).isEmpty();
    }

    /** A damaged manifest stops forget until `repair snapshots` removes it; the others stay, and prune then frees what only it needed. */
    @Test
    void repairSnapshotsRemovesTheOnesThatDoNotRead() throws IOException {
        Snapshot other;
        try (SnapshotWriter w = repo.backup().source("memory:other").open()) {
            TestRepos.users(300, 99).forEach(w::write);
            other = w.commit();
        }
        Path manifest = dir.resolve("snapshots").resolve(snapshot.id());
        flipByte(manifest, 30);
        assertThatThrownBy(() -> repo.forget(RetentionPolicy.none().keepLast(5))).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.getMessage()).contains("snapshots/" + snapshot.id()).contains("repair snapshots"));
        assertThat(repo.repairSnapshots(true)).containsOnlyKeys("snapshots/" + snapshot.id());
        assertThat(manifest).exists();
        assertThat(repo.repairSnapshots(false)).containsOnlyKeys("snapshots/" + snapshot.id());
        assertThat(manifest).doesNotExist();
        assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(other.id());
        assertThat(repo.prune().chunksRemoved()).isPositive();
        assertThat(repo.check(true).problems()).isEmpty();
        assertThat(TestRepos.readAll(repo, other).values().iterator().next()).containsExactlyElementsOf(TestRepos.users(300, 99));
        assertThat(repo.repairSnapshots(false)).isEmpty();
    }

    @Test
    void aFlippedByteInAManifestIsNamed() throws IOException {
        Path manifest = onlyFileIn("snapshots");
        flipByte(manifest, 30);
        CheckResult check = repo.check(true);
        assertThat(check.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("snapshots/" + manifest.getFileName());
            assertThat(p.message()).contains("damaged");
        });
        assertThatThrownBy(() -> repo.snapshots()).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e.getMessage()).contains("snapshots/" + manifest.getFileName());
        });
    }

    @Test
    void aManifestReEncryptedWithAnotherDigestIsCaughtAtTheEndOfTheStream() {
        // Someone with the key (or a bug) writes a manifest whose digest does not match the chunks.
        EntitySnapshot e = snapshot.entities().get(0);
        EntitySnapshot lying = new EntitySnapshot(e.name(), e.keyColumns(), e.records(), e.bytes(), "00".repeat(32), e.fields(),
                e.chunks(), 0, List.of());
        Snapshot forged = new Snapshot(snapshot.id(), snapshot.time(), snapshot.host(), snapshot.source(), snapshot.tags(),
                List.of(lying), snapshot.totalBytes(), snapshot.storedBytes(), snapshot.addedBytes(), snapshot.addedChunks());
        assertThatThrownBy(() -> TestRepos.readAll(repo, forged)).isInstanceOfSatisfying(CutoverException.class, ex -> {
            assertThat(ex.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(ex.getMessage()).contains("entity public.users").contains("the manifest says");
        });
        assertThat(snapshot.entity(EntityName.of("public.users"))).isPresent();
    }
}
