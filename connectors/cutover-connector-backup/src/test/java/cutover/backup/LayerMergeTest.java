package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of change layers (docs/backup-format.md, "Change layers") as a restore applies them: the
 * base parts by merging the layers' keys in order ({@link LayerMerge}), the layers newest first
 * with the later ones' keys in memory ({@link LaterLayers}). A table's history of updates, inserts and
 * deletes is played layer by layer, and every stored line must be given exactly when its row is the
 * latest version of a key the table still holds.
 */
class LayerMergeTest {
    private static final int BUCKETS = 16;
    private static final Comparator<String> NUMERIC = Comparator.comparingLong(Long::parseLong);

    /** A table's history: its base keys, then each layer's rows, moved buckets and listed keys, and the table at the end. */
    record History(List<Long> base, List<Layer> layers, Map<Long, Integer> latest) {}

    /** One layer as a backup stores it; {@code listed} is null when no bucket moved. */
    record Layer(TreeSet<Long> rows, BitSet moved, TreeSet<Long> listed) {}

    static int bucket(long key) {
        return (int) Math.floorMod(key >> 2, (long) BUCKETS); // neighbouring keys share a bucket, as integer keys do
    }

    static History play(long seed) {
        Random random = new Random(seed);
        TreeMap<Long, Integer> table = new TreeMap<>(); // key → the layer holding its latest row (0: the base)
        int size = random.nextInt(300);
        while (table.size() < size) table.put((long) random.nextInt(2000) - 1000, 0);
        List<Long> base = new ArrayList<>(table.keySet());
        List<Layer> layers = new ArrayList<>();
        int count = 1 + random.nextInt(6);
        for (int n = 1; n <= count; n++) {
            TreeSet<Long> rows = new TreeSet<>();
            BitSet moved = new BitSet();
            List<Long> keys = new ArrayList<>(table.keySet());
            for (int i = random.nextInt(1 + keys.size() / 5); i > 0; i--) rows.add(keys.get(random.nextInt(keys.size()))); // updated
            for (int i = random.nextInt(20); i > 0; i--) rows.add((long) random.nextInt(2400) - 1200);                        // inserted (or updated)
            int deletes = random.nextInt(4) == 0 ? 0 : random.nextInt(1 + keys.size() / 8);
            for (int i = 0; i < deletes && !keys.isEmpty(); i++) {
                long gone = keys.get(random.nextInt(keys.size()));
                if (rows.contains(gone)) continue;
                table.remove(gone);
                moved.set(bucket(gone));
            }
            if (random.nextInt(5) == 0) moved.set(random.nextInt(BUCKETS)); // a bucket moved by an insert beside a delete, listed all the same
            for (long k : rows) table.put(k, n);
            TreeSet<Long> listed = null;
            if (!moved.isEmpty()) {
                listed = new TreeSet<>();
                for (long k : table.keySet()) if (moved.get(bucket(k))) listed.add(k);
            }
            layers.add(new Layer(rows, moved, listed));
        }
        return new History(base, layers, table);
    }

    static KeyCursor.Keys keys(Iterable<Long> keys, String name) {
        Iterator<Long> it = keys.iterator();
        int[] line = {0};
        return new KeyCursor.Keys() {
            @Override public String next() {
                if (!it.hasNext()) return null;
                line[0]++;
                return String.valueOf(it.next());
            }

            @Override public String where() { return name + ", line " + line[0]; }

            @Override public void close() {}
        };
    }

    static LayerMerge merge(History h) {
        List<LayerMerge.Layer> layers = new ArrayList<>();
        for (int i = 0; i < h.layers().size(); i++) {
            Layer l = h.layers().get(i);
            layers.add(new LayerMerge.Layer(new KeyCursor(keys(l.rows(), "layer " + (i + 1)), NUMERIC), l.moved(),
                    l.listed() == null ? null : new KeyCursor(keys(l.listed(), "layer " + (i + 1) + " keys"), NUMERIC)));
        }
        return new LayerMerge(layers, NUMERIC, null, null, "base");
    }

    static boolean keeps(LayerMerge merge, long key, boolean anyMoved) {
        String k = String.valueOf(key);
        return !merge.replaced(k) && !(anyMoved && merge.deleted(k, bucket(key)));
    }

