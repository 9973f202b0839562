package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LockTest {
    @TempDir Path dir;

    /** A lock as a version before lock modes wrote it (no mode: a writer's, so exclusive). */
    private static void plantLock(Repository repo, String name, String host, long pid, Instant time) {
        plantLock(repo, name, host, pid, time, null);
    }

    private static void plantLock(Repository repo, String name, String host, long pid, Instant time, String mode) {
        Repository.Internals in = repo.internals();
        in.files().writeAtomically(in.files().lock(name), in.envelope().seal("lock", new LockFile(host, pid, time.toString(), "backup", mode)));
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aSecondWriterIsKeptOutWhileTheFirstHoldsTheLock() {
        Repository repo = TestRepos.init(dir);
        Repository other = TestRepos.open(dir);
        try (SnapshotWriter first = repo.backup().open()) {
            assertThatThrownBy(() -> other.backup().open()).isInstanceOfSatisfying(CutoverException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED);
                assertThat(e.getMessage()).contains("locked by backup on " + RepoLock.host())
                        .contains("process " + ProcessHandle.current().pid()).contains("Wait for it");
            });
            assertThatThrownBy(() -> other.prune()).isInstanceOfSatisfying(CutoverException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED));
            assertThat(other.locks()).singleElement().satisfies(l -> assertThat(l.stale()).isFalse());
            assertThat(other.unlock(false)).isEmpty();
            first.commit();
        }
        assertThat(repo.locks()).isEmpty();
        assertThat(TestRepos.backup(other, TestRepos.users(5, 1)).records()).isEqualTo(5);
    }

    @Test
    void readersShareWithBackupsAndEachOtherButKeepForgetAndPruneOut() {
        Repository repo = TestRepos.init(dir);
        Snapshot first = TestRepos.backup(repo, TestRepos.users(5, 1));
        Repository other = TestRepos.open(dir);
        try (Repository.Lock reading = repo.lockForReading("restore"); Repository.Lock alsoReading = other.lockForReading("restore")) {
            assertThat(other.locks()).hasSize(2).allSatisfy(l -> assertThat(l.mode()).isEqualTo("read"));
            assertThat(TestRepos.backup(other, TestRepos.users(7, 2)).records()).isEqualTo(7); // a backup only adds files
            assertThat(other.check(true).ok()).isTrue();
            assertThatThrownBy(() -> other.forget(RetentionPolicy.none().keepLast(1))).isInstanceOfSatisfying(CutoverException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED);
                assertThat(e.getMessage()).contains("locked by restore").contains("read lock");
            });
            assertThatThrownBy(other::prune).isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED));
        }
        assertThat(repo.locks()).isEmpty();
        assertThat(repo.forget(RetentionPolicy.none().keepLast(1)).removed()).extracting(Snapshot::id).containsExactly(first.id());
    }

    @Test
    void aPruneKeepsReadersOut() {
        Repository repo = TestRepos.init(dir);
        plantLock(repo, "pruning", "elsewhere", 4242, Instant.now(), "exclusive");
        assertThatThrownBy(() -> repo.lockForReading("restore")).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED));
        assertThatThrownBy(() -> repo.check(false)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED));
        assertThat(repo.locks()).hasSize(1);
    }

    @Test
    void aHeldLockIsRefreshedSoThatALongBackupNeverLooksStale() throws Exception {
        RepositoryOptions quick = TestRepos.FAST.withStaleLockAge(java.time.Duration.ofMillis(600)); // refreshed every 100 ms
        Repository.init(dir, TestRepos.PASSPHRASE, quick);
        Repository repo = Repository.open(dir, TestRepos.PASSPHRASE, quick);
        try (SnapshotWriter writer = repo.backup().open()) {
            Instant taken = repo.locks().get(0).time();
            Thread.sleep(1_500); // more than twice the stale age
            assertThat(repo.locks()).singleElement().satisfies(l -> {
                assertThat(l.stale()).isFalse();
                assertThat(l.time()).isAfter(taken);
                assertThat(l.mode()).isEqualTo("append");
            });
            TestRepos.users(3, 1).forEach(writer::write);
            writer.commit();
        }
        assertThat(repo.locks()).isEmpty();
    }

    @Test
    void aBackupWhoseLockWasRemovedWhileItRanDoesNotCommit() {
        Repository repo = TestRepos.init(dir);
        Repository other = TestRepos.open(dir);
        try (SnapshotWriter writer = repo.backup().open()) {
            TestRepos.users(20, 1).forEach(writer::write);
            assertThat(other.unlock(true)).hasSize(1); // someone forced it
            assertThatThrownBy(writer::commit).isInstanceOfSatisfying(CutoverException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED);
                assertThat(e.getMessage()).contains("was removed").contains("Run it again");
            });
        }
        assertThat(other.snapshots()).isEmpty();
        assertThat(other.check(false).ok()).isTrue();
    }

    @Test
    void aLockWhoseProcessIsGoneFromThisHostIsStaleAndRemovedByTheNextWriter() throws Exception {
        Repository repo = TestRepos.init(dir);
        plantLock(repo, "dead", RepoLock.host(), deadPid(), Instant.now());
        assertThat(repo.locks()).singleElement().satisfies(l -> {
            assertThat(l.stale()).isTrue();
            assertThat(l.staleReason()).contains("no longer runs");
        });
        TestRepos.backup(repo, TestRepos.users(5, 1));
        assertThat(repo.locks()).isEmpty();
    }

    @Test
    void anOldLockFromAnotherHostIsReportedStaleButOnlyRemovedByUnlock() {
        Repository repo = TestRepos.init(dir);
        plantLock(repo, "old", "elsewhere", 4242, Instant.now().minus(2, ChronoUnit.DAYS));
        assertThatThrownBy(() -> TestRepos.backup(repo, TestRepos.users(5, 1))).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED);
            assertThat(e.getMessage()).contains("elsewhere").contains("stale").contains("cutover backup unlock");
        });
        assertThat(repo.locks()).as("the failed writer withdrew its own lock").hasSize(1);
        assertThat(repo.unlock(false)).singleElement().satisfies(l -> assertThat(l.host()).isEqualTo("elsewhere"));
        assertThat(TestRepos.backup(repo, TestRepos.users(5, 1)).records()).isEqualTo(5);
    }

    /**
     * A lock file that does not open (zero bytes: a power cut after its rename, before its bytes) holds
     * every command out as an exclusive lock, says how to remove it, and goes stale once not rewritten
     * for the stale age, as a readable one does; it was never stale, and only `unlock --all` helped.
     */
    @Test
    void aDamagedLockFileGoesStaleByItsFileTime() throws Exception {
        Repository repo = TestRepos.init(dir);
        Path damaged = repo.internals().files().lock("0123456789abcdef0123456789abcdef");
        java.nio.file.Files.write(damaged, new byte[0]);
        assertThatThrownBy(() -> TestRepos.backup(repo, TestRepos.users(5, 1))).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED);
            assertThat(e.getMessage()).contains("cannot be read").contains("cutover backup unlock --all");
        });
        assertThat(repo.unlock(false)).as("fresh: a holder may still rewrite it").isEmpty();
        java.nio.file.Files.setLastModifiedTime(damaged, java.nio.file.attribute.FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS)));
        assertThat(repo.locks()).singleElement().satisfies(l -> {
            assertThat(l.stale()).isTrue();
            assertThat(l.staleReason()).contains("cannot be read");
        });
        assertThat(repo.unlock(false)).hasSize(1);
        assertThat(TestRepos.backup(repo, TestRepos.users(5, 1)).records()).isEqualTo(5);
    }

    @Test
    void aFreshLockFromAnotherHostIsNotStale() {
        Repository repo = TestRepos.init(dir);
        plantLock(repo, "busy", "elsewhere", 4242, Instant.now());
        assertThat(repo.unlock(false)).isEmpty();
        assertThatThrownBy(() -> repo.forget(RetentionPolicy.none().keepLast(1))).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED));
        assertThat(repo.unlock(true)).hasSize(1);
    }

    /**
     * Backups started at the same moment, in two processes' stead: each sees the other's new lock and
     * withdraws, then tries again at random pauses; every round ends with exactly one holding the lock
     * while the other gives up or waits, never both writing, and never neither.
     */
    @Test
    void twoBackupsStartedTogetherEndWithOneRunning() throws Exception {
        TestRepos.init(dir);
        for (int round = 0; round < 10; round++) {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger(), most = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            for (int i = 0; i < 2; i++) {
                outcomes.add(pool.submit(() -> {
                    Repository repo = TestRepos.open(dir);
                    start.await();
                    try (RepoLock lock = repo.internals().lock("backup", RepoLock.Mode.APPEND)) {
                        most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        Thread.sleep(300);
                        holding.decrementAndGet();
                        return "ran";
                    } catch (CutoverException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_LOCKED);
                        return "gave up";
                    }
                }));
            }
            java.util.List<String> ended = new java.util.ArrayList<>();
            for (var f : outcomes) ended.add(f.get());
            pool.shutdown();
            assertThat(most.get()).as("round %d: never both", round).isEqualTo(1);
            assertThat(ended).as("round %d", round).contains("ran");
            assertThat(TestRepos.open(dir).locks()).isEmpty();
        }
    }

    /** A holder's lock is not a racer's: met again unchanged, it is given up on at once, unless told to wait, which then gets it when released. */
    @Test
    void aHeldLockIsWaitedForOnlyWhenToldTo() throws Exception {
        Repository repo = TestRepos.init(dir);
        java.util.List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        Repository patient = Repository.open(dir, TestRepos.PASSPHRASE, TestRepos.FAST.withRetryLock(java.time.Duration.ofSeconds(30))
                .withLockWaitNotice(notices::add));
        SnapshotWriter first = repo.backup().open();
        long before = System.nanoTime();
        assertThatThrownBy(() -> TestRepos.open(dir).backup().open()).isInstanceOfSatisfying(CutoverException.class, e ->
                assertThat(e.getMessage()).contains("--retry-lock"));
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - before)).as("one short pause, not the race's seconds").isLessThan(RepoLock.RACE);
        java.util.concurrent.CompletableFuture<Snapshot> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> TestRepos.backup(patient, TestRepos.users(3, 2)));
        Thread.sleep(1500);
        assertThat(waiting).isNotDone();
        first.commit();
        first.close();
        assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).records()).isEqualTo(3);
        assertThat(notices).as("told once that it waits, and for whom").singleElement().asString()
                .contains("waiting up to 30 s").contains("locked by backup on " + RepoLock.host());
        assertThat(repo.snapshots()).hasSize(2);
    }
}
