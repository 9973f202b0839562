package cutover.backup;

import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.connector.CopyTextSource;
import cutover.connector.EntityInfo;
import cutover.connector.Position;
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

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source that gives its rows as bulk text has them stored as they come, part by part, and read
 * back as records through the format named in the manifest; what the text does not add up to is
 * refused, and a format no connector reads is named.
 */
class CopyTextPartsTest {
    static final EntityName USERS = SplitsInPartsTest.USERS;
    static final List<CopyColumn> COLUMNS = List.of(new CopyColumn("id", "int"), new CopyColumn("email", "text"));

    @TempDir Path dir;

    /** Tab-separated lines, {@code \N} for NULL, no escapes: enough to test the storing, not a real format. */
    public static class TabbedFormat implements CopyTextFormat {
        @Override public String name() { return "test/tabbed/1"; }

        /** Lines decoded whole, by every decoder of this format. */
        static final java.util.concurrent.atomic.AtomicLong DECODED = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public LineDecoder decoder(EntityName entity, List<CopyColumn> columns, List<String> keyColumns) {
            return (line, offset, length) -> {
                DECODED.incrementAndGet();
                String[] parts = new String(line, offset, length, StandardCharsets.UTF_8).split("\t", -1);
                if (parts.length != columns.size()) throw new IllegalArgumentException(parts.length + " fields, expected " + columns.size());
                Map<String, Value> fields = new LinkedHashMap<>();
                for (int i = 0; i < parts.length; i++) fields.put(columns.get(i).name(), value(columns.get(i).type(), parts[i]));
                return new Record(entity, Key.of(fields.get(keyColumns.get(0))), fields);
            };
        }

        @Override
        public Optional<KeyDecoder> keyDecoder(List<CopyColumn> columns, List<String> keyColumns) {
            List<String> names = columns.stream().map(CopyColumn::name).toList();
            return Optional.of((line, offset, length) -> {
                String[] parts = new String(line, offset, length, StandardCharsets.UTF_8).split("\t", -1);
                return new Key(keyColumns.stream().map(k -> value(columns.get(names.indexOf(k)).type(), parts[names.indexOf(k)])).toList());
            });
        }

        @Override
        public KindTally tally(List<CopyColumn> columns) {
            Map<String, EnumMap<Value.Kind, Long>> counts = new LinkedHashMap<>();
            return new KindTally() {
                @Override
                public void line(byte[] line, int offset, int length) {
                    String[] parts = new String(line, offset, length, StandardCharsets.UTF_8).split("\t", -1);
                    for (int i = 0; i < columns.size(); i++) {
                        counts.computeIfAbsent(columns.get(i).name(), c -> new EnumMap<>(Value.Kind.class))
                                .merge(value(columns.get(i).type(), parts[i]).kind(), 1L, Long::sum);
                    }
                }

                @Override public Map<String, EnumMap<Value.Kind, Long>> counts() { return counts; }
            };
        }

        private static Value value(String type, String text) {
            if (text.equals("\\N")) return Value.NULL;
            return type.equals("int") ? Value.of(Long.parseLong(text)) : Value.of(text);
        }
    }

    /** The records of {@link SplitsInPartsTest.RangesSource} as tabbed lines; {@code lies} adds to the count it reports. */
    record TabbedSource(SplitsInPartsTest.RangesSource rows, String format, long lies) implements CopyTextSource {
        @Override public List<EntityInfo> entities() { return rows.entities(); }
        @Override public List<Split> splits(int parallelism) { return rows.splits(parallelism); }
        @Override public RecordReader read(Split split, Position from) { throw new AssertionError("a copied entity is not read as records"); }

        @Override
        public Optional<CopyShape> copyShape(EntityName entity) { return Optional.of(new CopyShape(format, COLUMNS)); }

        @Override
        public long copyOut(Split split, OutputStream out) {
            List<Record> range = rows.ranges().get(Integer.parseInt(split.id().substring("range-".length())));
            try {
                for (Record r : range) {
                    Value email = r.fields().get("email");
                    String line = r.fields().get("id") + "\t" + (email == Value.NULL ? "\\N" : ((Value.Text) email).value()) + "\n";
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return range.size() + lies;
        }
    }

    static List<Record> users(int n) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Value> fields = new LinkedHashMap<>();
            fields.put("id", Value.of((long) i));
            fields.put("email", i % 10 == 3 ? Value.NULL : Value.of("user" + i + "@example.com, née Ünïcødé"));
            out.add(new Record(USERS, Key.of(Value.of((long) i)), fields));
        }
        return out;
    }

    @Test
    void rowsGivenAsTextAreStoredAsTheyComeAndReadBackAsRecords() {
        Repository repo = TestRepos.init(dir);
        List<Record> users = users(20_000);
        List<List<Record>> ranges = new ArrayList<>(SplitsInPartsTest.RangesSource.of(users, 4).ranges());
        ranges.add(List.of()); // a key range that holds nothing
        Snapshot s = repo.backup().readers(3).from(new TabbedSource(new SplitsInPartsTest.RangesSource(ranges), "test/tabbed/1", 0));

        EntitySnapshot e = s.entities().get(0);
        assertThat(e.copyText()).isEqualTo(new CopyShape("test/tabbed/1", COLUMNS));
        assertThat(e.records()).isEqualTo(20_000);
        assertThat(e.parts()).hasSize(5).last().satisfies(p -> {
            assertThat(p.records()).isZero();
            assertThat(p.chunks()).isZero();
        });
        assertThat(e.kindCounts().get("email")).containsEntry("NULL", 2_000L).containsEntry("TEXT", 18_000L);
        assertThat(e.fields().get("id")).containsExactly("INT64");
        assertThat(TestRepos.readAll(repo, s).get(USERS)).containsExactlyElementsOf(users);
        assertThat(repo.check(true).ok()).isTrue();

        // the same rows again: every chunk is the earlier one's
        Snapshot again = repo.backup().readers(2).from(new TabbedSource(new SplitsInPartsTest.RangesSource(ranges), "test/tabbed/1", 0));
        assertThat(again.addedBytes()).isZero();
        assertThat(again.entities().get(0).chunks()).isEqualTo(e.chunks());
    }

