package cutover.firebase;

import cutover.connector.DocumentTarget;
import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A restore into a node-firestore-import-export file ({@link FirestoreExportTarget}): what is written reads back the same. */
class FirestoreExportTargetTest {
    @TempDir Path dir;

    @Test
    void documentsInAnyOrderAreWrittenDepthFirstAndReadBackEqual() {
        for (long seed = 0; seed < 20; seed++) {
            List<Record> documents = forest(new Random(seed));
            List<Record> shuffled = new ArrayList<>(documents);
            Collections.shuffle(shuffled, new Random(seed));
            Path file = dir.resolve("export-" + seed + ".json");
            // a few KiB of memory: the sort spills many runs and merges them
            java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong(), wrote = new java.util.concurrent.atomic.AtomicLong();
            DocumentTarget.Written written = new FirestoreExportTarget(file, 4096).replaceWith(new ListSource(shuffled), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, read::set, wrote::set);

            assertThat(written).isEqualTo(new DocumentTarget.Written(documents.size(), 0));
            assertThat(read.get()).as("read progress").isEqualTo(documents.size());
            assertThat(wrote.get()).as("write progress").isEqualTo(documents.size());
            assertThat(byPath(Exports.records(Exports.readAll(file)))).isEqualTo(byPath(documents));
        }
    }

    @Test
    void theSortSpillsRunsPastItsMemoryAndMergesThemInPathOrder() {
        List<Record> documents = forest(new Random(7));
        List<Record> shuffled = new ArrayList<>(documents);
        Collections.shuffle(shuffled, new Random(7));
        List<Record> out = new ArrayList<>();
        try (DepthFirstSort sort = new DepthFirstSort(dir, 512)) {
            shuffled.forEach(sort::add);
            sort.drainTo(out::add);
            assertThat(sort.runs()).isGreaterThan(3);
        }
        assertThat(out).hasSize(documents.size());
        for (int i = 1; i < out.size(); i++) {
            assertThat(java.util.Arrays.compareUnsigned(DepthFirstSort.pathOf(out.get(i - 1)), DepthFirstSort.pathOf(out.get(i)))).isNegative();
        }
        try (var left = java.util.stream.Stream.of(dir.toFile().listFiles())) {
            assertThat(left.filter(f -> f.getName().endsWith(".run"))).as("run files are removed").isEmpty();
        }
    }

