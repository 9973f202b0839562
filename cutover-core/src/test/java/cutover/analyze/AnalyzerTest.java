package cutover.analyze;

import cutover.connector.EntityInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.ValueCodec;
import cutover.testing.MemorySource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static cutover.analyze.Docs.doc;
import static cutover.analyze.Docs.map;
import static cutover.analyze.Docs.ref;
import static cutover.analyze.Docs.unreadable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnalyzerTest {
    private static final EntityName USERS = EntityName.of("users");
    private static final EntityName POSTS = EntityName.of("posts");

    private static Schema analyze(MemorySource source) {
        return new Analyzer(AnalyzeOptions.DEFAULTS).analyze("memory:test", source, AnalyzeListener.NONE);
    }

    /**
     * A damaged chunk of an entity spared (a partial restore reads the others only for the plan's shape)
     * ends its split with what was read before it; any other failure, or a damaged chunk of an entity
     * not spared, stops the analysis as before.
     */
    @Test
    void aDamagedChunkOfASparedEntityEndsItsSplitWithWhatWasRead() {
        java.util.function.Supplier<MemorySource> source = () -> {
            List<cutover.connector.RecordReader.Item> late = new ArrayList<>();
            for (int i = 0; i < 10; i++) late.add(doc("posts/p1" + i, "title", Value.of("t"), "extra", Value.of(i)));
            MemorySource s = new MemorySource()
                    .split("users", List.of(doc("users/u1", "name", Value.of("Ann")), doc("users/u2", "name", Value.of("Bob"))))
                    .split("posts-1", List.of(doc("posts/p01", "title", Value.of("a")), doc("posts/p02", "title", Value.of("b"))))
                    .split("posts-2", late);
            s.failingSplit = "posts-2";
            return s;
        };
        CutoverException damaged = new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot 1234abcd, entity posts, chunk 2 of 2: fails authentication");
        MemorySource first = source.get();
        first.failure = damaged;
        Analyzer.Spared read = new Analyzer(AnalyzeOptions.DEFAULTS.withParallelism(2))
                .analyzeSparing("memory:test", first, AnalyzeListener.NONE, e -> false, POSTS::equals);
        assertThat(read.unreadable()).containsOnlyKeys(POSTS).containsValue(damaged);
        assertThat(read.result().schema().entity(USERS).orElseThrow().count()).isEqualTo(2);
        EntitySchema posts = read.result().schema().entity(POSTS).orElseThrow();
        assertThat(posts.count()).as("both of the first split, half of the damaged one").isEqualTo(7);
        assertThat(posts.fields()).extracting(f -> String.join(".", f.path())).contains("title", "extra");

        MemorySource notSpared = source.get();
        notSpared.failure = damaged;
        assertThatThrownBy(() -> new Analyzer(AnalyzeOptions.DEFAULTS).analyzeSparing("memory:test", notSpared, AnalyzeListener.NONE, e -> false, USERS::equals))
                .isSameAs(damaged);
        MemorySource otherFailure = source.get();
        otherFailure.failure = new CutoverException(ErrorCode.SOURCE_IO, "the disk went away");
        assertThatThrownBy(() -> new Analyzer(AnalyzeOptions.DEFAULTS).analyzeSparing("memory:test", otherFailure, AnalyzeListener.NONE, e -> false, POSTS::equals))
                .isInstanceOf(CutoverException.class).hasMessageContaining("the disk went away");
    }

    @Test
    void countsKindsAndConflicts() {
        MemorySource source = new MemorySource().split("s", List.of(
                doc("users/u1", "name", Value.of("Ann"), "age", Value.of(31)),
                doc("users/u2", "name", Value.of("Bob"), "age", Value.of(-4)),
                doc("users/u3", "name", Value.NULL, "age", Value.of(70)),
                doc("users/u4", "age", Value.of("thirty"))));
        Schema schema = analyze(source);

        assertThat(schema.source()).isEqualTo("memory:test");
        EntitySchema users = schema.entity(USERS).orElseThrow();
        assertThat(users.count()).isEqualTo(4);
        FieldStats age = users.field(List.of("age")).orElseThrow();
        assertThat(age.present()).isEqualTo(4);
        assertThat(age.kinds()).isEqualTo(Map.of(Value.Kind.INT64, 3L, Value.Kind.TEXT, 1L));
        assertThat(age.hasConflict()).isTrue();
        assertThat(age.minInt()).isEqualTo(-4);
        assertThat(age.maxInt()).isEqualTo(70);
        assertThat(age.maxTextLength()).isEqualTo(6);

        FieldStats name = users.field(List.of("name")).orElseThrow();
        assertThat(name.present()).as("null counts as present, absence does not").isEqualTo(3);
        assertThat(name.nulls()).isEqualTo(1);
        assertThat(name.hasConflict()).as("null is not a conflicting kind").isFalse();
        assertThat(name.minInt()).as("no int seen").isZero();
        assertThat(users.fields()).extracting(FieldStats::path).containsExactly(List.of("name"), List.of("age"));
    }

    @Test
    void totalBytesIsTheSizeOfTheCanonicalEncoding() {
        var a = doc("users/u1", "name", Value.of("Ann"));
        var b = doc("users/u2", "tags", new Value.Array(List.of(Value.of("x"), Value.of(2))));
        Schema schema = analyze(new MemorySource().split("s", List.of(a, b)));
        long expected = ValueCodec.encodeRecord(((cutover.connector.RecordReader.Ok) a).record()).length
                + ValueCodec.encodeRecord(((cutover.connector.RecordReader.Ok) b).record()).length;
        assertThat(schema.entity(USERS).orElseThrow().totalBytes()).isEqualTo(expected);
        assertThat(schema.entity(USERS).orElseThrow().field(List.of("tags")).orElseThrow().maxArrayLength()).isEqualTo(2);
    }

    @Test
    void nestedMapPathsDownToTheDepthLimit() {
        MemorySource source = new MemorySource().split("s", List.of(
                doc("users/u1", "address", map("city", Value.of("Paris"), "geo", map("lat", Value.of(1.5), "deep", map("x", Value.of(1))))),
                doc("users/u2", "address", map("city", Value.of("Oslo"))),
                doc("users/u3", "address", Value.of("unknown"))));
        EntitySchema users = analyze(source).entity(USERS).orElseThrow();
        assertThat(users.fields()).extracting(FieldStats::path).containsExactly(
                List.of("address"), List.of("address", "city"), List.of("address", "geo"),
                List.of("address", "geo", "lat"), List.of("address", "geo", "deep"), List.of("address", "geo", "deep", "x"));
        assertThat(users.field(List.of("address")).orElseThrow().kinds()).isEqualTo(Map.of(Value.Kind.MAP, 2L, Value.Kind.TEXT, 1L));
        assertThat(users.field(List.of("address", "city")).orElseThrow().present()).isEqualTo(2);
        assertThat(users.topLevelFields()).hasSize(1);

        Schema shallow = new Analyzer(AnalyzeOptions.DEFAULTS.withMaxDepth(2)).analyze("m", source, AnalyzeListener.NONE);
        assertThat(shallow.entity(USERS).orElseThrow().fields()).extracting(FieldStats::path)
                .containsExactly(List.of("address"), List.of("address", "city"), List.of("address", "geo"));
    }

    @Test
    void danglingReferencesOnlyForTargetsInTheSource() {
        MemorySource source = new MemorySource()
                .split("users", List.of(doc("users/u1", "name", Value.of("Ann")), doc("users/u2", "name", Value.of("Bob"))))
                .split("posts", List.of(
                        doc("posts/p1", "author", ref("users/u1"), "tag", ref("tags/t1")),
                        doc("posts/p2", "author", ref("users/u9"), "tag", ref("tags/t2")),
                        doc("posts/p3", "author", ref("users/u9"), "likes", new Value.Array(List.of(ref("users/u1"), ref("users/u7"), Value.of(3)))),
                        doc("posts/p4", "author", ref("not-a-document"))));
        Schema schema = analyze(source);
        EntitySchema posts = schema.entity(POSTS).orElseThrow();

        assertThat(posts.field(List.of("author")).orElseThrow().references()).containsExactly(
                new FieldStats.ReferenceStats(EntityName.of("?"), 1, 0),
                new FieldStats.ReferenceStats(USERS, 3, 2));
        assertThat(posts.field(List.of("tag")).orElseThrow().references())
                .containsExactly(new FieldStats.ReferenceStats(EntityName.of("tags"), 2, 0));
        assertThat(schema.targetInSource(EntityName.of("tags"))).isFalse();
        assertThat(schema.targetInSource(USERS)).isTrue();
        assertThat(posts.field(List.of("likes")).orElseThrow().references())
                .as("references inside arrays count too").containsExactly(new FieldStats.ReferenceStats(USERS, 2, 1));
    }

    @Test
    void referencesIntoSubcollectionsAreCheckedAgainstTheirFullKey() {
        MemorySource source = new MemorySource().split("s", List.of(
                doc("users/u1/posts/p1", "title", Value.of("a")),
                doc("users/u2/posts/p1", "title", Value.of("b")),
                doc("feed/f1", "post", ref("users/u1/posts/p1")),
                doc("feed/f2", "post", ref("users/u3/posts/p1"))));
        FieldStats post = analyze(source).entity(EntityName.of("feed")).orElseThrow().field(List.of("post")).orElseThrow();
        assertThat(post.references()).containsExactly(new FieldStats.ReferenceStats(EntityName.of("users/*/posts"), 2, 1));
    }

    @Test
    void subcollectionsAreListedUnderTheirParent() {
        MemorySource source = new MemorySource().split("s", List.of(
                doc("users/u1", "name", Value.of("Ann")),
                doc("users/u1/posts/p1", "title", Value.of("a")),
                doc("users/u1/posts/p1/comments/c1", "text", Value.of("hi")),
                doc("users/u1/likes/l1", "at", Value.of(1))));
        Schema schema = analyze(source);
        assertThat(schema.entity(USERS).orElseThrow().subcollections())
                .containsExactly(EntityName.of("users/*/likes"), EntityName.of("users/*/posts"));
        assertThat(schema.entity(EntityName.of("users/*/posts")).orElseThrow().subcollections())
                .containsExactly(EntityName.of("users/*/posts/*/comments"));
        assertThat(schema.entities()).hasSize(4);
    }

    @Test
    void unreadableRecordsAreCountedWithExamples() {
        List<cutover.connector.RecordReader.Item> items = new ArrayList<>();
        items.add(doc("users/u1", "name", Value.of("Ann")));
        for (int i = 9; i >= 1; i--) items.add(unreadable("users", "k" + i, ErrorCode.RECORD_UNKNOWN_MARKER, "unknown marker __x__ in field f" + i));
        items.add(unreadable(null, null, ErrorCode.RECORD_INVALID_TEXT, "no entity"));
        AnalyzeResult result = new Analyzer(AnalyzeOptions.DEFAULTS).analyzeWithNotes("m", new MemorySource().split("s", items), AnalyzeListener.NONE);

        EntitySchema users = result.schema().entity(USERS).orElseThrow();
        assertThat(users.count()).as("count excludes unreadable records").isEqualTo(1);
        assertThat(users.unreadable()).isEqualTo(9);
        assertThat(result.notes(USERS).unreadableSamples()).extracting(UnreadableSample::key).containsExactly("k1", "k2", "k3", "k4", "k5");
        assertThat(result.notes(USERS).unreadableSamples().get(0).code()).isEqualTo(ErrorCode.RECORD_UNKNOWN_MARKER);
        assertThat(result.notes(USERS).unreadableSamples().get(0).reason()).isEqualTo("unknown marker __x__ in field f1");
        assertThat(result.unreadableWithoutEntity()).isEqualTo(1);
        assertThat(result.unreadableWithoutEntitySamples()).extracting(UnreadableSample::key).containsExactly("");
    }

    @Test
    void entitiesTheSourceListsButHoldNoRecordsAppearEmpty() {
        MemorySource source = new MemorySource()
                .split("s", List.of(doc("users/u1", "id", Value.of(1))))
                .info(new EntityInfo(USERS, 1, -1, List.of("id")))
                .info(new EntityInfo(EntityName.of("archive"), 0, 0, List.of("id")));
        Schema schema = analyze(source);
        assertThat(schema.entities()).extracting(EntitySchema::name).containsExactly(EntityName.of("archive"), USERS);
        assertThat(schema.entity(EntityName.of("archive")).orElseThrow().count()).isZero();
        assertThat(schema.entity(USERS).orElseThrow().keyColumns()).containsExactly("id");
    }

    @Test
    void tooManyPathsKeepsTheShallowestAndCountsTheRest() {
        List<cutover.connector.RecordReader.Item> items = new ArrayList<>();
        items.add(doc("users/u1", "zeta", Value.of(1), "meta", map("a", Value.of(1), "b", Value.of(2))));
        items.add(doc("users/u2", "alpha", Value.of(1), "meta", map("c", Value.of(1))));
        AnalyzeResult result = new Analyzer(AnalyzeOptions.DEFAULTS.withMaxFieldPaths(4)).analyzeWithNotes("m",
                new MemorySource().split("s", items), AnalyzeListener.NONE);
        assertThat(result.schema().entity(USERS).orElseThrow().fields()).extracting(FieldStats::path)
                .containsExactly(List.of("zeta"), List.of("meta"), List.of("alpha"), List.of("meta", "a"));
        assertThat(result.notes(USERS).unlistedPaths()).isEqualTo(2);
        assertThat(result.schema().entity(USERS).orElseThrow().field(List.of("meta", "a")).orElseThrow().present()).isEqualTo(1);
    }

    @Test
    void examplesAreFewShortAndNeverNull() {
        List<cutover.connector.RecordReader.Item> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) items.add(doc("users/u" + i, "bio", i % 2 == 0 ? Value.NULL : Value.of(i + "x".repeat(100))));
        FieldStats bio = analyze(new MemorySource().split("s", items)).entity(USERS).orElseThrow().field(List.of("bio")).orElseThrow();
        assertThat(bio.examples()).hasSize(3).allSatisfy(e -> {
            assertThat(e).hasSize(60).startsWith("\"").endsWith("xx…");
        });
        assertThat(bio.maxTextLength()).isEqualTo(102);
        assertThat(bio.present()).isEqualTo(50);
    }

    @Test
    void progressReachesTheTotals() {
        List<cutover.connector.RecordReader.Item> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < 2500; i++) a.add(doc("users/a" + i, "n", Value.of(i)));
        for (int i = 0; i < 1700; i++) b.add(doc("users/b" + i, "n", Value.of(i)));
        Map<EntityName, Long> last = new ConcurrentHashMap<>();
        new Analyzer(AnalyzeOptions.DEFAULTS).analyze("m", new MemorySource().split("a", a).split("b", b),
                (entity, seen, estimate) -> last.merge(entity, seen, Math::max));
        assertThat(last).containsEntry(USERS, 4200L);
    }

    @Test
    void aFailingReaderStopsTheAnalysisWithItsError() {
        List<cutover.connector.RecordReader.Item> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) items.add(doc("users/u" + i, "n", Value.of(i)));
        MemorySource source = new MemorySource().split("a", items).split("b", items);
        source.failingSplit = "b";
        source.failure = new CutoverException(ErrorCode.SOURCE_IO, "disk gone");
        assertThatThrownBy(() -> analyze(source)).isInstanceOf(CutoverException.class).hasMessage("disk gone");
        source.failure = new IllegalStateException("bug");
        assertThatThrownBy(() -> analyze(source)).isInstanceOf(CutoverException.class)
                .hasMessageContaining("memory split b").hasMessageContaining("bug")
                .satisfies(e -> assertThat(((CutoverException) e).code()).isEqualTo(ErrorCode.INTERNAL));
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> AnalyzeOptions.DEFAULTS.withParallelism(0)).isInstanceOf(CutoverException.class)
                .hasMessageContaining("parallelism");
    }

    static Record record(String path, Map<String, Value> fields) {
        return new Record(EntityName.ofDocumentPath(path), Key.ofDocumentPath(path), fields);
    }
}
