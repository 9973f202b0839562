package cutover.firebase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads the real managed export in /work/shared/fixtures/firestore-managed-export (written by
 * Google's Firestore emulator) and compares every document with documents.json, after the
 * emulator's documented storage rules (microsecond timestamps, -0.0 stored as +0.0).
 */
class ManagedExportFixtureTest {
    static final Path FIXTURE = Path.of(System.getProperty("cutover.fixtures", "/work/shared/fixtures"), "firestore-managed-export");

    @TempDir Path dir;

    private static Source open(Path folder) {
        Connector c = Connectors.discover().open("firestore-managed-export:" + folder);
        return Connectors.require(c, Source.class);
    }

    @Test
    void everyDocumentOfTheFixtureReadsAsWritten() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FIXTURE), "fixture not present");
        Source source = open(FIXTURE.resolve("export"));
        List<Split> splits = source.splits(1);
        assertThat(splits).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("fixture_export/all_namespaces/all_kinds/output-0");
            assertThat(s.description()).contains("Firestore managed export");
            assertThat(s.estimatedCount()).isEqualTo(20);
        });
        List<RecordReader.Item> items = Exports.read(source, splits.get(0), Position.START);
        assertThat(Exports.unreadable(items)).isEmpty();
        Map<String, Record> byPath = new HashMap<>();
        for (Record r : Exports.records(items)) byPath.put(r.key().documentPath(r.entity()), r);

        JsonNode documents = new ObjectMapper().readTree(FIXTURE.resolve("documents.json").toFile()).get("documents");
        assertThat(byPath.keySet()).containsExactlyInAnyOrderElementsOf(iterable(documents.fieldNames()));
        documents.fields().forEachRemaining(doc -> {
            Map<String, Value> expected = new LinkedHashMap<>();
            doc.getValue().fields().forEachRemaining(f -> expected.put(f.getKey(), stored(f.getValue())));
            assertThat(byPath.get(doc.getKey()).fields()).as(doc.getKey()).isEqualTo(expected);
        });
        assertThat(byPath.get("posts/post-1/comments/c1/replies/r1").entity().value()).isEqualTo("posts/*/comments/*/replies");
        assertThat(source.entities()).extracting(e -> e.name().value()).contains("users", "posts", "posts/*/comments", "posts/*/comments/*/replies");

        // resuming in the middle gives the same tail
        List<RecordReader.Item> tail = Exports.read(source, splits.get(0), new Position(13, ""));
        assertThat(tail).isEqualTo(items.subList(13, items.size()));
    }

    @Test
    void aDamagedByteIsACorruptSource() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FIXTURE), "fixture not present");
        byte[] bytes = Files.readAllBytes(FIXTURE.resolve("export/fixture_export/all_namespaces/all_kinds/output-0"));
        bytes[200] ^= 0x01;
        Files.write(Files.createDirectories(dir.resolve("x")).resolve("output-0"), bytes);
        assertThatThrownBy(() -> open(dir).splits(1))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CORRUPT))
                .hasMessageContaining("output-0 byte 0").hasMessageContaining("checksum");
    }

    @Test
    void aFileCutShortIsACorruptSource() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FIXTURE), "fixture not present");
        byte[] bytes = Files.readAllBytes(FIXTURE.resolve("export/fixture_export/all_namespaces/all_kinds/output-0"));
        Files.write(dir.resolve("output-0"), java.util.Arrays.copyOf(bytes, 50_000)); // inside the 112 KB record
        assertThatThrownBy(() -> open(dir).splits(1))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CORRUPT));
    }

    @Test
    void aFolderWithoutOutputFilesIsNotFound() {
        assertThatThrownBy(() -> open(dir))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND));
    }

    private static <T> Iterable<T> iterable(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** A Firestore REST v1 typed value, as the emulator stores it. */
    private static Value stored(JsonNode typed) {
        Map.Entry<String, JsonNode> e = typed.fields().next();
        JsonNode v = e.getValue();
        return switch (e.getKey()) {
            case "stringValue" -> Value.of(v.asText());
            case "integerValue" -> Value.of(Long.parseLong(v.asText()));
            case "doubleValue" -> {
                double d = v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
                yield Value.of(d == 0.0 ? 0.0 : d); // -0.0 is stored as +0.0
            }
            case "booleanValue" -> Value.of(v.asBoolean());
            case "nullValue" -> Value.NULL;
            case "timestampValue" -> Value.of(OffsetDateTime.parse(v.asText()).toInstant().truncatedTo(ChronoUnit.MICROS));
            case "geoPointValue" -> new Value.GeoPoint(v.path("latitude").asDouble(0), v.path("longitude").asDouble(0));
            case "referenceValue" -> new Value.Reference(v.asText().substring(v.asText().indexOf("/documents/") + "/documents/".length()));
            case "bytesValue" -> Value.of(Base64.getDecoder().decode(v.asText()));
            case "arrayValue" -> {
                List<Value> values = new ArrayList<>();
                v.path("values").forEach(x -> values.add(stored(x)));
                yield new Value.Array(values);
            }
            case "mapValue" -> {
                Map<String, Value> fields = new LinkedHashMap<>();
                v.path("fields").fields().forEachRemaining(f -> fields.put(f.getKey(), stored(f.getValue())));
                yield new Value.MapValue(fields);
            }
            default -> throw new AssertionError("unknown REST value " + e.getKey());
        };
    }
}