    @Test
    void aTableOfNoRowsIsOneEmptyPart() {
        Repository repo = TestRepos.init(dir);
        Snapshot s = repo.backup().from(new TabbedSource(new SplitsInPartsTest.RangesSource(List.of()), "test/tabbed/1", 0));
        EntitySnapshot e = s.entities().get(0);
        assertThat(e.copyText()).isNotNull();
        assertThat(e.parts()).singleElement().satisfies(p -> assertThat(p.bytes()).isZero());
        assertThat(TestRepos.readAll(repo, s).get(USERS)).isEmpty();
    }

    @Test
    void aCopyThatCountsOtherwiseThanItsLinesIsRefused() {
        Repository repo = TestRepos.init(dir);
        assertThatThrownBy(() -> repo.backup().from(new TabbedSource(SplitsInPartsTest.RangesSource.of(users(100), 2), "test/tabbed/1", 1)))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CHANGED))
                .hasMessageContaining("said 51 rows but gave 50 lines");
        assertThat(repo.snapshots()).isEmpty();
    }

    @Test
    void aPartCopiedOutAsItIsIsProvenAtItsEndAndAFlippedByteIsNamed() throws IOException {
        Repository repo = TestRepos.init(dir);
        List<Record> users = users(3_000);
        Snapshot s = repo.backup().from(new TabbedSource(SplitsInPartsTest.RangesSource.of(users, 1), "test/tabbed/1", 0));
        SnapshotSource source = repo.source(s);
        Split split = source.splits(1).get(0);
        assertThat(source.copyShape(USERS)).contains(new CopyShape("test/tabbed/1", COLUMNS));

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThat(source.copyOut(split, out)).isEqualTo(3_000);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("0\tuser0@example.com").contains("\n3\t\\N\n").endsWith("\n");

        // a manifest whose part digest is not the bytes': every line is written, then the copy fails, so a sink commits nothing
        EntitySnapshot e = s.entities().get(0);
        List<EntityPart> lyingParts = List.of(new EntityPart(e.records(), e.bytes(), "00".repeat(32), e.chunks().size()));
        EntitySnapshot lying = new EntitySnapshot(e.name(), e.keyColumns(), e.records(), e.bytes(), EntitySnapshot.digestOfParts(lyingParts),
                e.fields(), e.chunks(), e.unreadable(), e.unreadableSamples(), lyingParts, e.kindCounts(), e.sourceDigest(), e.copyText());
        Snapshot forged = new Snapshot(s.id(), s.time(), s.host(), s.source(), s.tags(), List.of(lying), s.totalBytes(), s.storedBytes(),
                s.addedBytes(), s.addedChunks());
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        assertThatThrownBy(() -> repo.source(forged).copyOut(split, all))
                .isInstanceOfSatisfying(CutoverException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("the manifest says");
        assertThat(all.size()).isEqualTo(e.bytes());

        try (var files = java.nio.file.Files.walk(dir.resolve("data"))) {
            Path pack = files.filter(java.nio.file.Files::isRegularFile).findFirst().orElseThrow();
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(pack.toFile(), "rw")) {
                f.seek(100);
                int b = f.read();
                f.seek(100);
                f.write(b ^ 1);
            }
        }
        assertThatThrownBy(() -> source.copyOut(split, new java.io.ByteArrayOutputStream()))
                .isInstanceOfSatisfying(CutoverException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("snapshot " + s.shortId()).hasMessageContaining("entity " + USERS.value()).hasMessageContaining("fails authentication");
        assertThatThrownBy(() -> TestRepos.readAll(repo, s)).hasMessageContaining("fails authentication");
    }

    @Test
    void aFormatNoConnectorReadsIsNamed() {
        Repository repo = TestRepos.init(dir);
        Snapshot s = repo.backup().from(new TabbedSource(SplitsInPartsTest.RangesSource.of(users(10), 1), "test/tabbed/1", 0));
        EntitySnapshot e = s.entities().get(0);
        // a snapshot written by a Cutover with a connector this one lacks
        EntitySnapshot elsewhere = new EntitySnapshot(e.name(), e.keyColumns(), e.records(), e.bytes(), e.digest(), e.fields(), e.chunks(),
                e.unreadable(), e.unreadableSamples(), e.parts(), e.kindCounts(), e.sourceDigest(), new CopyShape("test/unknown/9", COLUMNS));
        Snapshot forged = new Snapshot(s.id(), s.time(), s.host(), s.source(), s.tags(), List.of(elsewhere), s.totalBytes(), s.storedBytes(),
                s.addedBytes(), s.addedChunks());
        assertThatThrownBy(() -> TestRepos.readAll(repo, forged))
                .isInstanceOfSatisfying(CutoverException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.BACKUP_VERSION))
                .hasMessageContaining("test/unknown/9");
    }
}
