package cutover.firebase;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static cutover.firebase.Exports.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResumeTest {
    @TempDir Path dir;

    @Test
    void resumingFromAnyOrdinalYieldsTheSameTail() {
        Path file = Exports.write(dir, "export.json", json("""
                {'__collections__': {'users': {
                  'u1': {'__collections__': {'posts': {'p1': {'n': 1}, 'p2': {'n': 2}}}, 'name': 'a'},
                  'u2': {'name': 'b', 'bad': {'__datatype__': 'nope', 'value': 1}},
                  'u1': {'dup': true},
                  'u3': {'name': 'c', '__collections__': {'posts': {'p1': {'__collections__': {'likes': {'l1': {}}}}}}}
                }}}
                """));
        Source source = Exports.source(file);
        Split split = source.splits(1).get(0);
        List<RecordReader.Item> all = Exports.read(source, split, Position.START);
        assertThat(all).hasSize(8);
        for (int k = 0; k <= all.size(); k++) {
            try (RecordReader reader = source.read(split, new Position(k, ""))) {
                assertThat(reader.position().ordinal()).isEqualTo(k);
                for (int i = k; i < all.size(); i++) {
                    assertThat(reader.next()).as("item %d after resuming at %d", i, k).isEqualTo(all.get(i));
                    assertThat(reader.position()).isEqualTo(new Position(i + 1, ""));
                }
                assertThat(reader.next()).isNull();
            }
        }
    }

    @Test
    void checkpointBeyondTheFileMeansTheFileChanged() {
        Path file = Exports.write(dir, "users.json", json("[{'firestore_id': 'u1'}]"));
        Source source = Exports.source(file);
        Split split = source.splits(1).get(0);
        assertThatThrownBy(() -> source.read(split, new Position(5, "")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CHANGED));
    }
}
