package cutover.backup;

import cutover.connector.EntityInfo;
import cutover.connector.PointInTime;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.ValueCodec;
import cutover.verify.Digests;
import cutover.verify.HashedRow;
import cutover.verify.KeyRange;
import cutover.verify.KeyedHash;
import cutover.verify.RangeDigest;
import cutover.verify.TableShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A table whose source digest has not changed since the last snapshot of its source is reused, not read. */
class UnchangedTablesTest {
    static final EntityName USERS = SplitsInPartsTest.USERS;

    @TempDir Path dir;

    /** The digests a database would compute over the rows {@code rows} gives at the moment of the call. */
    static final class TableDigests implements Digests {
        final Supplier<List<Record>> rows;
        final AtomicInteger calls = new AtomicInteger();

        TableDigests(Supplier<List<Record>> rows) { this.rows = rows; }

        @Override public String dialect() { return "memory/1"; }

        @Override
        public Optional<TableShape> table(String table) {
            return Optional.of(new TableShape(table, List.of("id"), List.of(new TableShape.ColumnShape("id", "text"), new TableShape.ColumnShape("name", "text"))));
        }

        @Override public List<Value> splitPoints(String table, KeyRange within, int parts) { return List.of(); }

        @Override
        public List<RangeDigest> digests(String table, List<String> columns, KeyRange within, List<Value> bounds) {
            calls.incrementAndGet();
            long sum = 0;
            List<Record> now = rows.get();
            for (Record r : now) sum += java.util.Arrays.hashCode(ValueCodec.encode(new Value.MapValue(r.fields())));
            return List.of(new RangeDigest(within, now.size(), sum));
        }

        // a backup asks a table only for its whole digest: any other call is a test failure
        @Override public List<RangeDigest> bucketDigests(String table, List<String> columns, KeyRange within, int buckets) { throw notAsked(); }
        @Override public void rows(String table, List<String> columns, List<KeyRange> ranges, Consumer<HashedRow> out) { throw notAsked(); }
        @Override public void hashes(String table, List<String> columns, List<KeyRange> ranges, Consumer<KeyedHash> out) { throw notAsked(); }
        @Override public void rowsWithHashes(String table, List<String> columns, List<KeyRange> ranges, long[] hashes, Consumer<HashedRow> out) { throw notAsked(); }

        private static AssertionError notAsked() { return new AssertionError("a backup reads tables through the source, not through digests"); }
    }

