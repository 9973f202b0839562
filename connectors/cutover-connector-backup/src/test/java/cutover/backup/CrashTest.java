package cutover.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A backup killed with SIGKILL halfway leaves no snapshot, a repository that checks clean, and no obstacle to the next backup. */
class CrashTest {
    @TempDir Path dir;

    @Test
    void aBackupKilledMidwayLeavesOnlyGarbage() throws Exception {
        Repository repo = TestRepos.init(dir);
        Snapshot before = TestRepos.backup(repo, TestRepos.users(300, 1));

        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("packs");
        } finally {
            child.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs in the child
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Repository after = TestRepos.open(dir);
        assertThat(after.snapshots()).extracting(Snapshot::id).containsExactly(before.id());
        assertThat(after.locks()).singleElement().satisfies(l -> assertThat(l.stale()).isTrue());
        CheckResult check = after.check(true);
        assertThat(check.problems()).isEmpty();
        assertThat(check.unreferencedPacks()).hasSizeGreaterThanOrEqualTo(2);

        Snapshot next = TestRepos.backup(after, TestRepos.users(300, 2));
        assertThat(after.snapshots()).extracting(Snapshot::id).containsExactly(before.id(), next.id());
        PruneResult pruned = after.prune();
        assertThat(pruned.packsDeleted()).isGreaterThanOrEqualTo(2);
        CheckResult clean = after.check(true);
        assertThat(clean.problems()).isEmpty();
        assertThat(clean.unreferencedPacks()).isEmpty();
        assertThat(clean.tempFiles()).isZero();
        assertThat(TestRepos.readAll(after, before).values().iterator().next()).containsExactlyElementsOf(TestRepos.users(300, 1));
    }

    /** A backup stopped (SIGTERM, as `systemctl stop` and Ctrl-C's SIGINT end it) releases its lock as it goes: other hosts are not kept out. */
    @Test
    void aBackupStoppedReleasesItsLock() throws Exception {
        TestRepos.init(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("packs");
            assertThat(TestRepos.open(dir).locks()).hasSize(1);
        } finally {
            child.destroy(); // SIGTERM: the shutdown hooks run
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(TestRepos.open(dir).locks()).isEmpty();
    }
}
