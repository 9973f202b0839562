package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Record;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The disk runs full part way through a backup (after a budget of bytes, in a pack, in the index
 * or in the manifest): the backup fails with BACKUP_IO naming the cause, nothing of it is listed,
 * the earlier snapshot reads back whole, check finds no damage, and the next backup succeeds.
 */
class FullDiskTest {
    @TempDir Path dir;

    /** A disk with {@code budget} bytes left for the repository's writes; full stays full. */
    private static WriteGuard diskWith(long budget) {
        AtomicLong left = new AtomicLong(budget);
        return (file, bytes) -> {
            if (left.addAndGet(-bytes) < 0) throw new IOException("No space left on device");
        };
    }

    /** Where the disk runs full, as a point in the writes of the second backup. */
    enum Moment { AT_ONCE, IN_THE_FIRST_PACK, HALF_WAY, IN_THE_INDEX, IN_THE_MANIFEST }

    /** The bytes of each write the second backup makes (lock, packs, index, manifest), measured on a twin repository. */
    private List<long[]> writesOfTheSecondBackup(List<Record> before, List<Record> bigger) {
        List<long[]> writes = java.util.Collections.synchronizedList(new java.util.ArrayList<>()); // the index and the manifest are written together
        Path twin = dir.resolve("twin");
        TestRepos.backup(TestRepos.init(twin), before);
        Repository counting = Repository.open(twin, TestRepos.PASSPHRASE, TestRepos.FAST.withWriteGuard((file, bytes) -> writes.add(new long[] {
                file.getFileName().toString().startsWith("snapshots") ? 2 : file.getFileName().toString().startsWith("index") ? 1 : 0, bytes})));
        TestRepos.backup(counting, bigger);
        return writes;
    }

    private static long budget(Moment m, List<long[]> writes) {
        long total = writes.stream().mapToLong(w -> w[1]).sum();
        long beforeKind = 0;
        int kind = m == Moment.IN_THE_INDEX ? 1 : 2;
        for (long[] w : writes) {
            if (w[0] == kind) break;
            beforeKind += w[1];
        }
        return switch (m) {
            case AT_ONCE -> 0;
            case IN_THE_FIRST_PACK -> 5_000;
            case HALF_WAY -> total / 2;
            case IN_THE_INDEX, IN_THE_MANIFEST -> beforeKind + 10;
        };
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Moment.class)
    void aFullDiskFailsTheBackupAndLeavesTheRepositoryAsItWas(Moment moment) throws IOException {
        Path repoDir = dir.resolve("repo");
        Repository repo = TestRepos.init(repoDir);
        List<Record> before = TestRepos.users(500, 1);
        Snapshot kept = TestRepos.backup(repo, before);
        long budget = budget(moment, writesOfTheSecondBackup(before, TestRepos.users(4000, 2)));

        Repository full = Repository.open(repoDir, TestRepos.PASSPHRASE, TestRepos.FAST.withWriteGuard(diskWith(budget)));
        List<Record> bigger = TestRepos.users(4000, 2);
        assertThatThrownBy(() -> TestRepos.backup(full, bigger)).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_IO);
            assertThat(e.getMessage()).contains("No space left on device");
        });

        Repository after = TestRepos.open(repoDir);
        assertThat(after.snapshots()).extracting(Snapshot::id).as("the failed backup lists nothing").containsExactly(kept.id());
        assertThat(TestRepos.readAll(after, kept).values().iterator().next()).containsExactlyElementsOf(before);
        CheckResult check = after.check(true);
        assertThat(check.problems()).isEmpty();
        try (Stream<Path> tmp = Files.list(repoDir.resolve("tmp"))) {
            assertThat(tmp).as("no half-written file is left behind").isEmpty();
        }
        assertThat(after.locks()).as("the lock was released").isEmpty();

        Snapshot next = TestRepos.backup(after, bigger);
        assertThat(TestRepos.readAll(after, next).values().iterator().next()).containsExactlyElementsOf(bigger);
        assertThat(after.check(true).problems()).isEmpty();
    }
}
