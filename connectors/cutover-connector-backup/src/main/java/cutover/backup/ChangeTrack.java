package cutover.backup;

import java.util.Arrays;
import java.util.List;

/**
 * How a table's changes are told from one snapshot to the next (manifest version 4,
 * docs/backup-format.md "Change layers"): by the source's {@code method}, from the moment marked
 * {@code mark}, when the entity was last read or its changes were; the keys it held then, counted
 * in {@code counts.length} buckets with a digest each; and the layers of changes stored after the
 * entity's base parts, oldest first. {@code storedRecords} counts the lines of every part, base and
 * layers; the entity's {@code records} counts the rows they hold once the layers are applied.
 * {@code table} is the source's identity of the table ({@link cutover.connector.ChangeTracking#tableIdentity}),
 * null where it has none or the manifest predates it.
 */
public record ChangeTrack(String method, String mark, int shift, long[] counts, String[] digests, List<ChangeLayer> layers, long storedRecords,
                          String table) {
    public ChangeTrack {
        layers = layers == null ? List.of() : List.copyOf(layers);
        if (counts.length != digests.length || Integer.bitCount(counts.length) != 1) {
            throw new IllegalArgumentException("key buckets: " + counts.length + " counts and " + digests.length + " digests, not a power of two of each");
        }
    }

    public int buckets() { return counts.length; }

    /** How the keys were counted in buckets: the next backup counts them the same way. */
    public cutover.connector.ChangeTracking.Bucketing bucketing() {
        return new cutover.connector.ChangeTracking.Bucketing(counts.length, shift);
    }

    /** The index of the first part that belongs to a layer: the parts before it are the base. */
    public int firstLayerPart(int parts) {
        return layers.isEmpty() ? parts : layers.get(0).rowsPart();
    }

    /**
     * The buckets that may have lost keys between then (this) and now: not those whose keys are the
     * same, nor those whose keys grew by exactly the keys of their changed rows (then every changed
     * row of the bucket was inserted, and none of its keys was deleted or updated: the counts say so
     * exactly, the digests confirm it).
     */
    int[] movedBuckets(cutover.connector.ChangeTracking.KeyBuckets now) {
        int[] moved = new int[counts.length];
        int n = 0;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] == now.counts()[b] && digests[b].equals(now.digests()[b])) continue;
            boolean onlyInserted = now.counts()[b] - counts[b] == now.changedCounts()[b]
                    && cutover.connector.KeyDigests.differenceIs(now.digests()[b], digests[b], now.changedDigests()[b]);
            if (!onlyInserted) moved[n++] = b;
        }
        return Arrays.copyOf(moved, n);
    }

    /** The same track, now at a later moment whose keys are these (the entity read again, or a layer added). */
    ChangeTrack at(String laterMark, long[] nowCounts, String[] nowDigests, List<ChangeLayer> nowLayers, long nowStored) {
        return new ChangeTrack(method, laterMark, shift, nowCounts, nowDigests, nowLayers, nowStored, table);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeTrack t && method.equals(t.method) && mark.equals(t.mark) && shift == t.shift && Arrays.equals(counts, t.counts)
                && Arrays.equals(digests, t.digests) && layers.equals(t.layers) && storedRecords == t.storedRecords
                && java.util.Objects.equals(table, t.table);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(method, mark, Arrays.hashCode(counts), layers, storedRecords);
    }

    @Override
    public String toString() {
        return "ChangeTrack[" + method + " at " + mark + ", " + counts.length + " buckets, " + layers.size() + " layers]";
    }

    /**
     * One layer: the part {@code rowsPart} holds the rows changed since the layer before (or the
     * base), which replace any earlier row of the same key; where keys were deleted, the part
     * {@code keysPart} holds every key now in the {@code movedBuckets}, and an earlier row of one of
     * those buckets whose key it does not list is gone. {@code keysPart} is -1 when no bucket moved.
     */
    public record ChangeLayer(int rowsPart, int keysPart, int[] movedBuckets) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ChangeLayer l && rowsPart == l.rowsPart && keysPart == l.keysPart && Arrays.equals(movedBuckets, l.movedBuckets);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * rowsPart + keysPart) + Arrays.hashCode(movedBuckets);
        }

        @Override
        public String toString() {
            return "ChangeLayer[rows part " + rowsPart + ", keys part " + keysPart + ", " + movedBuckets.length + " buckets moved]";
        }
    }
}
