package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The merge that compacts a base and its change layers into one base ({@link CompactingMerge}): a
 * table's history of updates, inserts and deletes is played layer by layer ({@link LayerMergeTest#play}),
 * and the merged lines must be the table at the end, in key order, each key's row from the layer that
 * last wrote it, each new part holding its base part's key range.
 */
class CompactingMergeTest {
    private static final Comparator<String> NUMERIC = Comparator.comparingLong(Long::parseLong);

    /** Lines "key\tlayer": the key is the first field, its bucket {@link LayerMergeTest#bucket}'s. */
    static final CopyTextFormat.KeyReader KEYS = new CopyTextFormat.KeyReader() {
        @Override
        public String key(byte[] line, int offset, int length) {
            String text = new String(line, offset, length, StandardCharsets.UTF_8);
            int tab = text.indexOf('\t');
            if (tab < 0) throw new IllegalArgumentException("no tab in '" + text + "'");
            return text.substring(0, tab);
        }

        @Override
        public int bucket(byte[] line, int offset, int length, ChangeTracking.Bucketing bucketing) {
            return LayerMergeTest.bucket(Long.parseLong(key(line, offset, length)));
        }

        @Override
        public Comparator<String> order() { return NUMERIC; }
    };

    static LineCursor.Lines lines(List<String> lines, String name) {
        Iterator<String> it = lines.iterator();
        int[] line = {0};
        return new LineCursor.Lines() {
            @Override
            public boolean nextLine(CopyLines.LineVisitor visitor) {
                if (!it.hasNext()) return false;
                line[0]++;
                byte[] b = ("##" + it.next() + "##").getBytes(StandardCharsets.UTF_8); // not at the array's start: offsets must be honoured
                visitor.line(b, 2, b.length - 4);
                return true;
            }

            @Override
            public String where() { return name + ", line " + line[0]; }

            @Override
            public void close() {}
        };
    }

    static List<String> rows(Iterable<Long> keys, int layer) {
        List<String> out = new ArrayList<>();
        for (long k : keys) out.add(k + "\t" + layer);
        return out;
    }

    static List<CompactingMerge.Layer> layers(LayerMergeTest.History h) {
        List<CompactingMerge.Layer> out = new ArrayList<>();
        for (int n = 1; n <= h.layers().size(); n++) {
            LayerMergeTest.Layer l = h.layers().get(n - 1);
            LineCursor rows = new LineCursor(lines(rows(l.rows(), n), "layer " + n), KEYS, NUMERIC, n);
            KeyCursor listed = l.listed() == null ? null : new KeyCursor(LayerMergeTest.keys(l.listed(), "layer " + n + " keys"), NUMERIC);
            out.add(new CompactingMerge.Layer(rows, l.moved(), listed));
        }
        return out;
    }

