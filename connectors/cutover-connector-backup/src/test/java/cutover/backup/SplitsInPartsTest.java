package cutover.backup;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A source read split by split in parallel: each split is a part, restored by a reader of its own, records exactly as given. */
class SplitsInPartsTest {
    static final EntityName USERS = EntityName.of("public.users");

    @TempDir Path dir;

    /** The records cut into {@code n} consecutive splits, like a table cut into key ranges. */
    record RangesSource(List<List<Record>> ranges) implements Source {
        static RangesSource of(List<Record> records, int n) {
            List<List<Record>> out = new ArrayList<>();
            int size = (records.size() + n - 1) / n;
            for (int i = 0; i < records.size(); i += size) out.add(records.subList(i, Math.min(records.size(), i + size)));
            return new RangesSource(out);
        }

        @Override
        public List<EntityInfo> entities() { return List.of(new EntityInfo(USERS, -1, -1, List.of("id"))); }

        @Override
        public Optional<List<EntityInfo>> quickEstimates() { return Optional.of(entities()); }

        @Override
        public List<Split> splits(int parallelism) {
            List<Split> out = new ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) out.add(new Split("range-" + i, Set.of(USERS), ranges.get(i).size(), "range " + i));
            return out;
        }

        @Override
        public RecordReader read(Split split, Position from) {
            Iterator<Record> it = ranges.get(Integer.parseInt(split.id().substring("range-".length()))).iterator();
            return new RecordReader() {
                long n;

                @Override
                public Item next() {
                    if (!it.hasNext()) return null;
                    n++;
                    if (n % 97 == 0) Thread.yield(); // let the other readers overtake this one
                    return new Ok(it.next());
                }

                @Override
                public Position position() { return new Position(n, ""); }

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void splitsReadInParallelAreRestoredAsPartsWithExactlyTheSameRecordsInOrder() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(5_000, 7);
        Snapshot s = repo.backup().readers(3).from(RangesSource.of(users, 5));

        EntitySnapshot e = s.entity(USERS).orElseThrow();
        assertThat(e.parts()).hasSize(5);
        assertThat(e.parts()).extracting(EntityPart::records).containsExactly(1000L, 1000L, 1000L, 1000L, 1000L);
        assertThat(e.records()).isEqualTo(5_000);
        assertThat(e.keyColumns()).containsExactly("id");
        assertThat(e.kindCounts().get("score")).containsEntry("FLOAT64", 5_000L);

        List<Split> splits = repo.source(s).splits(2);
        assertThat(splits).extracting(Split::id).containsExactly("public.users#part-1", "public.users#part-2",
                "public.users#part-3", "public.users#part-4", "public.users#part-5");
        assertThat(TestRepos.readAll(repo, s).get(USERS)).containsExactlyElementsOf(users);
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void aPartResumesByOrdinalWithinItself() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(3_000, 8);
        Snapshot s = repo.backup().from(RangesSource.of(users, 3));
        SnapshotSource source = repo.source(s);
        Split second = source.splits(2).get(1);
        List<Record> rest = new ArrayList<>();
        try (RecordReader r = source.read(second, new Position(400, ""))) {
            for (RecordReader.Item i = r.next(); i != null; i = r.next()) rest.add(((RecordReader.Ok) i).record());
        }
        assertThat(rest).containsExactlyElementsOf(users.subList(1_400, 2_000));
    }

    @Test
    void theSameSourceBackedUpAgainStoresNothingNew() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(4_000, 9);
        repo.backup().readers(4).from(RangesSource.of(users, 4));
        Snapshot again = repo.backup().readers(2).from(RangesSource.of(users, 4));
        assertThat(again.addedChunks()).isZero();
        assertThat(TestRepos.readAll(repo, again).get(USERS)).containsExactlyElementsOf(users);
    }

    @Test
    void partsThatDoNotAddUpToTheirEntityAreRefused() {
        Repository repo = TestRepos.init(dir);
        Snapshot s = repo.backup().from(RangesSource.of(TestRepos.users(2_000, 10), 2));
        EntitySnapshot e = s.entity(USERS).orElseThrow();
        EntityPart first = e.parts().get(0);
        List<EntityPart> lying = List.of(new EntityPart(first.records() - 1, first.bytes(), first.digest(), first.chunks()), e.parts().get(1));
        EntitySnapshot forged = new EntitySnapshot(e.name(), e.keyColumns(), e.records(), e.bytes(), e.digest(), e.fields(), e.chunks(),
                0, List.of(), lying, e.kindCounts());
        Snapshot forgedSnapshot = new Snapshot(s.id(), s.time(), s.host(), s.source(), s.tags(), List.of(forged), s.totalBytes(),
                s.storedBytes(), s.addedBytes(), s.addedChunks());
        assertThatThrownBy(() -> TestRepos.readAll(repo, forgedSnapshot)).isInstanceOfSatisfying(CutoverException.class, ex -> {
            assertThat(ex.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(ex.getMessage()).contains("entity public.users").contains("does not add up");
        });
    }

    @Test
    void aVersionOneManifestIsReadAsEntitiesOfOnePart() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(1_500, 11);
        Snapshot s = TestRepos.backup(repo, users);
        EntitySnapshot e = s.entity(USERS).orElseThrow();
        // version 1 wrote one stream per entity, its digest that stream's own: exactly a one-part entity's part
        EntitySnapshot v1 = new EntitySnapshot(e.name(), e.keyColumns(), e.records(), e.bytes(), e.parts().get(0).digest(), e.fields(),
                e.chunks(), 0, List.of());
        BlobId id = repo.internals().envelope().writeNamed(RepoFiles.SNAPSHOTS, "snapshot", new ManifestFile(1, s.time().plusSeconds(1).toString(),
                s.host(), s.source(), List.of(), List.of(v1), s.totalBytes(), s.storedBytes(), 0, 0, null));
        Snapshot old = repo.snapshot(id.hex().substring(0, 12));
        assertThat(old.entity(USERS).orElseThrow().parts()).isNull();
        assertThat(repo.source(old).splits(4)).extracting(Split::id).containsExactly("public.users");
        assertThat(TestRepos.readAll(repo, old).get(USERS)).containsExactlyElementsOf(users);
        assertThat(repo.check(true).ok()).isTrue();
    }

    @Test
    void aManifestOfANewerVersionIsRefusedWithAVersionError() {
        Repository repo = TestRepos.init(dir);
        Snapshot s = TestRepos.backup(repo, TestRepos.users(10, 12));
        repo.internals().envelope().writeNamed(RepoFiles.SNAPSHOTS, "snapshot", new ManifestFile(ManifestFile.VERSION + 1,
                s.time().plusSeconds(1).toString(), s.host(), s.source(), List.of(), s.entities(), 0, 0, 0, 0, null));
        assertThatThrownBy(repo::snapshots).isInstanceOfSatisfying(CutoverException.class, ex -> {
            assertThat(ex.code()).isEqualTo(ErrorCode.BACKUP_VERSION);
            assertThat(ex.getMessage()).contains("format version " + (ManifestFile.VERSION + 1)).contains("newer Cutover");
        });
    }
}
