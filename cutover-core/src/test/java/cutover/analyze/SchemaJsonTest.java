package cutover.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaJsonTest {

    static String json(AnalyzeResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SchemaJson.write(result, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static AnalyzeResult readBack(String json) {
        return SchemaJson.readResult(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 200)
    void writeThenReadGivesBackTheSameResult(@ForAll("results") AnalyzeResult result) {
        String text = json(result);
        assertThat(readBack(text)).isEqualTo(result);
        assertThat(SchemaJson.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))).isEqualTo(result.schema());
        assertThat(json(readBack(text))).as("stable output").isEqualTo(text);
    }

    @Test
    void theShapeIsTheDocumentedOne() throws Exception {
        Schema schema = new Schema("firestore-export:./dump.json", List.of(
                new EntitySchema(EntityName.of("posts"), 2, 300, List.of(), List.of(), 0, List.of(
                        new FieldStats(List.of("author"), 2, Map.of(Value.Kind.REFERENCE, 1L, Value.Kind.NULL, 1L), 0, 0, 0, 0,
                                List.of(new FieldStats.ReferenceStats(EntityName.of("users"), 1, 1),
                                        new FieldStats.ReferenceStats(EntityName.of("tags"), 3, 0)), List.of("ref:users/u9")))),
                new EntitySchema(EntityName.of("users"), 5, 500, List.of(), List.of(EntityName.of("users/*/posts")), 1, List.of(
                        new FieldStats(List.of("age"), 5, Map.of(Value.Kind.INT64, 4L, Value.Kind.TEXT, 1L), 18, 70, 6, 0, List.of(),
                                List.of("31", "\"thirty\""))))));
        JsonNode root = new ObjectMapper().readTree(json(AnalyzeResult.of(schema)));

        long total = StreamSupport.stream(root.get("entities").spliterator(), false).mapToLong(e -> e.get("count").asLong()).sum();
        assertThat(total).isEqualTo(7);
        assertThat(root.get("version").asInt()).isEqualTo(1);
        assertThat(root.get("source").asText()).isEqualTo("firestore-export:./dump.json");
        JsonNode users = root.get("entities").get(1);
        assertThat(users.get("name").asText()).isEqualTo("users");
        assertThat(users.get("bytes").asLong()).isEqualTo(500);
        assertThat(users.get("subcollections").get(0).asText()).isEqualTo("users/*/posts");
        assertThat(users.get("unreadable").asLong()).isEqualTo(1);
        JsonNode age = users.get("fields").get(0);
        assertThat(age.get("kinds").toString()).as("lower-case kinds in kind order").isEqualTo("{\"int64\":4,\"text\":1}");
        assertThat(age.get("conflict").asBoolean()).isTrue();
        assertThat(age.get("path").get(0).asText()).isEqualTo("age");
        JsonNode refs = root.get("entities").get(0).get("fields").get(0).get("references");
        assertThat(refs.get(0).get("target").asText()).isEqualTo("users");
        assertThat(refs.get(0).get("targetInSource").asBoolean()).isTrue();
        assertThat(refs.get(1).get("targetInSource").asBoolean()).isFalse();
        assertThat(root.get("entities").get(0).get("fields").get(0).get("nulls").asLong()).isEqualTo(1);
    }

    @Test
    void textThatIsNotValidUnicodeSurvives() {
        Schema schema = new Schema("s", List.of(new EntitySchema(EntityName.of("e\uD800"), 1, 1, List.of(), List.of(), 0, List.of(
                new FieldStats(List.of("a\uDC00b", "\uD83D\uDE00"), 1, Map.of(Value.Kind.TEXT, 1L), 0, 0, 1, 0, List.of(), List.of("é"))))));
        assertThat(readBack(json(AnalyzeResult.of(schema))).schema()).isEqualTo(schema);
    }

    @Test
    void aFileThatIsNotAnAnalysisIsRefusedWithWhereAndWhy() {
        assertThatThrownBy(() -> readBack("{\"version\": 1, \"source\": \"s\", \"entities\": [{\"name\": \"users\"}]}"))
                .isInstanceOf(CutoverException.class)
                .satisfies(e -> assertThat(((CutoverException) e).code()).isEqualTo(ErrorCode.PLAN_INVALID))
                .hasMessageContaining("entity users").hasMessageContaining("\"fields\" must be an array");
        assertThatThrownBy(() -> readBack("{\"version\": 1, \"source\": \"s\", \"entities\": [{\"name\": \"u\", \"count\": 1, \"bytes\": 1,"
                + " \"key\": [], \"subcollections\": [], \"unreadable\": 0, \"fields\": [{\"path\": [\"a\"], \"present\": 1,"
                + " \"kinds\": {\"integer\": 1}}]}]}"))
                .hasMessageContaining("unknown kind \"integer\"").hasMessageContaining("fields[0] (a)");
        assertThatThrownBy(() -> readBack("{\"version\": 2}")).hasMessageContaining("version 2 is not supported");
        assertThatThrownBy(() -> readBack("{\"version\": 1,")).hasMessageContaining("not valid JSON").hasMessageContaining("line 1");
    }

    @Provide
    Arbitrary<AnalyzeResult> results() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12);
        Arbitrary<EntityName> names = Arbitraries.strings().ofMinLength(1).ofMaxLength(10).map(EntityName::of);
        Arbitrary<Long> counts = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Map<Value.Kind, Long>> kinds = Arbitraries.maps(Arbitraries.of(Value.Kind.class), counts).ofMaxSize(4);
        Arbitrary<FieldStats.ReferenceStats> refs = Combinators.combine(names, counts, counts).as(FieldStats.ReferenceStats::new);
        Arbitrary<FieldStats> field = Combinators.combine(text.list().ofMinSize(1).ofMaxSize(4), counts, kinds,
                        Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().greaterOrEqual(0), Arbitraries.integers().greaterOrEqual(0),
                        refs.list().ofMaxSize(3))
                .as((path, present, k, min, max, textLen, arrLen, r) -> new FieldStats(path, present, k, min, max, textLen, arrLen, r, List.of()))
                .flatMap(f -> text.list().ofMaxSize(3).map(ex -> new FieldStats(f.path(), f.present(), f.kinds(), f.minInt(), f.maxInt(),
                        f.maxTextLength(), f.maxArrayLength(), f.references(), ex)));
        Arbitrary<EntitySchema> entity = Combinators.combine(names, counts, counts, text.list().ofMaxSize(3), names.list().ofMaxSize(3),
                        counts, field.list().ofMaxSize(4))
                .as(EntitySchema::new);
        Arbitrary<UnreadableSample> sample = Combinators.combine(text, Arbitraries.of(ErrorCode.class), text.injectNull(0.3), text)
                .as(UnreadableSample::new);
        Arbitrary<Schema> schema = Combinators.combine(text, entity.list().uniqueElements(EntitySchema::name).ofMaxSize(4)).as(Schema::new);
        return schema.flatMap(s -> Combinators.combine(
                        Arbitraries.of(s.entities().isEmpty() ? List.of(EntityName.of("x")) : s.entities().stream().map(EntitySchema::name).toList())
                                .flatMap(n -> Combinators.combine(sample.list().ofMinSize(1).ofMaxSize(5), counts, Arbitraries.of(true, false))
                                        .as((samples, unlisted, capped) -> new EntityNotes(n, samples, unlisted, capped))),
                        counts, sample.list().ofMaxSize(5))
                .as((notes, without, withoutSamples) -> new AnalyzeResult(s,
                        s.entities().isEmpty() ? List.of() : List.of(notes), without, withoutSamples)));
    }
}
