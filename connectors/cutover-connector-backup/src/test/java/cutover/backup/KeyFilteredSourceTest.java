package cutover.backup;

import cutover.connector.CopyTextSource;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyFilteredSourceTest {
    @TempDir Path dir;

    @Test
    void onlyMatchingKeysAreReadAndAResumedReaderGoesOnAfterTheLastPosition() {
        Repository repo = TestRepos.init(dir);
        Snapshot s = TestRepos.backup(repo, TestRepos.users(300, 3));
        Source filtered = new KeyFilteredSource(repo.source(s), KeyGlob.of("1*"));
        Split split = filtered.splits(1).get(0);
        List<Key> keys = new ArrayList<>();
        Position half;
        try (RecordReader r = filtered.read(split, Position.START)) {
            for (int i = 0; i < 20; i++) keys.add(((RecordReader.Ok) r.next()).record().key());
            half = r.position();
        }
        try (RecordReader r = filtered.read(split, half)) {
            for (RecordReader.Item i = r.next(); i != null; i = r.next()) keys.add(((RecordReader.Ok) i).record().key());
        }
        List<Key> expected = new ArrayList<>();
        for (Record u : TestRepos.users(300, 3)) if (u.key().toString().startsWith("1")) expected.add(u.key());
        assertThat(expected).hasSize(1 + 10 + 100);
        assertThat(keys).containsExactlyElementsOf(expected);
        assertThat(keys).doesNotContain(Key.of(Value.of(2L)));
        assertThat(((CopyTextSource) filtered).copyShape(split.entities().iterator().next())).as("records, not bulk text").isEmpty();
    }

    /**
     * A snapshot's rows stored as bulk text: the lines whose key does not match are skipped before
     * they are decoded, and a resumed read goes on after the last record given, as above. A
     * checkpoint that counted records otherwise (no pattern in its token) is refused.
     */
    @Test
    void aSnapshotsBulkTextIsFilteredBeforeItsLinesAreDecoded() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = CopyTextPartsTest.users(20_000);
        Snapshot s = repo.backup().readers(2).from(new CopyTextPartsTest.TabbedSource(SplitsInPartsTest.RangesSource.of(users, 3), "test/tabbed/1", 0));
        Source filtered = new KeyFilteredSource(repo.source(s), KeyGlob.of("1?7*"));
        List<Record> expected = users.stream().filter(u -> u.key().toString().matches("1.7.*")).toList();
        assertThat(expected).hasSize(10 + 100 + 1000);

        long decodedBefore = CopyTextPartsTest.TabbedFormat.DECODED.get();
        List<Record> read = new ArrayList<>();
        for (Split split : filtered.splits(2)) {
            Position half;
            try (RecordReader r = filtered.read(split, Position.START)) {
                for (int i = 0; i < 5; i++) read.add(((RecordReader.Ok) r.next()).record());
                half = r.position();
            }
            try (RecordReader r = filtered.read(split, half)) {
                for (RecordReader.Item i = r.next(); i != null; i = r.next()) read.add(((RecordReader.Ok) i).record());
            }
            assertThatThrownBy(() -> filtered.read(split, new Position(half.ordinal(), "")))
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CHANGED))
                    .hasMessageContaining("--restart");
        }
        assertThat(read).containsExactlyElementsOf(expected);
        // as bulk text: the matching lines as they are stored, for a restore that goes by COPY
        CopyTextSource copying = (CopyTextSource) filtered;
        assertThat(copying.copyShape(CopyTextPartsTest.USERS)).isPresent();
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        long lines = 0;
        for (Split split : filtered.splits(2)) lines += copying.copyOut(split, text);
        assertThat(lines).isEqualTo(expected.size());
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8).lines().map(l -> l.substring(0, l.indexOf('\t'))).toList())
                .containsExactlyElementsOf(expected.stream().map(r -> r.key().toString()).toList());
        // each matching line decoded once, and again for the five of each split that the resumed reader skipped
        assertThat(CopyTextPartsTest.TabbedFormat.DECODED.get() - decodedBefore).isEqualTo(expected.size() + 5L * s.entities().get(0).parts().size());
    }
}
