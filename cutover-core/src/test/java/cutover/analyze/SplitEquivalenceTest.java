package cutover.analyze;

import cutover.connector.RecordReader;
import cutover.error.ErrorCode;
import cutover.model.Value;
import cutover.model.Values;
import cutover.testing.MemorySource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a source split in parts, in parallel, gives exactly the result of reading it as one part:
 * the property that makes the merge of split tallies trustworthy. Few allowed paths, so that the
 * choice of listed paths is exercised too.
 */
class SplitEquivalenceTest {

    @Property(tries = 60)
    void splitsInParallelGiveTheSameResultAsOneSplit(@ForAll("items") List<RecordReader.Item> items,
                                                     @ForAll @IntRange(min = 1, max = 5) int parts,
                                                     @ForAll @IntRange(min = 1, max = 8) int maxPaths) {
        MemorySource split = new MemorySource();
        int size = (items.size() + parts - 1) / parts;
        for (int p = 0; p < parts; p++) {
            split.split("part" + p, items.subList(Math.min(items.size(), p * size), Math.min(items.size(), (p + 1) * size)));
        }
        AnalyzeOptions options = AnalyzeOptions.DEFAULTS.withMaxFieldPaths(maxPaths).withParallelism(3);
        AnalyzeResult parallel = new Analyzer(options).analyzeWithNotes("m", split, AnalyzeListener.NONE);
        AnalyzeResult single = new Analyzer(options.withParallelism(1)).analyzeWithNotes("m", split.asOneSplit(), AnalyzeListener.NONE);
        assertThat(parallel).isEqualTo(single);
    }

    @Provide
    Arbitrary<List<RecordReader.Item>> items() {
        Arbitrary<String> names = Arbitraries.of("a", "b", "c", "d", "e", "f");
        Arbitrary<Value> values = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Values.any(1)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 6).map(i -> new Value.Reference("users/u" + i))),
                net.jqwik.api.Tuple.of(2, Arbitraries.maps(names, Values.any(1)).ofMaxSize(3).map(m -> new Value.MapValue(m))));
        Arbitrary<Map<String, Value>> fields = Arbitraries.maps(names, values).ofMaxSize(4).map(LinkedHashMap::new);
        Arbitrary<RecordReader.Item> doc = Combinators.combine(Arbitraries.of("users", "posts", "users/u1/posts"),
                Arbitraries.integers().between(0, 5), fields).as((entity, id, f) -> {
            String path = entity.equals("users/u1/posts") ? "users/u1/posts/p" + id : entity + "/" + (entity.equals("users") ? "u" : "p") + id;
            List<Object> pairs = new ArrayList<>();
            f.forEach((k, v) -> { pairs.add(k); pairs.add(v); });
            return Docs.doc(path, pairs.toArray());
        });
        Arbitrary<RecordReader.Item> bad = Combinators.combine(Arbitraries.of("users", "posts"), Arbitraries.strings().alpha().ofMaxLength(3))
                .as((entity, key) -> Docs.unreadable(entity, key, ErrorCode.RECORD_UNKNOWN_MARKER, "bad " + key));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, doc), net.jqwik.api.Tuple.of(1, bad)).list().ofMaxSize(40);
    }
}
