package cutover.backup;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryTest {
    @TempDir Path dir;

    @Test
    void aSnapshotReadsBackItsRecordsInOrderWithCountsSchemaAndKeyColumns() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(500, 1);
        Snapshot s;
        try (SnapshotWriter w = repo.backup().source("postgresql://app:secret@db:5432/app").tag("nightly").open()) {
            w.declare(EntityName.of("public.users"), List.of("id"));
            w.declare(EntityName.of("public.empty"), List.of("id"));
            users.forEach(w::write);
            s = w.commit();
        }
        assertThat(s.source()).isEqualTo("postgresql://app@db:5432/app");
        assertThat(s.tags()).containsExactly("nightly");
        assertThat(s.records()).isEqualTo(500);
        EntitySnapshot e = s.entity(EntityName.of("public.users")).orElseThrow();
        assertThat(e.keyColumns()).containsExactly("id");
        assertThat(e.fields()).containsOnlyKeys("id", "email", "score", "bio");
        assertThat(e.fields().get("score")).containsExactly("FLOAT64");
        assertThat(e.chunks().size()).isGreaterThan(5);

        Repository reopened = TestRepos.open(dir);
        assertThat(reopened.snapshots()).extracting(Snapshot::id).containsExactly(s.id());
        Map<EntityName, List<Record>> back = TestRepos.readAll(reopened, reopened.snapshot("latest"));
        assertThat(back.get(EntityName.of("public.users"))).containsExactlyElementsOf(users);
        assertThat(back.get(EntityName.of("public.empty"))).isEmpty();
        assertThat(reopened.source(s).entities()).extracting(i -> i.keyColumns()).contains(List.of("id"));
    }

    @Test
    void noFileOfTheRepositoryHoldsThePasswordOrTheDataInClear() throws Exception {
        Repository repo = TestRepos.init(dir);
        try (SnapshotWriter w = repo.backup().source("postgresql://app:hunter2@db/app").open()) {
            w.write(new Record(EntityName.of("users"), Key.of("u1"), Map.of("email", Value.of("alice-secret@example.com"))));
            w.commit();
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                assertThat(text).as(p.toString()).doesNotContain("hunter2").doesNotContain("alice-secret").doesNotContain(TestRepos.PASSPHRASE);
            }
        }
    }

    @Test
    void aSecondBackupOfTheSameDataAddsNothingAndAFewChangesAddFewChunks() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(3000, 2);
        Snapshot first = TestRepos.backup(repo, users);
        Snapshot same = TestRepos.backup(repo, users);
        assertThat(first.addedBytes()).isPositive();
        assertThat(same.addedBytes()).isZero();
        assertThat(same.addedChunks()).isZero();

        List<Record> changed = new ArrayList<>(users);
        changed.set(1500, new Record(EntityName.of("public.users"), Key.of(Value.of(1500L)), Map.of("id", Value.of(1500L), "email", Value.of("new@example.com"))));
        Snapshot third = TestRepos.backup(repo, changed);
        int chunks = third.entities().get(0).chunks().size();
        assertThat(third.addedChunks()).isBetween(1, 4);
        assertThat(third.addedBytes()).isLessThan(first.addedBytes() / 10);
        assertThat(chunks).isGreaterThan(100);
        assertThat(TestRepos.readAll(repo, third).get(EntityName.of("public.users"))).containsExactlyElementsOf(changed);
        assertThat(repo.check(true).problems()).isEmpty();
    }

    @Test
    void aReaderResumesByOrdinal() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = TestRepos.users(200, 3);
        Snapshot s = TestRepos.backup(repo, users);
        Source source = repo.source(s);
        Split split = source.splits(1).get(0);
        List<Record> rest = new ArrayList<>();
        try (RecordReader r = source.read(split, new Position(150, ""))) {
            for (RecordReader.Item i = r.next(); i != null; i = r.next()) rest.add(((RecordReader.Ok) i).record());
            assertThat(r.position().ordinal()).isEqualTo(200);
        }
        assertThat(rest).containsExactlyElementsOf(users.subList(150, 200));
    }

    @Test
    void wrongPassphraseIsAClearError() {
        TestRepos.init(dir);
        assertThatThrownBy(() -> Repository.open(dir, "not the passphrase", TestRepos.FAST))
                .isInstanceOfSatisfying(CutoverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
                    assertThat(e.getMessage()).contains("passphrase does not open").contains(dir.toString()).doesNotContain("not the passphrase");
                });
    }

    @Test
    void aRepositoryOfANewerFormatIsRefusedBeforeAnyKeyIsTried() throws Exception {
        TestRepos.init(dir);
        Path config = dir.resolve("config");
        Files.writeString(config, Files.readString(config).replace("\"version\":1", "\"version\":2"));
        assertThatThrownBy(() -> TestRepos.open(dir))
                .isInstanceOfSatisfying(CutoverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_VERSION);
                    assertThat(e.getMessage()).contains("format version 2").contains("newer Cutover");
                });
    }

    @Test
    void theKeyWrapCoversTheRepositoryId() throws Exception {
        Repository repo = TestRepos.init(dir);
        Path config = dir.resolve("config");
        Files.writeString(config, Files.readString(config).replace(repo.id(), "0".repeat(64)));
        assertThatThrownBy(() -> TestRepos.open(dir)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE));
    }

    @Test
    void initRefusesAFolderInUseAndOpenNamesAMissingRepository() throws Exception {
        TestRepos.init(dir);
        assertThatThrownBy(() -> TestRepos.init(dir)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_EXISTS));
        Path other = dir.resolve("nothing-here");
        assertThatThrownBy(() -> TestRepos.open(other)).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND);
            assertThat(e.getMessage()).contains("backup init");
        });
    }

    @Test
    void snapshotsAreFoundByPrefixAndLatest() {
        Repository repo = TestRepos.init(dir);
        Snapshot a = TestRepos.backup(repo, TestRepos.users(10, 1));
        Snapshot b = TestRepos.backup(repo, TestRepos.users(20, 2));
        assertThat(repo.snapshot("latest").id()).isEqualTo(b.id());
        assertThat(repo.snapshot(a.shortId()).id()).isEqualTo(a.id());
        assertThatThrownBy(() -> repo.snapshot("ffffffff".equals(a.shortId()) ? "eeeeeeee" : "ffffffff"))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND));
        assertThatThrownBy(() -> repo.snapshot("xyz")).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    /** Of a repository of several sources, 'latest' names none: a restore of the wrong source's tables is refused, naming each source's latest. */
    @Test
    void latestOfSeveralSourcesIsRefusedNamingEachSourcesLatest() {
        Repository repo = TestRepos.init(dir);
        Snapshot app = TestRepos.backup(repo, TestRepos.users(10, 1));
        Snapshot export;
        try (SnapshotWriter w = repo.backup().source("firestore-export:./export.json").open()) {
            TestRepos.users(5, 3).forEach(w::write);
            export = w.commit();
        }
        assertThatThrownBy(() -> repo.snapshot("latest")).isInstanceOfSatisfying(CutoverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).contains("'latest' is ambiguous", "2 sources", app.shortId() + " (memory:test)",
                    export.shortId() + " (firestore-export:./export.json)");
        });
        assertThat(repo.latestOfEachSource()).extracting(Snapshot::id).containsExactlyInAnyOrder(app.id(), export.id());
        assertThat(repo.snapshot(export.shortId()).id()).isEqualTo(export.id());
    }

    /**
     * Snapshots taken together (a database's schemas at one moment) are what 'latest' means to a
     * restore where they are each source's latest, and any member finds the others; another reader
     * of 'latest' is told they were taken together. A later snapshot of one of the sources, taken on
     * its own, breaks the set's claim to 'latest'.
     */
    @Test
    void snapshotsTakenTogetherAreFoundTogether() {
        Repository repo = TestRepos.init(dir);
        SnapshotSet set = SnapshotSet.of(List.of("pg?schema=auth", "pg?schema=public"));
        List<Snapshot> members = new java.util.ArrayList<>();
        for (String source : set.sources()) {
            try (SnapshotWriter w = repo.backup().source(source).takenWith(set).open()) {
                TestRepos.users(3, 1).forEach(w::write);
                members.add(w.commit());
            }
        }
        assertThat(repo.latestSet()).hasValueSatisfying(found -> assertThat(found).extracting(Snapshot::id)
                .containsExactly(members.get(0).id(), members.get(1).id()));
        assertThat(repo.setOf(repo.snapshot(members.get(1).shortId()))).extracting(Snapshot::id).containsExactly(members.get(0).id(), members.get(1).id());
        assertThat(repo.snapshot(members.get(0).shortId()).set()).isEqualTo(set);
        assertThatThrownBy(() -> repo.snapshot("latest")).hasMessageContaining("taken together of one database's schemas")
                .hasMessageContaining(members.get(0).shortId() + " (pg?schema=auth)");

        Snapshot alone;
        try (SnapshotWriter w = repo.backup().source("pg?schema=public").open()) {
            TestRepos.users(2, 1).forEach(w::write);
            alone = w.commit();
        }
        assertThat(repo.latestSet()).isEmpty();
        assertThatThrownBy(() -> repo.snapshot("latest")).hasMessageContaining("'latest' is ambiguous")
                .hasMessageContaining(members.get(0).shortId() + " was taken together with snapshots of other schemas (`cutover restore "
                        + members.get(0).shortId() + " --set` restores them all)");
        assertThat(repo.setOf(members.get(0))).extracting(Snapshot::id).containsExactly(members.get(0).id(), members.get(1).id());
        assertThatThrownBy(() -> repo.setOf(alone)).hasMessageContaining("was taken on its own");
    }

    @Test
    void recordsOfSeveralEntitiesMayComeInterleaved() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = new ArrayList<>(), posts = new ArrayList<>();
        Snapshot s;
        try (SnapshotWriter w = repo.backup().open()) {
            for (int i = 0; i < 300; i++) {
                Record u = new Record(EntityName.of("users"), Key.of("u" + i), Map.of("name", Value.of("n" + i)));
                Record p = new Record(EntityName.of("users/*/posts"), Key.of("u" + i, "p"), Map.of("title", Value.of("t" + i)));
                users.add(u);
                posts.add(p);
                w.write(u);
                w.write(p);
            }
            s = w.commit();
        }
        Map<EntityName, List<Record>> back = TestRepos.readAll(repo, s);
        assertThat(back.get(EntityName.of("users"))).containsExactlyElementsOf(users);
        assertThat(back.get(EntityName.of("users/*/posts"))).containsExactlyElementsOf(posts);
    }

    @Test
    void aProcessBacksUpAgainWithoutReadingBackTheIndexFilesItKnows() throws Exception {
        Repository repo = TestRepos.init(dir);
        TestRepos.backup(repo, TestRepos.users(50, 1));
        // index files never change once written: the one this process wrote is kept, not read again
        try (var files = java.nio.file.Files.list(dir.resolve("index"))) {
            for (java.nio.file.Path f : files.toList()) java.nio.file.Files.write(f, new byte[] {1, 2, 3});
        }
        Snapshot second = TestRepos.backup(repo, TestRepos.users(60, 2));
        assertThat(second.records()).isEqualTo(60);
        // a new process reads them, and finds the damage
        assertThatThrownBy(() -> TestRepos.backup(TestRepos.open(dir), TestRepos.users(70, 3)))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT));
    }
}
