package cutover.postgres;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The changed rows of an integer-keyed table are written in key order, whatever the keys' spread; two rows of one key are refused. */
class IntegerOrderTest {
    @Property(tries = 300)
    void rowsComeInTheirKeysOrder(@ForAll("keys") List<Long> keys) {
        List<LoggedKeys.Row> rows = rowsOf(keys);
        int[] expected = IntStream.range(0, keys.size()).boxed().sorted(Comparator.comparing(keys::get)).mapToInt(i -> i).toArray();

        int[] order = LoggedChanges.integerOrder(rows);

        if (keys.stream().distinct().count() < keys.size()) {
            assertThat(order).as("two rows of one key").isNull();
        } else {
            assertThat(order).containsExactly(expected);
        }
    }

    @Provide
    Arbitrary<List<Long>> keys() {
        Arbitrary<Long> narrow = Arbitraries.longs().between(-5_000, 5_000);
        Arbitrary<Long> ids = Arbitraries.longs().between(1, 1L << 40);
        Arbitrary<Long> any = Arbitraries.longs(); // spreads past what fits beside a position, and overflowing ones
        Arbitrary<Long> edges = Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L << 42, (1L << 42) + 1);
        // one kind per list, so that most lists take the packed sort, and some the ranks
        return Arbitraries.oneOf(narrow.list().ofMaxSize(3_000), ids.list().ofMaxSize(3_000), any.list().ofMaxSize(300),
                Arbitraries.oneOf(edges, narrow).list().ofMaxSize(20));
    }

    private static List<LoggedKeys.Row> rowsOf(List<Long> keys) {
        List<LoggedKeys.Row> rows = new ArrayList<>();
        for (long k : keys) rows.add(new LoggedKeys.Row(Long.toString(k), new byte[0]));
        return rows;
    }
}
