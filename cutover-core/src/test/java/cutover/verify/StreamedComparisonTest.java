package cutover.verify;

import cutover.model.Key;
import cutover.model.Record;
import cutover.plan.Plan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class StreamedComparisonTest {
    private static final ComparableValues EXACT = new ComparableValues(Plan.VerifyRules.DEFAULTS);

    @Test
    void aSampleComparesTheSameKeysOnBothSidesAndAboutItsShare() {
        Random random = new Random(7);
        List<Record> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) rows.add(StreamedComparisonProperties.row("k" + i, random));
        List<Record> target = new ArrayList<>(rows);
        Collections.shuffle(target, random);

        List<Difference> found = Collections.synchronizedList(new ArrayList<>());
        TableVerdict v = compare(rows, target, new StreamedComparison.Options(0.1, 42, 400_000), found).get(0);
        assertThat(found).isEmpty();
        assertThat(v.equal()).isTrue();
        assertThat(v.sampled()).isEqualTo(0.1);
        assertThat(v.sourceCount()).isEqualTo(v.targetCount()).isBetween(1_000L, 3_000L); // 10% of 128 buckets of about 156 rows each

        // every row changed: the sample names exactly the changed rows it covers, and another seed covers others
        List<Record> changed = new ArrayList<>();
        for (Record r : rows) changed.add(StreamedComparisonProperties.changed(r, StreamedComparisonProperties.Change.FIELD));
        found.clear();
        TableVerdict d = compare(rows, changed, new StreamedComparison.Options(0.1, 42, 400_000), found).get(0);
        assertThat(found).hasSize((int) d.sourceCount()).allMatch(x -> x instanceof Difference.Changed);
        List<Key> first = found.stream().map(Difference::key).toList();
        found.clear();
        compare(rows, changed, new StreamedComparison.Options(0.1, 43, 400_000), found);
        assertThat(found.stream().map(Difference::key).toList()).isNotEqualTo(first);
    }

    @Test
    void whenEveryRowDiffersPassTwoRunsInRoundsThatEachHoldFewRows() {
        Random random = new Random(3);
        List<Record> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) rows.add(StreamedComparisonProperties.row("k" + i, random));
        List<Record> changed = new ArrayList<>();
        for (Record r : rows) changed.add(StreamedComparisonProperties.changed(r, StreamedComparisonProperties.Change.ULP));
        AtomicInteger reads = new AtomicInteger();
        List<Difference> found = Collections.synchronizedList(new ArrayList<>());
        new StreamedComparison(List.of(StreamedComparisonProperties.TABLE), EXACT, new StreamedComparison.Options(1.0, 0, 1_000), VerifyProgress.NONE)
                .compare(counting(rows, reads), StreamedComparisonProperties.feed(changed), Map.of("t", 5_000L), found::add);
        assertThat(found).hasSize(5_000);
        assertThat(reads.get()).as("pass one, then rounds of at most 1,000 rows").isBetween(6, 12);
    }

    @Test
    void equalSidesAreReadOnce() {
        Random random = new Random(5);
        List<Record> rows = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) rows.add(StreamedComparisonProperties.row("k" + i, random));
        AtomicInteger reads = new AtomicInteger();
        new StreamedComparison(List.of(StreamedComparisonProperties.TABLE), EXACT, StreamedComparison.Options.DEFAULTS, VerifyProgress.NONE)
                .compare(counting(rows, reads), StreamedComparisonProperties.feed(rows), Map.of(), d -> { });
        assertThat(reads.get()).isEqualTo(1);
    }

    private static List<TableVerdict> compare(List<Record> source, List<Record> target, StreamedComparison.Options options, List<Difference> found) {
        return new StreamedComparison(List.of(StreamedComparisonProperties.TABLE), EXACT, options, VerifyProgress.NONE)
                .compare(StreamedComparisonProperties.feed(source), StreamedComparisonProperties.feed(target), Map.of("t", (long) source.size()), found::add)
                .verdicts();
    }

    private static RowFeed counting(List<Record> rows, AtomicInteger reads) {
        RowFeed feed = StreamedComparisonProperties.feed(rows);
        return new RowFeed() {
            @Override public String describe() { return "counted"; }
            @Override public void read(Rows out) { reads.incrementAndGet(); feed.read(out); }
        };
    }
}
