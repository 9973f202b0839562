package cutover.backup;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
    }
}
