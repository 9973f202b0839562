package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.connector.Position;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The change layers of one entity, as a reader applies them (docs/backup-format.md, "Change
 * layers"): a line of a part is given only if no later layer replaced its key (a changed row of the
 * same key) or deleted it (its bucket moved, and the layer's keys part does not list it). So every
 * part, base or layer, is read on its own, in any order, and the parts together give each key's
 * latest row once.
 *
 * <p>Holds the keys of every layer in memory, its changed rows' and its listed ones: a backup adds
 * a layer only while they are few against the table (else it reads the table whole again), so they
 * stay a small share of what a restore of the table writes.
 */
final class ChangeLayers {
    private final CopyTextFormat format;
    private final EntitySnapshot entity;
    private final List<Layer> layers;
    /**
     * Each key a layer changed, with the last layer that did (its index): one lookup tells whether a
     * later layer replaced a line, where asking each later layer's set cost a restore of a table
     * with 24 layers a dozen lookups per replaced line (bench/RESULTS.md, ninth session).
     */
    private final Map<String, Integer> newest;
    /** The hash codes of the keys whose last change is in each layer, for the filters' {@link HashBits}. */
    private final int[][] hashesByNewest;
    private final cutover.connector.ChangeTracking.Bucketing buckets;

    private record Layer(int rowsPart, BitSet moved, Set<String> listed) {}

    private ChangeLayers(CopyTextFormat format, EntitySnapshot entity, List<Layer> layers, Map<String, Integer> newest) {
        this.format = format;
        this.entity = entity;
        this.layers = layers;
        this.newest = newest;
        this.hashesByNewest = new int[layers.size()][];
        int[] filled = new int[layers.size()];
        newest.values().forEach(layer -> filled[layer]++);
        for (int i = 0; i < layers.size(); i++) hashesByNewest[i] = new int[filled[i]];
        java.util.Arrays.fill(filled, 0);
        newest.forEach((key, layer) -> hashesByNewest[layer][filled[layer]++] = key.hashCode());
        this.buckets = entity.changes().bucketing();
    }

    /** Reads the keys of every layer of the entity, each part opened by {@code open} (and proven to its end). */
    static ChangeLayers read(Snapshot snapshot, EntitySnapshot entity, IntFunction<SnapshotRecordReader> open) {
        CopyTextFormat format = SnapshotRecordReader.formatOf(snapshot, entity);
        List<Layer> layers = new ArrayList<>();
        Map<String, Integer> newest = new HashMap<>();
        for (ChangeTrack.ChangeLayer l : entity.changes().layers()) {
            Integer index = layers.size();
            eachKey(snapshot, entity, format, l.rowsPart(), false, open, key -> newest.put(key, index)); // in layer order: the last wins
            BitSet moved = new BitSet();
            for (int b : l.movedBuckets()) moved.set(b);
            Set<String> listed = new HashSet<>();
            if (l.keysPart() >= 0) eachKey(snapshot, entity, format, l.keysPart(), true, open, listed::add);
            layers.add(new Layer(l.rowsPart(), moved, listed));
        }
        return new ChangeLayers(format, entity, layers, newest);
    }

    private static void eachKey(Snapshot snapshot, EntitySnapshot entity, CopyTextFormat format, int part, boolean keysOnly,
                                IntFunction<SnapshotRecordReader> open, java.util.function.Consumer<String> into) {
        CopyTextFormat.KeyReader keys = keyReader(snapshot, entity, format, keysOnly);
        try (SnapshotRecordReader reader = open.apply(part)) {
            reader.eachLine((b, offset, length) -> into.accept(keyOf(keys, b, offset, length, snapshot, entity, part)));
        }
    }

    /** Which lines of {@code part} are given, or null when all are (the last layer's, and any part of an entity without layers). */
    SnapshotRecordReader.LineFilter filterFor(int part) {
        int after = layerOf(part); // the layers after the part's own
        if (after >= layers.size()) return null;
        CopyTextFormat.KeyReader keys = keyReader(null, entity, format, false);
        List<Layer> movedLater = layers.subList(after, layers.size()).stream().filter(l -> !l.moved.isEmpty()).toList();
        int laterKeys = 0;
        for (int i = after; i < layers.size(); i++) laterKeys += hashesByNewest[i].length;
        HashBits replaced = new HashBits(laterKeys);
        for (int i = after; i < layers.size(); i++) {
            for (int hash : hashesByNewest[i]) replaced.add(hash);
        }
        return (b, offset, length) -> {
            // most lines were not replaced: their key's hash says so without a string or a set
            if (movedLater.isEmpty() && !replaced.mayHold(keys.keyHash(b, offset, length))) return true;
            String key = keys.key(b, offset, length);
            Integer changedIn = newest.get(key);
            if (changedIn != null && changedIn >= after) return false; // a later layer holds its row
            // deleted: its bucket moved in a later layer, which does not list it
            int bucket = -1;
            for (Layer l : movedLater) {
                if (bucket < 0) bucket = keys.bucket(b, offset, length, buckets);
                if (l.moved.get(bucket) && !l.listed.contains(key)) return false;
            }
            return true;
        };
    }

    /** A set of hashes that may say yes wrongly, never no wrongly: one bit per hash, about eight bits per key. */
    private static final class HashBits {
        private final long[] bits;
        private final int shift;

        HashBits(int keys) {
            int size = Integer.highestOneBit(Math.max(64, keys * 8 - 1)) << 1; // a power of two
            bits = new long[size / 64];
            shift = 32 - Integer.numberOfTrailingZeros(size);
        }

        void add(int hash) {
            int i = spread(hash);
            bits[i >>> 6] |= 1L << i;
        }

        boolean mayHold(int hash) {
            int i = spread(hash);
            return (bits[i >>> 6] & (1L << i)) != 0;
        }

        private int spread(int hash) {
            return (hash * 0x9E3779B9) >>> shift; // the top bits of a multiplicative hash
        }
    }

    /** 0 for a base part, n for a part of the n-th layer. */
    private int layerOf(int part) {
        int n = 0;
        while (n < layers.size() && layers.get(n).rowsPart() <= part) n++;
        return n;
    }

    private static CopyTextFormat.KeyReader keyReader(Snapshot snapshot, EntitySnapshot entity, CopyTextFormat format, boolean keysOnly) {
        return format.keyReader(keysOnly ? SnapshotRecordReader.keyColumnsOf(entity) : entity.copyText().columns(), entity.keyColumns())
                .orElseThrow(() -> new CutoverException(ErrorCode.BACKUP_VERSION, (snapshot == null ? "" : "snapshot " + snapshot.shortId() + ", ")
                        + "entity " + entity.name() + " has change layers over a key the format " + format.name() + " of this Cutover does not read"));
    }

    private static String keyOf(CopyTextFormat.KeyReader keys, byte[] b, int offset, int length, Snapshot snapshot, EntitySnapshot entity, int part) {
        try {
            return keys.key(b, offset, length);
        } catch (IllegalArgumentException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + snapshot.shortId() + ", entity " + entity.name() + ", part "
                    + (part + 1) + ": a line whose key does not read: " + e.getMessage(), e);
        }
    }

    /** Opens a part at its start, for {@link #read}. */
    static IntFunction<SnapshotRecordReader> opener(Snapshot snapshot, EntitySnapshot entity, java.util.function.Supplier<BlobReader> blobs) {
        return part -> new SnapshotRecordReader(snapshot, entity, part, blobs.get(), Position.START);
    }
}
