package cutover.backup;

import cutover.connector.CopyTextFormat;

/**
 * The change layers of one entity with every layer's keys in memory, read before any of its base
 * parts is restored: how base lines are filtered where the format cannot tell the keys' order (a
 * text key, sorted by a collation), so {@link LayerMerge} cannot read the layers beside the part. A
 * base line is given only if no layer replaced its key or deleted it (docs/backup-format.md,
 * "Change layers"). Read once for all the entity's base parts.
 *
 * <p>A backup adds a layer only while its keys are few against the table (else it reads the table
 * whole again), so they stay a small share of what a restore of the table writes.
 */
final class ChangeLayers {
    private final Snapshot snapshot;
    private final EntitySnapshot entity;
    private final LaterLayers layers;
    private final HashBits changedHashes; // of the keys of the layers' rows

    private ChangeLayers(Snapshot snapshot, EntitySnapshot entity, LaterLayers layers) {
        this.snapshot = snapshot;
        this.entity = entity;
        this.layers = layers;
        this.changedHashes = new HashBits(layers.replacing().size());
        layers.replacing().forEach(key -> changedHashes.add(key.hashCode()));
    }

    /** Reads the keys of every layer of the entity, each part opened by {@code parts} (and proven to its end). */
    static ChangeLayers read(Snapshot snapshot, EntitySnapshot entity, LayerKeys.Parts parts) {
        LaterLayers layers = new LaterLayers();
        for (ChangeTrack.ChangeLayer l : entity.changes().layers()) {
            layers.add(LayerKeys.all(parts.open(l.rowsPart()), LayerKeys.reader(snapshot, entity, false)), l.keysPart() < 0 ? null
                    : new LaterLayers.Deleting(LayerKeys.moved(l), LayerKeys.all(parts.open(l.keysPart()), LayerKeys.reader(snapshot, entity, true))));
        }
        return new ChangeLayers(snapshot, entity, layers);
    }

    /** Which lines of a base part are given; for one reader (its key reader is its own). */
    SnapshotRecordReader.LineFilter baseFilter() {
        CopyTextFormat.KeyReader keys = LayerKeys.reader(snapshot, entity, false);
        cutover.connector.ChangeTracking.Bucketing buckets = entity.changes().bucketing();
        return (b, offset, length) -> {
            // most lines were not replaced: their key's hash says so without a string or a set
            if (!layers.deletes() && !changedHashes.mayHold(keys.keyHash(b, offset, length))) return true;
            return !layers.removes(keys.key(b, offset, length), keys, b, offset, length, buckets);
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
}
