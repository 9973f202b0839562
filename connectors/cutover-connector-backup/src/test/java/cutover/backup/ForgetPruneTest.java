package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForgetPruneTest {
    @TempDir Path dir;

    private static Snapshot at(String time, String... tags) {
        return of("s", time, tags);
    }

    private static Snapshot of(String source, String time, String... tags) {
        return new Snapshot(Integer.toHexString((source + time).hashCode()) + "0".repeat(56), Instant.parse(time), "h", source, List.of(tags), List.of(), 0, 0, 0, 0);
    }

    private static Snapshot ofSet(String source, String time, String set) {
        return new Snapshot(Integer.toHexString((source + time).hashCode()) + "1".repeat(56), Instant.parse(time), "h", source, List.of(), List.of(),
                0, 0, 0, 0, List.of(), null, new SnapshotSet(set, List.of("pg?schema=auth", "pg?schema=public")));
    }

    /**
     * Snapshots taken together are kept together: hourly rules put a set's members in two hours when
     * its backup crossed one, and a compaction of one schema's snapshot gives that source more
     * snapshots than the other; a member kept keeps the others (its source's newest of the set).
     */
    @Test
    void aSetIsKeptWholeWhereARuleKeepsOneOfItsMembers() {
        List<Snapshot> all = List.of(ofSet("pg?schema=auth", "2025-05-01T09:59:58Z", "a1"), ofSet("pg?schema=public", "2025-05-01T10:00:03Z", "a1"),
                ofSet("pg?schema=auth", "2025-05-01T10:59:58Z", "b2"), ofSet("pg?schema=public", "2025-05-01T11:00:04Z", "b2"),
                ofSet("pg?schema=auth", "2025-05-01T11:00:05Z", "b2")); // auth's of b2, compacted
        ForgetResult hourly = RetentionPolicy.none().keepHourly(1).apply(all);
        // auth's newest hour (11) holds b2's compacted copy; public's newest (11) b2: each set member's source keeps one, the original stays forgotten
        assertThat(hourly.kept()).extracting(k -> k.snapshot().source() + " " + k.snapshot().set().id() + " " + k.snapshot().time())
                .containsExactlyInAnyOrder("pg?schema=auth b2 2025-05-01T11:00:05Z", "pg?schema=public b2 2025-05-01T11:00:04Z");
        ForgetResult two = RetentionPolicy.none().keepHourly(2).apply(all);
        // public's two hours are 10 (a1) and 11 (b2); auth's 11 (b2) and 10 (b2's original): a1's auth is kept for its set
        assertThat(two.kept()).filteredOn(k -> k.snapshot().set().id().equals("a1")).extracting(k -> k.snapshot().source() + " " + k.reasons())
                .containsExactlyInAnyOrder("pg?schema=public [hourly]", "pg?schema=auth [set of " + all.get(1).shortId() + "]");
    }

    /** A repository of several sources (a database, an export, a migration's target) keeps each one's newest, not only the last backed up. */
    @Test
    void retentionKeepsEachSourcesOwnSnapshots() {
        List<Snapshot> all = List.of(of("postgresql://db/app", "2025-05-01T10:00:00Z"), of("postgresql://db/app", "2025-05-02T10:00:00Z"),
                of("firestore-export:./export", "2025-05-03T10:00:00Z"), of("postgresql://db/target", "2025-05-04T10:00:00Z"),
                of("postgresql://db/target", "2025-05-05T10:00:00Z"));
        ForgetResult lastOne = RetentionPolicy.none().keepLast(1).apply(all);
        assertThat(lastOne.kept()).extracting(k -> k.snapshot().source() + " " + k.snapshot().time())
                .containsExactlyInAnyOrder("postgresql://db/app 2025-05-02T10:00:00Z", "firestore-export:./export 2025-05-03T10:00:00Z",
                        "postgresql://db/target 2025-05-05T10:00:00Z");
        assertThat(lastOne.removed()).extracting(s -> s.time().toString()).containsExactlyInAnyOrder("2025-05-01T10:00:00Z", "2025-05-04T10:00:00Z");
        assertThat(keptTimes(RetentionPolicy.none().keepDaily(1).apply(all))).hasSize(3);
    }

    private static List<String> keptTimes(ForgetResult r) {
        return r.kept().stream().map(k -> k.snapshot().time().toString()).toList();
    }

    @Test
    void retentionKeepsTheNewestOfEachPeriodAndTaggedOnes() {
        List<Snapshot> all = List.of(
                at("2025-01-01T10:00:00Z"), at("2025-01-01T12:00:00Z"), at("2025-01-02T09:00:00Z", "before-migration"),
                at("2025-01-09T09:00:00Z"), at("2025-02-01T09:00:00Z"), at("2025-02-01T18:00:00Z"));
        assertThat(keptTimes(RetentionPolicy.none().keepLast(2).apply(all)))
                .containsExactly("2025-02-01T18:00:00Z", "2025-02-01T09:00:00Z");
        assertThat(keptTimes(RetentionPolicy.none().keepDaily(3).apply(all)))
                .containsExactly("2025-02-01T18:00:00Z", "2025-01-09T09:00:00Z", "2025-01-02T09:00:00Z");
        assertThat(keptTimes(RetentionPolicy.none().keepMonthly(5).apply(all)))
                .containsExactly("2025-02-01T18:00:00Z", "2025-01-09T09:00:00Z");
        assertThat(keptTimes(RetentionPolicy.none().keepWeekly(2).apply(all)))
                .containsExactly("2025-02-01T18:00:00Z", "2025-01-09T09:00:00Z");
        ForgetResult tagged = RetentionPolicy.none().keepLast(1).keepTags(Set.of("before-migration")).apply(all);
        assertThat(keptTimes(tagged)).containsExactly("2025-02-01T18:00:00Z", "2025-01-02T09:00:00Z");
        assertThat(tagged.kept().get(1).reasons()).containsExactly("tag before-migration");
        assertThat(tagged.removed()).hasSize(4);
        assertThatThrownBy(() -> RetentionPolicy.none().apply(all)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    /**
     * A tag no snapshot has, alone, keeps nothing: refused as no rule at all is (acceptance run 13:
     * `--keep-tag s33` for s3 forgot all four snapshots, exit 0); beside other rules it is warned of,
     * and a source all of whose snapshots go is named.
     */
    @Test
    void aTagNoSnapshotHasIsNoRuleThatKeepsAndIsWarnedOf() {
        List<Snapshot> all = List.of(of("postgresql://db/app", "2025-05-01T10:00:00Z", "s3"), of("postgresql://db/app", "2025-05-02T10:00:00Z"),
                of("firestore-export:./export", "2025-05-03T10:00:00Z"));
        assertThatThrownBy(() -> RetentionPolicy.none().keepTags(Set.of("s33")).apply(all)).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).contains("keep none of the 3 snapshots").contains("no snapshot has the tag s33 (the tags here: s3)");
        });
        ForgetResult tagged = RetentionPolicy.none().keepTags(Set.of("s3")).apply(all);
        assertThat(tagged.kept()).hasSize(1);
        assertThat(tagged.warnings()).containsExactly("every snapshot of firestore-export:./export (1) is forgotten: the rules keep none of them");
        ForgetResult typo = RetentionPolicy.none().keepLast(1).keepTags(Set.of("s33")).apply(all);
        assertThat(typo.removed()).hasSize(1);
        assertThat(typo.warnings()).containsExactly("--keep-tag: no snapshot has the tag s33 (the tags here: s3)");
        assertThat(RetentionPolicy.none().keepLast(1).apply(List.of()).warnings()).isEmpty();
    }

    @Test
    void pruneRemovesWhatOnlyForgottenSnapshotsNeededAndKeepsTheRestWhole() {
        Repository repo = TestRepos.init(dir);
        Snapshot old = TestRepos.backup(repo, TestRepos.users(2000, 1));
        Snapshot mid = TestRepos.backup(repo, TestRepos.users(2000, 2));
        Snapshot last = TestRepos.backup(repo, TestRepos.users(1000, 2)); // shares most chunks with mid
        ForgetResult forgot = repo.forget(RetentionPolicy.none().keepLast(2));
        assertThat(forgot.removed()).extracting(Snapshot::id).containsExactly(old.id());
        long blobsBefore = repo.check(false).blobs();

        PruneResult pruned = repo.prune();
        assertThat(pruned.chunksRemoved()).isPositive();
        assertThat(pruned.bytesFreed()).isPositive();
        CheckResult check = repo.check(true);
        assertThat(check.problems()).isEmpty();
        assertThat(check.blobs()).isLessThan(blobsBefore);
        assertThat(check.indexFiles()).isEqualTo(1);
        assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(mid.id(), last.id());
        assertThat(TestRepos.readAll(repo, mid).get(EntityName.of("public.users"))).containsExactlyElementsOf(TestRepos.users(2000, 2));
        assertThat(TestRepos.readAll(repo, last).get(EntityName.of("public.users"))).containsExactlyElementsOf(TestRepos.users(1000, 2));
    }

    /**
     * A prune stopped at each of its steps: the packs copied but no new index; the new index written
     * beside the old ones; the old index files deleted but the old packs not yet. Each state checks
     * clean, reads back, and the next prune tidies it.
     */
    @Test
    void aPruneStoppedAtAnyStepLeavesARepositoryThatChecksClean() throws IOException {
        Path before = dir.resolve("before");
        Path after = dir.resolve("after");
        Repository repo = TestRepos.init(before);
        TestRepos.backup(repo, TestRepos.users(1500, 1));
        Snapshot kept = TestRepos.backup(repo, TestRepos.users(1500, 2));
        repo.forget(RetentionPolicy.none().keepLast(1));
        copyTree(before, after);
        PruneResult pruned = TestRepos.open(after).prune();
        assertThat(pruned.packsRepacked() + pruned.packsDeleted()).isPositive();

        // 1. new packs on disk, old index still the only one
        Path s1 = dir.resolve("s1");
        copyTree(before, s1);
        copyFolder(after.resolve("data"), s1.resolve("data"));
        // 2. new index beside the old ones, every pack still there
        Path s2 = dir.resolve("s2");
        copyTree(s1, s2);
        copyFolder(after.resolve("index"), s2.resolve("index"));
        // 3. old index files gone, old packs not yet
        Path s3 = dir.resolve("s3");
        copyTree(after, s3);
        copyFolder(before.resolve("data"), s3.resolve("data"));

        for (Path state : List.of(s1, s2, s3)) {
            Repository r = TestRepos.open(state);
            assertThat(r.check(true).problems()).as(state.toString()).isEmpty();
            assertThat(TestRepos.readAll(r, kept).get(EntityName.of("public.users"))).containsExactlyElementsOf(TestRepos.users(1500, 2));
            r.prune();
            CheckResult tidy = r.check(true);
            assertThat(tidy.problems()).isEmpty();
            assertThat(tidy.unreferencedPacks()).isEmpty();
            assertThat(tidy.indexFiles()).isEqualTo(1);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Adds the files of {@code from} to {@code to}, keeping what is there. */
    static void copyFolder(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(from)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path p : files) {
            Path target = to.resolve(from.relativize(p).toString());
            Files.createDirectories(target.getParent());
            if (!Files.exists(target)) Files.copy(p, target);
        }
    }
}
