package cutover.firebase;

import cutover.connector.Connectors;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static cutover.firebase.Exports.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetectionTest {
    @TempDir Path dir;

    @Test
    void eachFileOfAFolderIsOneSplitWithItsOwnFormat() {
        Exports.write(dir, "full/export.json", json("{'__collections__': {'users': {'u1': {}, 'u2': {}}}}"));
        Exports.write(dir, "users.json", json("[{'firestore_id': 'u3'}]"));
        Exports.write(dir, "notes.txt", "not an export");
        Source source = Exports.source(dir);
        // before a scan, splits come from each file's head: formats known, counts not
        assertThat(source.quickEstimates()).isEmpty();
        assertThat(source.splits(8)).extracting(Split::id, Split::description, Split::estimatedCount).containsExactly(
                org.assertj.core.groups.Tuple.tuple("full/export.json", "full/export.json (node-firestore-import-export format)", -1L),
                org.assertj.core.groups.Tuple.tuple("users.json", "users.json (firestore2json format)", -1L));
        assertThat(source.entities()).singleElement().satisfies(e -> assertThat(e.estimatedCount()).isEqualTo(3));
        // after it, they carry the counts, and the same ids
        assertThat(source.quickEstimates()).isPresent();
        assertThat(source.splits(8)).extracting(Split::id, Split::estimatedCount).containsExactly(
                org.assertj.core.groups.Tuple.tuple("full/export.json", 2L), org.assertj.core.groups.Tuple.tuple("users.json", 1L));
        assertThat(Exports.readAll(dir)).hasSize(3);
    }

    @Test
    void unknownFormatNamesTheFile() {
        for (String text : new String[] {"{'users': {'u1': {}}}", "[{'id': 'u1'}]", "[1, 2]", "'text'", ""}) {
            Path file = Exports.write(dir, "odd.json", json(text));
            assertThatThrownBy(() -> Exports.source(file).splits(1)).as(text)
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_FORMAT_UNKNOWN))
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void missingLocationIsSourceNotFound() {
        assertThatThrownBy(() -> Exports.source(dir.resolve("nope.json")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND));
        assertThatThrownBy(() -> Exports.source(dir))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND))
                .hasMessageContaining("no .json files");
    }

    @Test
    void providerIsFoundByItsScheme() {
        assertThat(Connectors.discover().schemes()).contains("firestore-export");
        Path file = Exports.write(dir, "e.json", json("{'__collections__': {}}"));
        try (var connector = Connectors.discover().open("firestore-export://" + file)) {
            assertThat(connector.capability(Source.class)).isPresent();
            assertThat(connector.capability(cutover.connector.Sink.class)).isEmpty();
        }
    }
}