    static List<Record> users(int n, String suffix) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Record(USERS, cutover.model.Key.of(Value.of("u" + i)),
                    java.util.Map.of("id", Value.of("u" + i), "name", Value.of("name " + i + (i == 7 ? suffix : "")))));
        }
        return out;
    }

    static Repository.BackupBuilder builder(Repository repo, Digests digests) {
        return repo.backup().source("postgresql://db/app").unchangedFrom(digests);
    }

    @Test
    void anUnchangedTableIsReusedAndAChangedOneReadAgain() {
        Repository repo = TestRepos.init(dir);
        List<List<Record>> data = new ArrayList<>(List.of(users(500, "")));
        TableDigests digests = new TableDigests(() -> data.get(0));

        Repository.BackupBuilder first = builder(repo, digests);
        Snapshot s1 = first.from(SplitsInPartsTest.RangesSource.of(data.get(0), 3));
        assertThat(first.unchanged()).isEmpty();
        assertThat(s1.entities().get(0).sourceDigest()).isNotNull();

        Repository.BackupBuilder second = builder(repo, digests);
        Snapshot s2 = second.from(new SplitsInPartsTest.RangesSource(List.of())); // nothing to read: a read would find no records
        assertThat(second.unchanged()).containsExactly(USERS);
        assertThat(s2.addedBytes()).isZero();
        assertThat(s2.entities()).singleElement().satisfies(e -> {
            assertThat(e.records()).isEqualTo(500);
            assertThat(e.chunks()).isEqualTo(s1.entities().get(0).chunks());
        });
        assertThat(TestRepos.readAll(repo, s2).get(USERS)).containsExactlyElementsOf(data.get(0));

        data.set(0, users(500, " (changed)"));
        Repository.BackupBuilder third = builder(repo, digests);
        Snapshot s3 = third.from(SplitsInPartsTest.RangesSource.of(data.get(0), 3));
        assertThat(third.unchanged()).isEmpty();
        assertThat(TestRepos.readAll(repo, s3).get(USERS)).containsExactlyElementsOf(data.get(0));
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void aTableWrittenToWhileItWasReadKeepsNoDigestSoTheNextBackupReadsItAgain() {
        Repository repo = TestRepos.init(dir);
        List<Record> before = users(300, ""), after = users(300, " (written meanwhile)");
        AtomicInteger digestCalls = new AtomicInteger();
        // the first digest sees the rows before the write, every later one the rows after it
        TableDigests digests = new TableDigests(() -> digestCalls.getAndIncrement() == 0 ? before : after);

        Repository.BackupBuilder first = builder(repo, digests);
        Snapshot s1 = first.from(SplitsInPartsTest.RangesSource.of(before, 2));
        assertThat(s1.entities().get(0).sourceDigest()).as("the table changed during the read").isNull();

        Repository.BackupBuilder second = builder(repo, digests);
        Snapshot s2 = second.from(SplitsInPartsTest.RangesSource.of(after, 2));
        assertThat(second.unchanged()).isEmpty();
        assertThat(TestRepos.readAll(repo, s2).get(USERS)).containsExactlyElementsOf(after);
        assertThat(s2.entities().get(0).sourceDigest()).isNotNull();
    }

    /** A source that holds still like a database's exported snapshot: its digests and reads see one moment. */
    static final class HeldSource implements Source {
        final Source rows;
        final AtomicInteger held = new AtomicInteger(), released = new AtomicInteger();

        HeldSource(Source rows) { this.rows = rows; }

        @Override public List<EntityInfo> entities() { return rows.entities(); }
        @Override public List<Split> splits(int parallelism) { return rows.splits(parallelism); }
        @Override public RecordReader read(Split split, Position from) {
            assertThat(held.get()).as("read while held").isEqualTo(released.get() + 1);
            return rows.read(split, from);
        }

        @Override
        public Optional<PointInTime> holdAtThisMoment() {
            held.incrementAndGet();
            return Optional.of(new PointInTime() {
                @Override public String id() { return "moment " + held.get(); }
                @Override public void close() { released.incrementAndGet(); }
            });
        }
    }

    @Test
    void aSourceHeldAtOneMomentIsDigestedOnceATableAndKeepsTheDigest() {
        Repository repo = TestRepos.init(dir);
        List<Record> rows = users(300, "");
        TableDigests digests = new TableDigests(() -> rows);
        HeldSource source = new HeldSource(SplitsInPartsTest.RangesSource.of(rows, 3));

        Snapshot s1 = builder(repo, digests).from(source);
        assertThat(digests.calls).as("one digest, in the same moment as the reads").hasValue(1);
        assertThat(source.held).hasValue(1);
        assertThat(source.released).as("let go once read").hasValue(1);
        assertThat(s1.entities().get(0).sourceDigest()).isNotNull();

        Repository.BackupBuilder second = builder(repo, digests);
        second.from(new HeldSource(new SplitsInPartsTest.RangesSource(List.of())));
        assertThat(second.unchanged()).containsExactly(USERS);
    }

    @Test
    void onlyASnapshotOfTheSameSourceIsReused() {
        Repository repo = TestRepos.init(dir);
        List<Record> rows = users(100, "");
        TableDigests digests = new TableDigests(() -> rows);
        builder(repo, digests).from(SplitsInPartsTest.RangesSource.of(rows, 1));
        Repository.BackupBuilder other = repo.backup().source("postgresql://elsewhere/app").unchangedFrom(digests);
        other.from(SplitsInPartsTest.RangesSource.of(rows, 1));
        assertThat(other.unchanged()).isEmpty();
    }
}