    @Property(tries = 400)
    void eachStoredLineIsGivenExactlyWhenItIsTheLatestRowOfAKeyTheTableStillHolds(@ForAll long seed) {
        History h = play(seed);
        boolean anyMoved = h.layers().stream().anyMatch(l -> l.listed() != null);

        // the base, cut into one to three key ranges, each merged with every layer on its own (as parts are restored)
        Random random = new Random(seed);
        int cuts = random.nextInt(3);
        List<Integer> bounds = new ArrayList<>(List.of(0));
        for (int i = 0; i < cuts; i++) bounds.add(h.base().isEmpty() ? 0 : random.nextInt(h.base().size()));
        bounds.add(h.base().size());
        bounds.sort(null);
        Set<Long> given = new HashSet<>();
        for (int r = 0; r + 1 < bounds.size(); r++) {
            LayerMerge merge = merge(h);
            for (long key : h.base().subList(bounds.get(r), bounds.get(r + 1))) {
                if (keeps(merge, key, anyMoved)) assertThat(given.add(key)).as("base key %s given twice", key).isTrue();
                assertThat(given.contains(key)).as("base key %s (its latest row in layer %s)", key, h.latest().get(key))
                        .isEqualTo(Integer.valueOf(0).equals(h.latest().get(key)));
            }
            merge.partEnded(); // reads the rest of every layer, checking its order
        }

        // the layers, newest first, each decided by the later ones read before it
        LaterLayers later = new LaterLayers();
        for (int n = h.layers().size(); n >= 1; n--) {
            Layer l = h.layers().get(n - 1);
            Set<String> rows = new HashSet<>();
            for (long key : l.rows()) {
                String k = String.valueOf(key);
                rows.add(k);
                boolean keep = !later.replaced(k) && !(later.deletes() && later.deleted(k, bucket(key)));
                assertThat(keep).as("layer %s, key %s (its latest row in layer %s)", n, key, h.latest().get(key))
                        .isEqualTo(Integer.valueOf(n).equals(h.latest().get(key)));
                if (keep) assertThat(given.add(key)).as("key %s given twice", key).isTrue();
            }
            Set<String> listed = new HashSet<>();
            if (l.listed() != null) l.listed().forEach(k -> listed.add(String.valueOf(k)));
            later.add(rows, l.listed() == null ? null : new LaterLayers.Deleting(l.moved(), listed));
        }
        assertThat(given).isEqualTo(h.latest().keySet());
    }

    @Test
    void aLayerWhoseKeysAreOutOfOrderIsNamedAsCorrupt() {
        assertThatThrownBy(() -> {
            LayerMerge merge = new LayerMerge(List.of(new LayerMerge.Layer(new KeyCursor(keys(List.of(5L, 9L, 7L, 12L), "layer 1"), NUMERIC),
                    new BitSet(), null)), NUMERIC, null, null, "base");
            merge.replaced("5");
            merge.replaced("10");
        }).isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("layer 1, line 3").hasMessageContaining("key 7 follows key 9");
    }

    @Test
    void theRestOfALayerIsCheckedWhenThePartEnds() {
        List<Long> keys = new ArrayList<>();
        for (long k = 1; k <= 1000; k++) keys.add(k * 10);
        keys.add(5005L); // far past what the base's keys need read
        LayerMerge merge = new LayerMerge(List.of(new LayerMerge.Layer(new KeyCursor(keys(keys, "layer 1"), NUMERIC),
                new BitSet(), null)), NUMERIC, null, null, "base");
        assertThat(merge.replaced("20")).isTrue();
        assertThat(merge.replaced("25")).isFalse();
        assertThatThrownBy(merge::partEnded).hasMessageContaining("layer 1, line 1001").hasMessageContaining("key 5005 follows key 10000");
    }

    @Test
    void aBasePartWhoseKeysAreOutOfOrderIsNamedAsCorrupt() {
        LayerMerge merge = new LayerMerge(List.of(new LayerMerge.Layer(new KeyCursor(keys(List.of(3L), "layer 1"), NUMERIC),
                new BitSet(), null)), NUMERIC, null, null, "snapshot 1234abcd, entity orders, part 1");
        assertThat(merge.replaced("10")).isFalse();
        assertThatThrownBy(() -> merge.replaced("4"))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                .hasMessageContaining("snapshot 1234abcd, entity orders, part 1").hasMessageContaining("key 4 follows key 10");
    }
}
