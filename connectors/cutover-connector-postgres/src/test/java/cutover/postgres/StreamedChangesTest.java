package cutover.postgres;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** How a backup's moment cuts the streamed changes: by each transaction's commit position. */
class StreamedChangesTest {
    private static final PgOutput.Relation T = new PgOutput.Relation(7, "public", "t", 'd', List.of("id", "v"), List.of(true, false));
    private static final PgOutput.Relation ELSEWHERE = new PgOutput.Relation(8, "other", "t", 'd', List.of("id", "v"), List.of(true, false));

    private final StreamedChanges changes = new StreamedChanges("public", 100, Map.of("t", List.of("id")));

    @Test
    void aMomentTakesTheTransactionsThatCommitBeforeIt() throws InterruptedException {
        changes.take(T);
        transaction(150, 1, 2);
        changes.barrier();
        transaction(180, 3);          // arrived while the moment was taken: before it
        transaction(250, 4);          // … after it
        changes.cut(200);
        transaction(195, 5);          // committed before the moment, told after the cut
        transaction(260, 6);
        assertThat(keys(changes.changesUpTo(200, 0))).containsExactly("1", "2", "3", "5");
    }

    @Test
    void aTransactionBegunWhileTheMomentWasTakenGoesOnOnItsSide() throws InterruptedException {
        changes.take(T);
        changes.barrier();
        changes.take(new PgOutput.Begin(180, 1));
        insert(10);
        changes.take(new PgOutput.Begin(190, 2)); // (not how a stream interleaves; the first's rest must still follow it)
        changes.cut(200);
        insert(11);
        changes.take(new PgOutput.Commit(190, 195));
        changes.take(new PgOutput.Begin(210, 3));
        insert(12);
        changes.take(new PgOutput.Commit(210, 215));
        assertThat(keys(changes.changesUpTo(200, 0))).containsExactly("10", "11");
    }

    @Test
    void aBackupNotStoredLeavesItsChangesToTheNextAndAStoredOneKeepsOnlyTheLaterOnes() throws InterruptedException {
        changes.take(T);
        transaction(150, 1);
        changes.barrier();
        changes.cut(200);
        transaction(250, 2);
        changes.passed(260);
        assertThat(keys(changes.changesUpTo(200, 0))).containsExactly("1");

        // not stored: the next moment gets both, and what came since
        changes.barrier();
        transaction(270, 3);
        changes.cut(300);
        changes.passed(300);
        assertThat(keys(changes.changesUpTo(300, 0))).containsExactly("1", "2", "3");
        assertThat(changes.advance(200)).as("stored at another moment than the cut").isFalse();

        // stored: the next backup starts there
        transaction(310, 4);
        assertThat(changes.advance(300)).isTrue();
        assertThat(changes.from()).isEqualTo(300);
        assertThat(changes.confirmAt()).isEqualTo(300);
        changes.barrier();
        changes.cut(400);
        changes.passed(400);
        assertThat(keys(changes.changesUpTo(400, 0))).containsExactly("4");
    }

    @Test
    void transactionsBeforeTheStoredMomentAndOtherSchemasAreNotTold() throws InterruptedException {
        changes.take(T);
        changes.take(ELSEWHERE);
        transaction(90, 1);                        // before the last stored moment: in its snapshot already
        changes.take(new PgOutput.Begin(150, 9));
        changes.take(new PgOutput.Insert(8, new PgOutput.Tuple(List.of("2", "x"))));
        changes.take(new PgOutput.Commit(150, 155));
        changes.barrier();
        changes.cut(200);
        changes.passed(200);
        assertThat(changes.changesUpTo(200, 0)).hasValue(Map.of());
    }

