package cutover.verify;

import cutover.error.CutoverException;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeBisectionTest {
    static final TableShape SHAPE = new TableShape("t", List.of("id"),
            List.of(new TableShape.ColumnShape("id", "bigint"), new TableShape.ColumnShape("v", "text")));
    static final List<String> COLUMNS = List.of("id", "v");
    static final RangeBisection.Options OPTIONS = new RangeBisection.Options(16, 4, 10, 3, 1.0, 0);

    static Record row(long id, String v) {
        return new Record(EntityName.of("t"), Key.of(Value.of(id)), MemoryDigests.fields("id", Value.of(id), "v", Value.of(v)));
    }

    static MemoryDigests table(int rows) {
        MemoryDigests d = new MemoryDigests("memory/1", SHAPE);
        for (int i = 0; i < rows; i++) d.put(row(i * 3L, "v" + i));
        return d;
    }

    static Map<String, String> found(MemoryDigests a, MemoryDigests b, RangeBisection.Options options) {
        Map<String, String> out = new TreeMap<>();
        new RangeBisection(a, b, options, VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> out.put(d.key().toString(),
                d instanceof Difference.Changed c ? "Changed " + c.fields().stream().map(Difference.FieldDifference::column).toList()
                        : d.getClass().getSimpleName()));
        return out;
    }

    @Test
    void equalTablesCostOneDigestPerSideAndNoRows() {
        MemoryDigests a = table(1000), b = table(1000);
        TableVerdict v = new RangeBisection(a, b, OPTIONS, VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> { throw new AssertionError(d); });
        assertThat(v.equal()).isTrue();
        assertThat(v.sourceCount()).isEqualTo(1000);
        assertThat(v.sourceDigest()).isEqualTo(v.targetDigest());
        assertThat(a.digestCalls.get()).isEqualTo(1);
        assertThat(a.rowCalls.get() + b.rowCalls.get() + a.hashCalls.get() + b.hashCalls.get()).isZero();
    }

    @Test
    void namesEachMissingExtraAndChangedRowAndOnlyThose() {
        MemoryDigests a = table(1000), b = table(1000);
        b.remove(Key.of(Value.of(30L))).remove(Key.of(Value.of(2997L))).put(row(31, "new")).put(row(1500, "changed")).put(row(-5, "first"));
        TableVerdict v = new RangeBisection(a, b, OPTIONS, VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> {});
        int rowReads = b.rowCalls.get();
        int sourceRowsRead = a.rowsRead.get(), targetRowsRead = b.rowsRead.get();
        assertThat(found(a, b, OPTIONS)).containsExactlyInAnyOrderEntriesOf(Map.of("30", "Missing", "2997", "Missing", "31", "Extra",
                "-5", "Extra", "1500", "Changed [v]"));
        assertThat(v.missing()).isEqualTo(2);
        assertThat(v.extra()).isEqualTo(2);
        assertThat(v.changed()).isEqualTo(1);
        assertThat(v.targetCount()).isEqualTo(1000); // two removed, two added
        // only the ranges around five keys were read row by row
        assertThat(rowReads).isLessThanOrEqualTo(5);
        // and of those, only the differing rows were read whole: 30, 2997 and 1500 from the source; 31, 1500 and -5 from the target
        assertThat(sourceRowsRead).isEqualTo(3);
        assertThat(targetRowsRead).isEqualTo(3);
    }

    @Test
    void aLargeTableIsCutIntoRangesOfAboutHalfALeafSoThatDifferingRangesAreLeavesAtOnce() {
        MemoryDigests a = table(1000), b = table(1000);
        b.remove(Key.of(Value.of(30L))).put(row(1500, "changed"));
        assertThat(found(a, b, OPTIONS)).containsExactlyInAnyOrderEntriesOf(Map.of("30", "Missing", "1500", "Changed [v]"));
        assertThat(a.digestCalls.get()).isEqualTo(1); // 2 * 1,000 rows / 10 = 200 first-level ranges: no second level
        assertThat(a.hashCalls.get()).isEqualTo(1);   // both differing ranges' keys and hashes read together
    }

    @Test
    void whereTheSizeIsUnknownDifferingRangesAreCutLevelByLevel() {
        MemoryDigests a = table(1000), b = table(1000);
        a.sized = false;
        b.remove(Key.of(Value.of(30L))).put(row(1500, "changed"));
        assertThat(found(a, b, OPTIONS)).containsExactlyInAnyOrderEntriesOf(Map.of("30", "Missing", "1500", "Changed [v]"));
        // 16 first-level ranges of about 62 rows, cut 4 ways until at most 10 rows: levels below the first
        assertThat(a.digestCalls.get()).isGreaterThan(3);
    }

    /** A table keyed (tenant, id) where every row has tenant 1: no bound can cut it. */
    static MemoryDigests oneTenant(int rows) {
        TableShape shape = new TableShape("t", List.of("tenant", "id"), List.of(new TableShape.ColumnShape("tenant", "bigint"),
                new TableShape.ColumnShape("id", "bigint"), new TableShape.ColumnShape("v", "text")));
        MemoryDigests d = new MemoryDigests("memory/1", shape);
        for (int i = 0; i < rows; i++) d.put(tenantRow(i, "v" + i));
        return d;
    }

    static Record tenantRow(long id, String v) {
        return new Record(EntityName.of("t"), Key.of(Value.of(1L), Value.of(id)),
                MemoryDigests.fields("tenant", Value.of(1L), "id", Value.of(id), "v", Value.of(v)));
    }

    @Test
    void aRangeThatBoundsCannotCutIsCutByKeyHashAndNeverReadWhole() {
        for (boolean scans : new boolean[] {false, true}) {
            // where range queries scan, up to 50,000 rows of differing ranges are read together: one tenant of 60,000 is too many
            int rows = scans ? 60_000 : 5_000;
            MemoryDigests a = oneTenant(rows), b = oneTenant(rows);
            a.scans = scans;
            a.sized = false; // 16 first-level ranges, all rows in one of them
            b.remove(Key.of(Value.of(1L), Value.of(30L))).put(tenantRow(70_000, "extra")).put(tenantRow(2500, "changed"));
            Map<String, String> found = new TreeMap<>();
            new RangeBisection(a, b, OPTIONS, VerifyProgress.NONE).compare("t", "t", List.of("tenant", "id", "v"), d -> found.put(d.key().toString(),
                    d instanceof Difference.Changed c ? "Changed " + c.fields().stream().map(Difference.FieldDifference::column).toList()
                            : d.getClass().getSimpleName()));
            assertThat(found).as("scans: " + scans).containsExactlyInAnyOrderEntriesOf(Map.of("1/30", "Missing", "1/70000", "Extra", "1/2500", "Changed [v]"));
            // buckets of about 5 rows: no read holds more than a few leaves' rows, never the whole tenant
            assertThat(Math.max(a.largestRead.get(), b.largestRead.get())).as("scans: " + scans).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void whereRangeQueriesScanTheDifferingRangesAreReadTogether() {
        MemoryDigests a = table(5000), b = table(5000);
        a.scans = true;
        b.remove(Key.of(Value.of(30L))).remove(Key.of(Value.of(14997L))).put(row(31, "new")).put(row(7500, "changed"));
        Map<String, String> found = found(a, b, OPTIONS);
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of("30", "Missing", "14997", "Missing", "31", "Extra", "7500", "Changed [v]"));
        // one scan per side for the first level, cut into leaves (5,000 rows / 10), and one for all differing leaves
        assertThat(a.digestCalls.get()).isEqualTo(1);
        assertThat(a.rowCalls.get()).isEqualTo(1);
        assertThat(b.rowCalls.get()).isEqualTo(1);
        TableVerdict sampled = new RangeBisection(a, b, OPTIONS.sampled(0.5, 3), VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> {});
        assertThat(sampled.sampled()).isEqualTo(0.5);
        assertThat(sampled.sourceCount()).isBetween(2000L, 3000L);
        assertThat(a.digestCalls.get()).isEqualTo(2); // still one scan: the sample only narrows what is looked at
    }

    @Test
    void anEmptySideIsAllMissing() {
        MemoryDigests a = table(50), b = new MemoryDigests("memory/1", SHAPE);
        assertThat(found(a, b, OPTIONS)).hasSize(50).allSatisfy((k, what) -> assertThat(what).isEqualTo("Missing"));
        assertThat(found(b, a, OPTIONS)).hasSize(50).allSatisfy((k, what) -> assertThat(what).isEqualTo("Extra"));
    }

    @Test
    void aRangeThatCannotBeCutIsComparedWhole() {
        TableShape pairs = new TableShape("t", List.of("a", "b"), List.of(new TableShape.ColumnShape("a", "text"),
                new TableShape.ColumnShape("b", "bigint"), new TableShape.ColumnShape("v", "text")));
        MemoryDigests a = new MemoryDigests("memory/1", pairs), b = new MemoryDigests("memory/1", pairs);
        for (int i = 0; i < 100; i++) {
            Record r = new Record(EntityName.of("t"), Key.of(Value.of("same"), Value.of(i)),
                    MemoryDigests.fields("a", Value.of("same"), "b", Value.of(i), "v", Value.of("x")));
            a.put(r);
            if (i != 42) b.put(r);
        }
        List<Difference> found = new ArrayList<>();
        new RangeBisection(a, b, OPTIONS, VerifyProgress.NONE).compare("t", "t", List.of("a", "b", "v"), found::add);
        assertThat(found).singleElement().satisfies(d -> assertThat(d.key()).isEqualTo(Key.of(Value.of("same"), Value.of(42))));
    }

    @Test
    void aSampleDigestsOnlyItsShareOfTheRanges() {
        MemoryDigests a = table(1000), b = table(1000);
        RangeBisection.Options quarter = OPTIONS.sampled(0.25, 7);
        TableVerdict v = new RangeBisection(a, b, quarter, VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> {});
        assertThat(v.sampled()).isEqualTo(0.25);
        assertThat(v.sourceCount()).isBetween(200L, 300L);
        TableVerdict again = new RangeBisection(a, b, quarter, VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> {});
        assertThat(again.sourceDigest()).isEqualTo(v.sourceDigest());
        TableVerdict other = new RangeBisection(a, b, OPTIONS.sampled(0.25, 8), VerifyProgress.NONE).compare("t", "t", COLUMNS, d -> {});
        assertThat(other.sourceDigest()).isNotEqualTo(v.sourceDigest());
    }

    @Test
    void differencesReachTheConsumerOneAtATime() {
        MemoryDigests a = table(2000), b = new MemoryDigests("memory/1", SHAPE);
        List<Difference> unsynchronized = new ArrayList<>(); // would lose elements if called from two threads at once
        new RangeBisection(a, b, OPTIONS.threads(8), VerifyProgress.NONE).compare("t", "t", COLUMNS, unsynchronized::add);
        assertThat(unsynchronized).hasSize(2000).doesNotContainNull();
    }

    @Test
    void sidesThatHashDifferentlyOrStoreOtherTypesAreRefused() {
        assertThatThrownBy(() -> new RangeBisection(table(1), new MemoryDigests("memory/2", SHAPE), OPTIONS, VerifyProgress.NONE))
                .isInstanceOf(CutoverException.class).hasMessageContaining("memory/1").hasMessageContaining("memory/2");
        TableShape asInt = new TableShape("t", List.of("id"),
                List.of(new TableShape.ColumnShape("id", "integer"), new TableShape.ColumnShape("v", "text")));
        assertThatThrownBy(() -> new RangeBisection(table(1), new MemoryDigests("memory/1", asInt), OPTIONS, VerifyProgress.NONE)
                .compare("t", "t", COLUMNS, d -> {})).isInstanceOf(CutoverException.class)
                .hasMessageContaining("column id of t is bigint in the source but integer in the target");
    }
}