    @Test
    void aSubcollectionWhoseParentIsMissingGetsAnEmptyParent() {
        Record reply = doc("posts/*/comments", Map.of("text", Value.of("hi")), "p1", "c1");
        Record post = doc("posts", Map.of("title", Value.of("t")), "p2");
        Path file = dir.resolve("ghost.json");

        DocumentTarget.Written written = new FirestoreExportTarget(file, 1 << 20).replaceWith(new ListSource(List.of(reply, post)), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {});

        assertThat(written).isEqualTo(new DocumentTarget.Written(2, 1));
        assertThat(byPath(Exports.records(Exports.readAll(file)))).isEqualTo(byPath(List.of(reply, post, doc("posts", Map.of(), "p1"))));
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs({org.junit.jupiter.api.condition.OS.LINUX, org.junit.jupiter.api.condition.OS.MAC})
    void aNewExportGetsTheModeOfAnyNewFileAndAReplacedOneKeepsItsOwn() throws Exception {
        Record post = doc("posts", Map.of("title", Value.of("t")), "p1");
        Path made = Files.createFile(dir.resolve("made-by-the-user")); // the umask's mode, as the user's own files get
        Path fresh = dir.resolve("fresh.json");
        new FirestoreExportTarget(fresh, 1 << 20).replaceWith(new ListSource(List.of(post)), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {});
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(Files.getPosixFilePermissions(made)); // not a temporary file's 0600

        Path shared = dir.resolve("shared.json");
        Files.writeString(shared, "{\"__collections__\": {}}");
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        new FirestoreExportTarget(shared, 1 << 20).replaceWith(new ListSource(List.of(post)), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {});
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-r-----");
    }

    @Test
    void aFailedWriteLeavesTheFileAsItWasAndNoTemporaryFile() throws Exception {
        Path file = dir.resolve("kept.json");
        Files.writeString(file, "{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"Ada\"}}}}");
        String before = Files.readString(file);
        Record twice = doc("users", Map.of("name", Value.of("Bo")), "u2");

        assertThatThrownBy(() -> new FirestoreExportTarget(file, 1 << 20).replaceWith(new ListSource(List.of(twice, twice)), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {}))
                .isInstanceOfSatisfying(CutoverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SINK_SCHEMA_MISMATCH); // the same records would fail again
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("users/u2").contains("written twice").contains(file.toString());
                });
        assertThat(Files.readString(file)).isEqualTo(before);
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly("kept.json");
        }
    }

    /** A database table's snapshot as documents: an integer key is the id in decimal; a key of two columns has no document id. */
    @Test
    void integerKeysAreIdsInDecimalAndAKeyOfTwoColumnsIsRefused() throws Exception {
        Path file = dir.resolve("from-a-table.json");
        Record row = new Record(EntityName.of("accounts"), new Key(List.of(Value.of(42L))), new LinkedHashMap<>(Map.of("id", Value.of(42L))));
        new FirestoreExportTarget(file, 1 << 20).replaceWith(new ListSource(List.of(row)), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {});
        assertThat(Files.readString(file)).contains("\"42\"");

        Record pair = new Record(EntityName.of("lines"), new Key(List.of(Value.of(1L), Value.of(2L))), new LinkedHashMap<>());
        assertThatThrownBy(() -> new FirestoreExportTarget(dir.resolve("pairs.json"), 1 << 20).replaceWith(new ListSource(List.of(pair)),
                DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {}))
                .isInstanceOfSatisfying(CutoverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SINK_SCHEMA_MISMATCH);
                    assertThat(e.getMessage()).contains("has 2 parts but lines needs 1");
                });
    }

    @Test
    void aRecordTheSourceCouldNotDecodeIsHandedBackNotWritten() {
        RecordReader.Unreadable bad = new RecordReader.Unreadable(EntityName.of("users"), "u9", "{\"__datatype__\": \"?\"}",
                new RecordError(ErrorCode.RECORD_UNKNOWN_MARKER, "x", "unknown marker"));
        Record good = doc("users", Map.of("name", Value.of("Ada")), "u1");
        List<RecordReader.Unreadable> handed = new ArrayList<>();
        Path file = dir.resolve("some.json");

        DocumentTarget.Written written = new FirestoreExportTarget(file, 1 << 20).replaceWith(new ListSource(List.of(good), List.of(bad)), DocumentTarget.IfNothingRead.REPLACE, handed::add, r -> {}, n -> {}, n -> {});

        assertThat(written.records()).isEqualTo(1);
        assertThat(handed).containsExactly(bad);
        assertThat(Exports.records(Exports.readAll(file))).containsExactly(good);
    }

    /** PostgreSQL's infinity and -infinity (the furthest times Java holds), or any time outside years 1..9999: the record aside, the rest written. */
    @Test
    void aTimeOrDateOutsideFirestoresYearsSetsItsRecordAsideAndTheRestIsWritten() {
        Record good = doc("events", Map.of("at", Value.of(java.time.Instant.parse("9999-12-31T23:59:59.999999999Z")),
                "on", Value.of(java.time.LocalDate.of(1, 1, 1))), "e1");
        Record infinite = doc("events", Map.of("at", Value.of(java.time.OffsetDateTime.MAX.toInstant())), "e2");
        Record minusInfinite = doc("events", Map.of("on", Value.of(java.time.LocalDate.MIN)), "e3");
        Record nested = doc("events", Map.of("meta", new Value.MapValue(Map.of("when", new Value.Array(List.of(Value.of(
                java.time.Instant.parse("0000-12-31T23:59:59Z"))))))), "e4");
        List<DocumentTarget.Refused> refused = new ArrayList<>();
        Path file = dir.resolve("events.json");

        DocumentTarget.Written written = new FirestoreExportTarget(file, 1 << 20).replaceWith(new ListSource(List.of(good, infinite, minusInfinite, nested)),
                DocumentTarget.IfNothingRead.REPLACE, u -> {}, refused::add, n -> {}, n -> {});

        assertThat(written.records()).isEqualTo(1);
        assertThat(Exports.records(Exports.readAll(file))).containsExactly(good);
        assertThat(refused).extracting(r -> r.record().key().toString()).containsExactly("e2", "e3", "e4");
        assertThat(refused).allSatisfy(r -> assertThat(r.error().code()).isEqualTo(ErrorCode.RECORD_VALUE_OUT_OF_RANGE));
        assertThat(refused).extracting(r -> r.error().field()).containsExactly("at", "on", "meta.when[0]");
        assertThat(refused.get(0).error().reason()).contains("field at of document e2 (events)",
                "timestamp +1000000000-01-01T17:59:59.999999999Z", "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z"); // OffsetDateTime.MAX
        assertThat(refused.get(1).error().reason()).contains("date -999999999-01-01", "0001-01-01 to 9999-12-31");
        // the writer on its own refuses such a document too, before writing any of it
        try (FirestoreExportWriter writer = FirestoreExportWriter.create(dir.resolve("direct.json"))) {
            assertThatThrownBy(() -> writer.write(infinite)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the years");
            writer.write(good);
        }
        assertThat(Exports.records(Exports.readAll(dir.resolve("direct.json")))).containsExactly(good);
    }

    /** A database's key Firestore takes for no document id (empty, "." or "..", with a /, __…__) sets its record aside, named. */
    @Test
    void anIdFirestoreRefusesSetsItsRecordAside() {
        List<Record> records = new ArrayList<>();
        for (String id : List.of("ok", "", ".", "..", "a/b", "__x__", "____", "__", "_x_")) records.add(doc("notes", Map.of("n", Value.of(1L)), id));
        List<DocumentTarget.Refused> refused = new ArrayList<>();
        Path file = dir.resolve("notes.json");

        DocumentTarget.Written written = new FirestoreExportTarget(file, 1 << 20).replaceWith(new ListSource(records),
                DocumentTarget.IfNothingRead.REPLACE, u -> {}, refused::add, n -> {}, n -> {});

        assertThat(written.records()).isEqualTo(3); // ok, __ and _x_
        assertThat(refused).extracting(r -> r.record().key().parts().get(0).toString()).hasSize(6);
        assertThat(refused).allSatisfy(r -> assertThat(r.error().code()).isEqualTo(ErrorCode.RECORD_REJECTED_BY_TARGET));
        assertThat(refused.get(0).error().reason()).contains("is empty", "Firestore refuses");
        assertThat(refused.get(3).error().reason()).contains("\"a/b\"", "holds a /");
        assertThat(refused.get(4).error().reason()).contains("reserved form");

        // a collection's id (a table's name) too: each of its documents
        List<DocumentTarget.Refused> collections = new ArrayList<>();
        new FirestoreExportTarget(dir.resolve("tables.json"), 1 << 20).replaceWith(new ListSource(List.of(doc("x/y", Map.of(), "1"),
                doc("__t__", Map.of(), "2"), doc("fine", Map.of(), "3"))), DocumentTarget.IfNothingRead.REPLACE, u -> {}, collections::add, n -> {}, n -> {});
        assertThat(collections).extracting(r -> r.error().reason()).satisfiesExactly(
                r -> assertThat(r).contains("collection id \"x/y\"", "holds a /"), r -> assertThat(r).contains("collection id \"__t__\"", "reserved"));
    }

    /** A source that gives no record: with KEEP, the file is neither made nor replaced; with REPLACE, it becomes an export of no documents. */
    @Test
    void nothingReadLeavesTheFileAsItWasWhenAskedTo() throws Exception {
        Path none = dir.resolve("none.json"), kept = Files.writeString(dir.resolve("kept.json"), "");
        assertThat(new FirestoreExportTarget(none, 1 << 20).replaceWith(new ListSource(List.of()), DocumentTarget.IfNothingRead.KEEP,
                u -> {}, r -> {}, n -> {}, n -> {})).isEqualTo(new DocumentTarget.Written(0, 0));
        assertThat(none).doesNotExist();
        new FirestoreExportTarget(kept, 1 << 20).replaceWith(new ListSource(List.of()), DocumentTarget.IfNothingRead.KEEP, u -> {}, r -> {}, n -> {}, n -> {});
        assertThat(kept).isEmptyFile();
        new FirestoreExportTarget(kept, 1 << 20).replaceWith(new ListSource(List.of()), DocumentTarget.IfNothingRead.REPLACE, u -> {}, r -> {}, n -> {}, n -> {});
        assertThat(Files.readString(kept)).isEqualTo("{\"__collections__\":{}}");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("kept.json");
        }
    }

    @Test
    void theExportConnectorOffersATargetForAJsonFileThatIsNotThereYet() {
        var connector = FirestoreExportConnector.ofJson(cutover.connector.Location.parse("firestore-export:" + dir.resolve("new.json")), dir.resolve("new.json"));
        assertThat(connector.capability(DocumentTarget.class)).isPresent();
        assertThatThrownBy(() -> connector.capability(Source.class)).isInstanceOfSatisfying(CutoverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND));
        var folder = FirestoreExportConnector.ofJson(cutover.connector.Location.parse("firestore-export:" + dir), dir);
        assertThat(folder.capability(DocumentTarget.class)).as("a folder of exports is read, not written").isEmpty();
    }

    /** Users with posts with comments, and orders: ids drawn at random, several value kinds. */
    private static List<Record> forest(Random random) {
        List<Record> out = new ArrayList<>();
        Set<String> used = new java.util.HashSet<>();
        for (int u = 0; u < 5 + random.nextInt(10); u++) {
            String user = id(random, used, "u");
            out.add(doc("users", Map.of("name", Value.of("n" + random.nextInt(1000)), "age", Value.of((long) random.nextInt(90))), user));
            for (int p = 0; p < random.nextInt(4); p++) {
                String post = id(random, used, "p");
                out.add(doc("users/*/posts", Map.of("score", Value.of(random.nextDouble()), "tags", new Value.Array(List.of(Value.of("a"), Value.of("b")))), user, post));
                for (int c = 0; c < random.nextInt(3); c++) {
                    out.add(doc("users/*/posts/*/comments", Map.of("text", Value.of("é" + random.nextInt())), user, post, id(random, used, "c")));
                }
            }
            if (random.nextBoolean()) out.add(doc("users/*/likes", Map.of("at", Value.of(java.time.Instant.ofEpochSecond(random.nextInt()))), user, id(random, used, "l")));
        }
        for (int o = 0; o < random.nextInt(8); o++) out.add(doc("orders", Map.of("total", Value.of(new java.math.BigDecimal("12.50"))), id(random, used, "o")));
        return out;
    }

    private static String id(Random random, Set<String> used, String prefix) {
        String id;
        do id = prefix + Integer.toString(random.nextInt(1 << 20), 36); while (!used.add(id));
        return id;
    }

    private static Record doc(String entity, Map<String, Value> fields, String... ids) {
        List<Value> key = new ArrayList<>();
        for (String id : ids) key.add(Value.of(id));
        return new Record(EntityName.of(entity), new Key(key), new LinkedHashMap<>(fields));
    }

    private static Map<String, Record> byPath(List<Record> records) {
        Map<String, Record> out = new HashMap<>();
        for (Record r : records) out.put(r.key().documentPath(r.entity()), r);
        return out;
    }

    /** A source of given records, one split. */
    private record ListSource(List<Record> records, List<RecordReader.Unreadable> unreadable) implements Source {
        ListSource(List<Record> records) { this(records, List.of()); }

        @Override public List<EntityInfo> entities() { return List.of(); }
        @Override public List<Split> splits(int parallelism) { return List.of(new Split("all", Set.of(), records.size(), "records")); }

        @Override
        public RecordReader read(Split split, Position from) {
            List<RecordReader.Item> items = new ArrayList<>();
            records.forEach(r -> items.add(new RecordReader.Ok(r)));
            items.addAll(unreadable);
            Iterator<RecordReader.Item> it = items.iterator();
            return new RecordReader() {
                @Override public Item next() { return it.hasNext() ? it.next() : null; }
                @Override public Position position() { return Position.START; }
                @Override public void close() {}
            };
        }
    }
}
