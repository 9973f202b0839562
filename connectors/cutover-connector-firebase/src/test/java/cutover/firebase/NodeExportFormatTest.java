package cutover.firebase;

import cutover.connector.RecordReader;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static cutover.firebase.Exports.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeExportFormatTest {
    @TempDir Path dir;

    private Record only(List<RecordReader.Item> items, String entity, String... key) {
        return Exports.records(items).stream()
                .filter(r -> r.entity().equals(EntityName.of(entity)) && r.key().equals(Key.of(key)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + entity + " " + String.join("/", key) + " in " + items));
    }

    @Test
    void readsTypedValuesAsTheirKinds() {
        Path file = Exports.write(dir, "export.json", json("""
                {'__collections__': {'companies': {'docA': {
                  'name': 'Big Co', 'employees': 2012, 'ratio': 0.25, 'public': true, 'parent': null,
                  'huge': 123456789012345678901234567890,
                  'created': {'__datatype__': 'timestamp', 'value': {'_seconds': 1700000000, '_nanoseconds': 123456789}},
                  'location': {'__datatype__': 'geopoint', 'value': {'_latitude': -33.5, '_longitude': 151}},
                  'admin': {'__datatype__': 'documentReference', 'value': 'users/alice'},
                  'logo': {'__datatype__': 'bytes', 'value': 'AAEC/w=='},
                  'tags': ['a', 1, {'__datatype__': 'timestamp', 'value': '2024-01-02T03:04:05.5+02:00'}],
                  'address': {'city': 'Oslo', 'geo': {'__datatype__': 'geopoint', 'value': {'_latitude': 59.9, '_longitude': 10.7}}}
                }}}}
                """));
        Record r = only(Exports.readAll(file), "companies", "docA");
        assertThat(r.fields()).containsExactly(
                Map.entry("name", Value.of("Big Co")),
                Map.entry("employees", Value.of(2012L)),
                Map.entry("ratio", Value.of(0.25)),
                Map.entry("public", Value.of(true)),
                Map.entry("parent", Value.NULL),
                Map.entry("huge", Value.of(new BigDecimal("123456789012345678901234567890"))),
                Map.entry("created", Value.of(Instant.ofEpochSecond(1700000000L, 123456789))),
                Map.entry("location", new Value.GeoPoint(-33.5, 151)),
                Map.entry("admin", new Value.Reference("users/alice")),
                Map.entry("logo", Value.of(new byte[] {0, 1, 2, (byte) 255})),
                Map.entry("tags", new Value.Array(List.of(Value.of("a"), Value.of(1L), Value.of(Instant.parse("2024-01-02T01:04:05.5Z"))))),
                Map.entry("address", new Value.MapValue(Map.of("city", Value.of("Oslo"), "geo", new Value.GeoPoint(59.9, 10.7)))));
    }

    @Test
    void subcollectionsThreeLevelsDeepWhereverCollectionsComeInTheDocument() {
        Path file = Exports.write(dir, "export.json", json("""
                {'__collections__': {
                  'users': {
                    'u1': {
                      '__collections__': {'posts': {
                        'p1': {'title': 'first', '__collections__': {'comments': {
                           'c1': {'text': 'nice'}, 'c2': {'text': 'meh'}}}, 'likes': 3},
                        'p2': {'title': 'second'}}},
                      'name': 'Ann', 'age': 31},
                    'u2': {'name': 'Bob', '__collections__': {}}
                  },
                  'settings': {'global': {'dark': true}}
                }}
                """));
        List<RecordReader.Item> items = Exports.readAll(file);
        assertThat(Exports.unreadable(items)).isEmpty();
        assertThat(items).hasSize(7);
        assertThat(only(items, "users", "u1").fields()).containsExactly(Map.entry("name", Value.of("Ann")), Map.entry("age", Value.of(31L)));
        assertThat(only(items, "users", "u2").fields()).containsExactly(Map.entry("name", Value.of("Bob")));
        assertThat(only(items, "users/*/posts", "u1", "p1").fields())
                .containsExactly(Map.entry("title", Value.of("first")), Map.entry("likes", Value.of(3L)));
        assertThat(only(items, "users/*/posts", "u1", "p2").fields()).containsExactly(Map.entry("title", Value.of("second")));
        assertThat(only(items, "users/*/posts/*/comments", "u1", "p1", "c2").fields()).containsExactly(Map.entry("text", Value.of("meh")));
        assertThat(only(items, "settings", "global").fields()).containsExactly(Map.entry("dark", Value.of(true)));

        // A document comes out when its object closes: its subcollections first.
        assertThat(Exports.records(items)).extracting(r -> r.key().documentPath(r.entity())).containsExactly(
                "users/u1/posts/p1/comments/c1", "users/u1/posts/p1/comments/c2", "users/u1/posts/p1", "users/u1/posts/p2",
                "users/u1", "users/u2", "settings/global");

        var source = Exports.source(file);
        assertThat(source.entities()).extracting(e -> e.name().value() + "=" + e.estimatedCount())
                .containsExactly("settings=1", "users=2", "users/*/posts=2", "users/*/posts/*/comments=2");
        // a document's own bytes, without its subcollections
        assertThat(source.entities().get(0).estimatedBytes()).isEqualTo("{\"dark\": true}".length());
        Split split = source.splits(4).get(0);
        assertThat(split.id()).isEqualTo("export.json");
        assertThat(split.description()).isEqualTo("export.json (node-firestore-import-export format)");
        assertThat(split.estimatedCount()).isEqualTo(7);
        assertThat(split.entities()).hasSize(4);
    }

    @Test
    void unknownMarkerSetsTheDocumentAsideAndReadingGoesOn() {
        Path file = Exports.write(dir, "export.json", json("""
                {'__collections__': {'users': {
                  'u1': {'name': 'Ann'},
                  'u2': {'name': 'Bob', 'meta': {'when': {'__datatype__': 'vector', 'value': [1, 2]}}, 'after': 1},
                  'u3': {'name': 'Cy', 'born': {'__datatype__': 'timestamp', 'value': {'_seconds': 'soon'}}},
                  'u4': {'name': 'Di'}
                }}}
                """));
        List<RecordReader.Item> items = Exports.readAll(file);
        assertThat(Exports.records(items)).extracting(r -> r.key().toString()).containsExactly("u1", "u4");
        List<RecordReader.Unreadable> bad = Exports.unreadable(items);
        assertThat(bad).hasSize(2);
        assertThat(bad.get(0).entity()).isEqualTo(EntityName.of("users"));
        assertThat(bad.get(0).key()).isEqualTo("u2");
        assertThat(bad.get(0).error().code()).isEqualTo(ErrorCode.RECORD_UNKNOWN_MARKER);
        assertThat(bad.get(0).error().field()).isEqualTo("meta.when");
        assertThat(bad.get(0).error().reason()).contains("unknown __datatype__ 'vector'");
        assertThat(bad.get(0).raw()).isEqualTo(json("{'name': 'Bob', 'meta': {'when': {'__datatype__': 'vector', 'value': [1, 2]}}, 'after': 1}"));
        assertThat(bad.get(1).key()).isEqualTo("u3");
        assertThat(bad.get(1).error().field()).isEqualTo("born");
        assertThat(bad.get(1).error().reason()).contains("malformed timestamp");
    }

    @Test
    void secondDocumentWithTheSameIdIsSetAside() {
        Path file = Exports.write(dir, "export.json", json("""
                {'__collections__': {'users': {
                  'u1': {'name': 'first', '__collections__': {'posts': {'p1': {}, 'p1': {'again': true}}}},
                  'u2': {},
                  'u1': {'name': 'second', '__collections__': {'posts': {'p9': {}}}}
                }, 'other': {'u1': {}}, 'users': {'u3': {}, 'u2': {}}}}
                """));
        List<RecordReader.Item> items = Exports.readAll(file);
        assertThat(Exports.records(items)).extracting(r -> r.key().documentPath(r.entity()))
                .containsExactly("users/u1/posts/p1", "users/u1", "users/u2", "other/u1", "users/u3");
        List<RecordReader.Unreadable> dups = Exports.unreadable(items);
        // the second copy of u1 goes aside with its subtree; "users" named twice is still one collection
        assertThat(dups).extracting(RecordReader.Unreadable::key).containsExactly("u1/p1", "u1/p9", "u1", "u2");
        assertThat(dups).allSatisfy(u -> assertThat(u.error().code()).isEqualTo(ErrorCode.RECORD_DUPLICATE_KEY));
        assertThat(dups.get(1).error().reason()).contains("second copy of an ancestor");
        assertThat(dups.get(2).raw()).isEqualTo(json("{'name': 'second', '__collections__': {'posts': {'p9': {}}}}"));
        assertThat(dups.get(2).error().reason()).contains("line 4");
        assertThat(Exports.records(items).get(1).fields()).containsEntry("name", Value.of("first"));
    }

    @Test
    void documentThatIsNotAnObjectIsSetAside() {
        Path file = Exports.write(dir, "export.json", json("{'__collections__': {'users': {'u1': [1, 2], 'u2': {}}}}"));
        List<RecordReader.Item> items = Exports.readAll(file);
        assertThat(Exports.unreadable(items)).singleElement().satisfies(u -> {
            assertThat(u.error().code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
            assertThat(u.raw()).isEqualTo("[1, 2]");
        });
        assertThat(Exports.records(items)).hasSize(1);
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() {
        Path file = Exports.write(dir, "broken.json", json("""
                {'__collections__': {'users': {
                  'u1': {'name': 'Ann'},
                  'u2': {'name': 'Bob' 'age': 3}
                }}}
                """));
        assertThatThrownBy(() -> Exports.readAll(file))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_PARSE_ERROR))
                .hasMessageContaining("broken.json line 3 column 24");
    }

    @Test
    void truncatedFileIsAParseErrorAfterTheDocumentsBeforeIt() {
        String whole = json("{'__collections__': {'users': {'u1': {'name': 'Ann'}, 'u2': {'name': 'Bob'}}}}");
        Path file = Exports.write(dir, "cut.json", whole.substring(0, whole.indexOf("'Bob'".replace('\'', '"')) + 3));
        var source = Exports.source(file);
        // the scan fails as well: counting needs the whole file
        assertThatThrownBy(source::entities)
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_PARSE_ERROR))
                .hasMessageContaining("cut.json line 1");
        Split split = new Split("cut.json", java.util.Set.of(), 0, "");
        try (var reader = source.read(split, cutover.connector.Position.START)) {
            assertThat(reader.next()).isInstanceOf(RecordReader.Ok.class);
            assertThatThrownBy(reader::next).isInstanceOfSatisfying(CutoverException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_PARSE_ERROR));
        }
    }

    @Test
    void contentAfterTheExportIsAnError() {
        Path file = Exports.write(dir, "two.json", json("{'__collections__': {}} {'__collections__': {}}"));
        assertThatThrownBy(() -> Exports.readAll(file)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_PARSE_ERROR)).hasMessageContaining("after the end");
    }

    @Test
    void unexpectedRootFieldIsAnErrorNotIgnored() {
        Path file = Exports.write(dir, "root.json", json("{'__collections__': {}, 'name': 'x'}"));
        assertThatThrownBy(() -> Exports.readAll(file)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_PARSE_ERROR)).hasMessageContaining("unexpected field 'name' at the root");
    }
}
