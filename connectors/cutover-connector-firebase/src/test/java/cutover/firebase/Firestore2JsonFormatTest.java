package cutover.firebase;

import cutover.connector.RecordReader;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static cutover.firebase.Exports.json;
import static org.assertj.core.api.Assertions.assertThat;

class Firestore2JsonFormatTest {
    @TempDir Path dir;

    @Test
    void readsDocumentsWithTheIdTakenOutOfTheFields() {
        // as firestore2json writes it: "[\n" + JSON.stringify(doc, null, 2) + "\n" then "," before each next one, "]" at the end
        Path file = Exports.write(dir, "users.json", json("""
                [
                {
                  'name': 'Ann',
                  'created': {'_seconds': 1600000000, '_nanoseconds': 5},
                  'home': {'_latitude': 51.5, '_longitude': -0.12},
                  'avatar': {'type': 'Buffer', 'data': [137, 80, 78, 71]},
                  'team': {'_firestore': {'projectId': 'demo'}, '_path': {'segments': ['teams', 't1']}, '_converter': {}},
                  'prefs': {'theme': 'dark', 'seconds': {'_seconds': 1}},
                  'firestore_id': 'u1'
                }
                ,{
                  'firestore_id': 'own value', 'firestoreid': 'u2', 'name': 'Bob'
                }
                ]"""));
        List<RecordReader.Item> items = Exports.readAll(file);
        assertThat(Exports.unreadable(items)).isEmpty();
        List<Record> records = Exports.records(items);
        assertThat(records).extracting(Record::entity).containsOnly(EntityName.of("users"));
        assertThat(records).extracting(Record::key).containsExactly(Key.of("u1"), Key.of("u2"));
        assertThat(records.get(0).fields()).containsExactly(
                Map.entry("name", Value.of("Ann")),
                Map.entry("created", Value.of(Instant.ofEpochSecond(1600000000L, 5))),
                Map.entry("home", new Value.GeoPoint(51.5, -0.12)),
                Map.entry("avatar", Value.of(new byte[] {(byte) 137, 80, 78, 71})),
                Map.entry("team", new Value.Reference("teams/t1")),
                // a map that only looks a little like a timestamp stays a map
                Map.entry("prefs", new Value.MapValue(Map.of("theme", Value.of("dark"), "seconds", new Value.MapValue(Map.of("_seconds", Value.of(1L)))))));
        assertThat(records.get(1).fields()).containsExactly(Map.entry("firestore_id", Value.of("own value")), Map.entry("name", Value.of("Bob")));

        var source = Exports.source(file);
        source.entities();
        var split = source.splits(1).get(0);
        assertThat(split.description()).isEqualTo("users.json (firestore2json format)");
        assertThat(split.entities()).containsExactly(EntityName.of("users"));
    }

    @Test
    void missingIdDuplicateIdAndBadValuesAreSetAside() {
        Path file = Exports.write(dir, "posts.json", json("""
                [{'firestore_id': 'p1', 'n': 1},
                 {'n': 2},
                 {'firestore_id': 'p1', 'n': 3},
                 {'firestore_id': 'p4', 'at': {'_seconds': 1, '_nanoseconds': 2000000000}},
                 'not a document',
                 {'firestore_id': 'p6'}]"""));
        List<RecordReader.Item> items = Exports.readAll(file);
        assertThat(Exports.records(items)).extracting(r -> r.key().toString()).containsExactly("p1", "p6");
        assertThat(Exports.unreadable(items)).extracting(u -> u.key() + " " + u.error().code()).containsExactly(
                "#1 RECORD_MISSING_REQUIRED", "p1 RECORD_DUPLICATE_KEY", "p4 RECORD_UNKNOWN_MARKER", "#4 RECORD_TYPE_MISMATCH");
        assertThat(Exports.unreadable(items).get(0).raw()).isEqualTo("{\"n\": 2}");
        assertThat(Exports.unreadable(items).get(1).error().reason()).contains("line 3");
    }

    @Test
    void emptyCollectionIsAnEmptyArray() {
        Path file = Exports.write(dir, "empty.json", "[]");
        assertThat(Exports.readAll(file)).isEmpty();
        assertThat(Exports.source(file).entities()).isEmpty();
    }

    @Test
    void idFieldIsTheLastOfTheChainFirestore2jsonFilled() {
        assertThat(Firestore2JsonStream.idField(java.util.Set.of("firestore_id", "x"))).isEqualTo("firestore_id");
        assertThat(Firestore2JsonStream.idField(java.util.Set.of("firestore_id", "firestoreid", "original_id"))).isEqualTo("original_id");
        assertThat(Firestore2JsonStream.idField(java.util.Set.of("firestoreid"))).isNull();
    }
}