    @Test
    void aFailedStreamTellsNothingAndAWaitEndsWithIt() throws InterruptedException {
        changes.take(T);
        transaction(150, 1);
        changes.barrier();
        changes.cut(200);
        Thread failing = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                // fails at once then
            }
            changes.fail();
        });
        failing.start();
        assertThat(changes.changesUpTo(200, 10_000)).isEmpty();
        failing.join();
        assertThat(changes.failed()).isTrue();
        assertThat(changes.advance(200)).isFalse();
    }

    @Test
    void aWaitEndsWhenTheStreamPassesTheMoment() throws InterruptedException {
        changes.take(T);
        changes.barrier();
        changes.cut(200);
        assertThat(changes.changesUpTo(200, 0)).as("not past the moment yet").isEmpty();
        Thread stream = new Thread(() -> transaction(190, 1, 2));
        Thread keepalive = new Thread(() -> changes.passed(205));
        stream.start();
        stream.join();
        keepalive.start();
        assertThat(keys(changes.changesUpTo(200, 10_000))).containsExactly("1", "2");
        keepalive.join();
    }

    @Test
    void anExportedSnapshotIsPlacedAtTheFirstCommitItDoesNotSee() throws InterruptedException {
        changes.take(T);
        transaction(150, 1);                 // xid 150, seen
        changes.barrier();
        transaction(180, 2);                 // xid 180, seen
        transaction(190, 3);                 // xid 190: committed before the insert position, not seen
        changes.passed(300);
        SnapshotXids snapshot = SnapshotXids.parse("150:190:");
        assertThat(changes.cutFor(snapshot, 250, 0)).hasValue(190);
        changes.cut(190);
        assertThat(keys(changes.changesUpTo(190, 0))).containsExactly("1", "2");
        assertThat(changes.advance(190)).isTrue();
        changes.barrier();
        changes.passed(400);
        assertThat(changes.cutFor(SnapshotXids.parse("300:300:"), 350, 0)).as("nothing since: at the insert position").hasValue(350);
        changes.cut(350);
        assertThat(keys(changes.changesUpTo(350, 0))).as("the one the last snapshot did not see").containsExactly("3");
    }

    @Test
    void anExportedSnapshotThatSeesALaterCommitButNotAnEarlierOneIsNotPlaced() throws InterruptedException {
        changes.take(T);
        changes.barrier();
        transaction(180, 2);                 // not seen: still running when the snapshot was taken …
        transaction(190, 3);                 // … though this later commit was seen
        changes.passed(300);
        assertThat(changes.cutFor(SnapshotXids.parse("180:191:180"), 250, 0)).isEmpty();
        changes.cut(-1);
    }

    @Test
    void aTransactionToldBeforeTheBarrierThatTheSnapshotDoesNotSeeLeavesItUnplaced() throws InterruptedException {
        changes.take(T);
        transaction(150, 1);                 // told, yet still running for a snapshot taken after the barrier
        changes.barrier();
        changes.passed(300);
        assertThat(changes.cutFor(SnapshotXids.parse("150:160:150"), 250, 0)).isEmpty();
        assertThat(changes.cutFor(SnapshotXids.parse("151:160:"), 250, 0)).hasValue(250);
    }

    @Test
    void pastTheTransactionIdsKeptAnExportedSnapshotIsNotPlaced() throws InterruptedException {
        changes.take(T);
        for (int i = 0; i <= StreamedChanges.MAX_XIDS; i++) {
            changes.take(new PgOutput.Begin(150, 1_000 + i));
            changes.take(new PgOutput.Commit(150, 151));
        }
        changes.barrier();
        changes.passed(300);
        assertThat(changes.cutFor(SnapshotXids.parse("5000000:5000000:"), 250, 0)).isEmpty();
        changes.cut(250);
        assertThat(changes.advance(250)).isTrue();
        changes.barrier();
        assertThat(changes.cutFor(SnapshotXids.parse("5000000:5000000:"), 260, 0)).as("a stored cut starts the count again").hasValue(260);
    }

    @Test
    void anExportedSnapshotWaitsForTheStreamToPassItsInsertPosition() throws InterruptedException {
        changes.take(T);
        changes.barrier();
        assertThat(changes.cutFor(SnapshotXids.parse("100:200:"), 250, 0)).as("not there yet").isEmpty();
        Thread stream = new Thread(() -> {
            transaction(180, 1);
            changes.passed(260);
        });
        stream.start();
        assertThat(changes.cutFor(SnapshotXids.parse("100:200:"), 250, 10_000)).hasValue(250);
        stream.join();
    }

    private void transaction(long finalLsn, int... ids) {
        changes.take(new PgOutput.Begin(finalLsn, (int) finalLsn));
        for (int id : ids) insert(id);
        changes.take(new PgOutput.Commit(finalLsn, finalLsn + 1));
    }

    private void insert(int id) {
        changes.take(new PgOutput.Insert(7, new PgOutput.Tuple(List.of(String.valueOf(id), "v" + id))));
    }

    private static TreeSet<String> keys(Optional<Map<String, LoggedKeys>> told) {
        assertThat(told).isPresent();
        TreeSet<String> out = new TreeSet<>((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        LoggedKeys t = told.get().get("t");
        if (t != null) t.forEach((key, before, after) -> out.add(key));
        return out;
    }
}