    static void feed(CompactingMerge merge, int part, List<String> lines) {
        merge.basePart(part, "base part " + (part + 1));
        long n = 0;
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            merge.baseLine(b, 0, b.length, ++n);
        }
    }

    @Property(tries = 400)
    void theMergedLinesAreTheTableAtTheEndInKeyOrderCutAtTheBasePartsKeys(@ForAll long seed) {
        LayerMergeTest.History h = LayerMergeTest.play(seed);
        Random random = new Random(seed);
        List<Integer> bounds = new ArrayList<>(List.of(0));
        for (int i = random.nextInt(4); i > 0; i--) bounds.add(h.base().isEmpty() ? 0 : random.nextInt(h.base().size() + 1));
        bounds.add(h.base().size());
        bounds.sort(null);
        List<ByteArrayOutputStream> outs = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) outs.add(new ByteArrayOutputStream());
        CompactingMerge merge = new CompactingMerge(layers(h), NUMERIC, KEYS, new ChangeTracking.Bucketing(16, 0), outs, 0, null);
        for (int i = 0; i + 1 < bounds.size(); i++) feed(merge, i, rows(h.base().subList(bounds.get(i), bounds.get(i + 1)), 0));
        merge.finish(null);

        List<String> expected = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : h.latest().entrySet()) expected.add(e.getKey() + "\t" + e.getValue());
        List<String> all = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            String text = outs.get(i).toString(StandardCharsets.UTF_8);
            List<String> part = text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
            // each new part holds the keys from its base part's first key to the next base part's first
            Long low = firstKey(h, bounds, i, false), high = firstKey(h, bounds, i + 1, true);
            for (String line : part) {
                long key = Long.parseLong(line.substring(0, line.indexOf('\t')));
                if (low != null && i > 0) assertThat(key).as("part %s", i + 1).isGreaterThanOrEqualTo(low);
                if (high != null) assertThat(key).as("part %s", i + 1).isLessThan(high);
            }
            all.addAll(part);
        }
        assertThat(all).isEqualTo(expected);
        assertThat(merge.written()).isEqualTo(expected.size());
    }

    @Property(tries = 300)
    void runsOfBasePartsMergedApartGiveTheSameTable(@ForAll long seed) {
        LayerMergeTest.History h = LayerMergeTest.play(seed);
        Random random = new Random(seed);
        List<Integer> bounds = new ArrayList<>(List.of(0));
        for (int i = 1 + random.nextInt(5); i > 0; i--) bounds.add(h.base().isEmpty() ? 0 : random.nextInt(h.base().size() + 1));
        bounds.add(h.base().size());
        bounds.sort(null);
        int parts = bounds.size() - 1;
        List<EntityPart> base = new ArrayList<>();
        for (int i = 0; i < parts; i++) base.add(new EntityPart(bounds.get(i + 1) - bounds.get(i), 0, "", 0));
        List<Integer> starts = LayerCompaction.runStarts(base, 1 + random.nextInt(4));
        List<ByteArrayOutputStream> outs = new ArrayList<>();
        for (int i = 0; i < parts; i++) outs.add(new ByteArrayOutputStream());
        long written = 0;
        for (int run = starts.size() - 1; run >= 0; run--) { // in any order: each run reads the layers with cursors of its own
            int first = starts.get(run), end = run + 1 < starts.size() ? starts.get(run + 1) : parts;
            String from = run == 0 ? null : String.valueOf(h.base().get(bounds.get(first)));
            String upTo = run + 1 < starts.size() ? String.valueOf(h.base().get(bounds.get(end))) : null;
            CompactingMerge merge = new CompactingMerge(layers(h), NUMERIC, KEYS, new ChangeTracking.Bucketing(16, 0), outs, first, from);
            for (int i = first; i < end; i++) feed(merge, i, rows(h.base().subList(bounds.get(i), bounds.get(i + 1)), 0));
            merge.finish(upTo);
            written += merge.written();
        }
        List<String> expected = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : h.latest().entrySet()) expected.add(e.getKey() + "\t" + e.getValue());
        List<String> all = new ArrayList<>();
        for (ByteArrayOutputStream out : outs) {
            String text = out.toString(StandardCharsets.UTF_8);
            if (!text.isEmpty()) all.addAll(List.of(text.substring(0, text.length() - 1).split("\n", -1)));
        }
        assertThat(all).as("runs starting at parts %s of %s", starts, bounds).isEqualTo(expected);
        assertThat(written).isEqualTo(expected.size());
    }

    @Test
    void runsStartAtPartsWithLinesAndShareTheLinesOut() {
        List<EntityPart> base = List.of(part(0), part(100), part(100), part(0), part(100), part(100));
        assertThat(LayerCompaction.runStarts(base, 1)).containsExactly(0);
        assertThat(LayerCompaction.runStarts(base, 2)).containsExactly(0, 4);
        assertThat(LayerCompaction.runStarts(base, 4)).containsExactly(0, 2, 4, 5);
        assertThat(LayerCompaction.runStarts(List.of(part(0), part(0)), 2)).containsExactly(0);
    }

    private static EntityPart part(long records) {
        return new EntityPart(records, 0, "", 0);
    }

    /** The first key of the first non-empty base part from {@code part} on ({@code onward}), or of that part alone; null when none. */
    private static Long firstKey(LayerMergeTest.History h, List<Integer> bounds, int part, boolean onward) {
        for (int i = part; i + 1 < bounds.size(); i++) {
            if (bounds.get(i) < bounds.get(i + 1)) return h.base().get(bounds.get(i));
            if (!onward) return null;
        }
        return null;
    }

    @Test
    void aBaseLineOutOfOrderIsNamedAsCorrupt() {
        CompactingMerge merge = new CompactingMerge(List.of(), NUMERIC, KEYS, new ChangeTracking.Bucketing(16, 0), List.of(new ByteArrayOutputStream()), 0, null);
        assertThatThrownBy(() -> feed(merge, 0, List.of("5\t0", "9\t0", "7\t0")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("base part 1, line 3").hasMessageContaining("key 7 follows key 9");
    }

    @Test
    void aLayerRowOutOfOrderIsNamedAsCorrupt() {
        LineCursor rows = new LineCursor(lines(List.of("3\t1", "8\t1", "6\t1"), "layer 1"), KEYS, NUMERIC, 1);
        CompactingMerge merge = new CompactingMerge(List.of(new CompactingMerge.Layer(rows, new BitSet(), null)), NUMERIC, KEYS,
                new ChangeTracking.Bucketing(16, 0), List.of(new ByteArrayOutputStream()), 0, null);
        assertThatThrownBy(() -> {
            feed(merge, 0, List.of("1\t0", "10\t0"));
            merge.finish(null);
        }).isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("layer 1, line 3").hasMessageContaining("key 6 follows key 8");
    }

    @Test
    void aLineWhoseKeyDoesNotReadIsNamed() {
        CompactingMerge merge = new CompactingMerge(List.of(), NUMERIC, KEYS, new ChangeTracking.Bucketing(16, 0), List.of(new ByteArrayOutputStream()), 0, null);
        assertThatThrownBy(() -> feed(merge, 0, List.of("1\t0", "garbled")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("base part 1, line 2").hasMessageContaining("no tab");
    }
}
