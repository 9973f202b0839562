package cutover.backup;

import cutover.model.Record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SealingKitTest {
    private final Keys keys = Keys.fromMaster(new byte[Crypto.KEY_BYTES], new Nonces(new SecureRandom()));

    @TempDir
    Path dir;

    @Test
    void aBufferGivenBackIsLentAgainClearedWhenLargeEnough() {
        SealingKit kit = new SealingKit(keys);
        ByteBuffer first = kit.buffer(1024);
        first.put(new byte[100]).flip();
        kit.giveBack(first);
        ByteBuffer again = kit.buffer(512);
        assertThat(again).isSameAs(first);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(1024);
        kit.giveBack(again);
        ByteBuffer larger = kit.buffer(4096);
        assertThat(larger).isNotSameAs(first);
        assertThat(larger.capacity()).isEqualTo(4096);
    }

    @Test
    void aSealerGivenBackIsLentAgainAtItsLevelOnly() {
        SealingKit kit = new SealingKit(keys);
        ChunkSealer s = kit.sealer(3);
        kit.giveBack(s);
        assertThat(kit.sealer(3)).isSameAs(s);
        kit.giveBack(s);
        ChunkSealer other = kit.sealer(9);
        assertThat(other).isNotSameAs(s);
        assertThat(other.zstdLevel()).isEqualTo(9);
        assertThat(kit.idleSealers()).isZero(); // the level-3 one was closed, not kept
    }

    @Test
    void keptAtMostItsBound() {
        SealingKit kit = new SealingKit(keys);
        for (int i = 0; i < SealingKit.IDLE_SEALERS + 3; i++) kit.giveBack(new ChunkSealer(keys, 3));
        assertThat(kit.idleSealers()).isEqualTo(SealingKit.IDLE_SEALERS);
    }

    @Test
    void aBackupStoredLeavesItsSealersToTheNextAndOneAbandonedDoesNot() {
        Repository repo = TestRepos.init(dir);
        SealingKit kit = repo.internals().sealingKit();
        List<Record> users = TestRepos.users(3000, 5);
        Snapshot first = TestRepos.backup(repo, users);
        int kept = kit.idleSealers();
        assertThat(kept).isPositive();

        try (SnapshotWriter w = repo.backup().source("memory:test").open()) {
            TestRepos.users(2000, 6).forEach(w::write); // closed without a commit: as a failed backup is
        }
        assertThat(kit.idleSealers()).as("sealers of an abandoned backup are closed, not kept").isLessThan(kept);

        Snapshot second = TestRepos.backup(repo, TestRepos.users(3000, 7));
        assertThat(TestRepos.readAll(repo, first).values().iterator().next()).containsExactlyElementsOf(users);
        assertThat(TestRepos.readAll(repo, second).values().iterator().next()).containsExactlyElementsOf(TestRepos.users(3000, 7));
        assertThat(repo.check(true).problems()).isEmpty();
    }
}
