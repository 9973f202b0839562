package cutover.firebase;

import cutover.connector.RecordReader;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.Values;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirestoreExportWriterTest {
    @TempDir Path dir;

    /** A generated document with its subcollections. */
    record Doc(String id, Map<String, Value> fields, Map<String, List<Doc>> subcollections) {}

    @Property(tries = 150)
    void whatIsWrittenReadsBackEqual(@ForAll("forests") Map<String, List<Doc>> collections) throws IOException {
        Path file = Files.createTempFile("roundtrip", ".json");
        try {
            List<Record> written = new ArrayList<>();
            try (FirestoreExportWriter writer = FirestoreExportWriter.create(file)) {
                collections.forEach((collection, docs) -> writeDepthFirst(writer, EntityName.of(collection), List.of(), docs, written));
            }
            List<RecordReader.Item> items = Exports.readAll(file);
            assertThat(Exports.unreadable(items)).isEmpty();
            Map<String, Record> read = new HashMap<>();
            for (Record r : Exports.records(items)) read.put(r.key().documentPath(r.entity()), r);
            assertThat(read).hasSize(written.size());
            for (Record w : written) assertThat(read.get(w.key().documentPath(w.entity()))).isEqualTo(w);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void writeDepthFirst(FirestoreExportWriter writer, EntityName entity, List<String> parentIds, List<Doc> docs, List<Record> written) {
        for (Doc d : docs) {
            List<String> ids = new ArrayList<>(parentIds);
            ids.add(d.id());
            Record r = new Record(entity, Key.of(ids.toArray(String[]::new)), d.fields());
            writer.write(r);
            written.add(r);
            d.subcollections().forEach((sub, children) -> writeDepthFirst(writer, entity.child(sub), ids, children, written));
        }
    }

    @Provide
    Arbitrary<Map<String, List<Doc>>> forests() {
        return collections(docs(2));
    }

    private static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', ' ', 'é').ofMinLength(1).ofMaxLength(5);
    }

    private static Arbitrary<List<Doc>> docs(int depth) {
        Arbitrary<Map<String, List<Doc>>> subs = depth == 0 ? Arbitraries.just(Map.of()) : collections(docs(depth - 1));
        return Combinators.combine(names(), Values.fields().map(FirestoreExportWriterTest::inFirestoresYears), subs).as(Doc::new)
                .list().ofMaxSize(3).uniqueElements(Doc::id);
    }

    /** The fields with each date moved into years 1 to 9999, which the writer holds dates to (the generator's span far more). */
    private static Map<String, Value> inFirestoresYears(Map<String, Value> fields) {
        Map<String, Value> out = new LinkedHashMap<>();
        fields.forEach((name, value) -> out.put(name, inFirestoresYears(value)));
        return out;
    }

    private static Value inFirestoresYears(Value value) {
        if (value instanceof Value.Date d) {
            long first = LocalDate.of(1, 1, 1).toEpochDay(), days = LocalDate.of(9999, 12, 31).toEpochDay() - first + 1;
            return Value.of(LocalDate.ofEpochDay(first + Math.floorMod(d.value().toEpochDay() - first, days)));
        }
        if (value instanceof Value.MapValue m) return new Value.MapValue(inFirestoresYears(m.fields()));
        if (value instanceof Value.Array a) return new Value.Array(a.values().stream().map(FirestoreExportWriterTest::inFirestoresYears).toList());
        return value;
    }

    private static Arbitrary<Map<String, List<Doc>>> collections(Arbitrary<List<Doc>> docs) {
        return Arbitraries.maps(names(), docs).ofMaxSize(2).map(LinkedHashMap::new);
    }

    @Test
    void everyKindRoundTrips() {
        Map<String, Value> fields = new LinkedHashMap<>();
        fields.put("ts", Value.of(Instant.parse("1969-12-31T23:59:59.999999999Z")));
        fields.put("bytes", Value.of(new byte[] {0, -1, 7}));
        fields.put("geo", new Value.GeoPoint(0.0, -180.0));
        fields.put("ref", new Value.Reference("users/u1/posts/p1"));
        fields.put("dec", Value.of(new BigDecimal("1.50")));
        fields.put("bigint", Value.of(new BigDecimal("123456789012345678901234567890")));
        fields.put("date", Value.of(LocalDate.of(2024, 2, 29)));
        fields.put("nan", Value.of(Double.NaN));
        fields.put("inf", Value.of(Double.NEGATIVE_INFINITY));
        fields.put("negzero", Value.of(-0.0));
        fields.put("whole", Value.of(3.0));
        fields.put("long", Value.of(Long.MIN_VALUE));
        fields.put("nested", new Value.MapValue(Map.of("a", new Value.Array(List.of(Value.NULL, new Value.MapValue(Map.of()), new Value.Array(List.of())))))); 
        Record doc = new Record(EntityName.of("things"), Key.of("t1"), fields);
        Path file = dir.resolve("kinds.json");
        try (FirestoreExportWriter writer = FirestoreExportWriter.create(file)) {
            writer.write(doc);
        }
        assertThat(Exports.records(Exports.readAll(file))).containsExactly(doc);
    }

    @Test
    void producesTheFormatTheToolWrites() throws IOException {
        Path file = dir.resolve("shape.json");
        try (FirestoreExportWriter writer = FirestoreExportWriter.create(file)) {
            writer.write(new Record(EntityName.of("users"), Key.of("u1"), Map.of("at", Value.of(Instant.ofEpochSecond(12, 34)))));
            writer.write(new Record(EntityName.of("users/*/posts"), Key.of("u1", "p1"), Map.of()));
            writer.write(new Record(EntityName.of("users"), Key.of("u2"), Map.of()));
        }
        assertThat(Files.readString(file)).isEqualTo(Exports.json("{'__collections__':{'users':{"
                + "'u1':{'at':{'__datatype__':'timestamp','value':{'_seconds':12,'_nanoseconds':34}},'__collections__':{'posts':{'p1':{}}}},"
                + "'u2':{}}}}"));
    }

    @Test
    void refusesRecordsOutOfDepthFirstOrder() {
        Path file = dir.resolve("order.json");
        try (FirestoreExportWriter writer = FirestoreExportWriter.create(file)) {
            writer.write(new Record(EntityName.of("users"), Key.of("u1"), Map.of()));
            assertThatThrownBy(() -> writer.write(new Record(EntityName.of("users/*/posts"), Key.of("u2", "p1"), Map.of())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("users/u2");
            writer.write(new Record(EntityName.of("users/*/posts"), Key.of("u1", "p1"), Map.of()));
            writer.write(new Record(EntityName.of("users/*/likes"), Key.of("u1", "l1"), Map.of()));
            assertThatThrownBy(() -> writer.write(new Record(EntityName.of("users/*/posts"), Key.of("u1", "p2"), Map.of())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("collection posts was closed");
            writer.write(new Record(EntityName.of("teams"), Key.of("t1"), Map.of()));
            assertThatThrownBy(() -> writer.write(new Record(EntityName.of("users"), Key.of("u3"), Map.of())))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> writer.write(new Record(EntityName.of("teams"), Key.of("t1"), Map.of())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("written twice");
        }
        // what was accepted still makes a valid export
        assertThat(Exports.readAll(file)).hasSize(4);
    }

    @Test
    void refusesReservedNames() {
        try (FirestoreExportWriter writer = FirestoreExportWriter.create(dir.resolve("reserved.json"))) {
            assertThatThrownBy(() -> writer.write(new Record(EntityName.of("a"), Key.of("1"),
                    Map.of("m", new Value.MapValue(Map.of("__datatype__", Value.of("x")))))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field m");
            // an id is a string, or an integer (a table's key) in decimal; nothing else
            assertThatThrownBy(() -> writer.write(new Record(EntityName.of("a"), Key.of(Value.of(1.5)), Map.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("document ids are strings");
        }
    }

}
