package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyTextFormat;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rows of an entity's change layers, restored as one split: the last layer first, all its lines
 * given, then each earlier layer's lines that no later layer replaced or deleted (docs/backup-format.md,
 * "Change layers"). Each layer's rows and listed keys are read once, and the keys of the layers read
 * so far are held in memory (a backup keeps a layer a small share of its table). As one split the
 * layers cost one transaction and one reading, where a split per layer cost a transaction each and
 * a pass over every later layer's keys before the first could start (bench/RESULTS.md, tenth session).
 * Resumes by ordinal, the lines given so far in this order. With a key pattern, only the lines whose
 * key matches are given ({@link KeyGate}), after the layers' own rule has seen every line.
 */
final class LayersNewestFirst implements RecordReader {
    private final Snapshot snapshot;
    private final EntitySnapshot entity;
    private final LayerKeys.Parts parts;
    private final List<ChangeTrack.ChangeLayer> layers;
    private final ChangeTracking.Bucketing buckets;
    private final CopyTextFormat.KeyReader rowKeys, listedKeys; // of the layers' rows and keys parts: one thread reads them all
    private final LaterLayers later = new LaterLayers(); // the layers read so far, later than the one being read
    private final KeyGate gate;              // the lines whose key matches the pattern, or null for all
    private int next;                        // the layer to read after the current one, counting down
    private SnapshotRecordReader current;
    private Set<String> currentKeys;
    private long ordinal;

    LayersNewestFirst(Snapshot snapshot, EntitySnapshot entity, LayerKeys.Parts parts, Position from, KeyGlob glob) {
        this.snapshot = snapshot;
        this.entity = entity;
        this.parts = parts;
        this.layers = entity.changes().layers();
        this.buckets = entity.changes().bucketing();
        this.rowKeys = LayerKeys.reader(snapshot, entity, false);
        this.listedKeys = LayerKeys.reader(snapshot, entity, true);
        this.gate = KeyGate.of(snapshot, entity, glob);
        this.next = layers.size() - 1;
        while (ordinal < from.ordinal() && next() != null) {
            // skipping what the resumed reader had given
        }
        if (ordinal < from.ordinal()) {
            close();
            throw new CutoverException(ErrorCode.SOURCE_CHANGED, "snapshot " + snapshot.shortId() + ", entity " + entity.name() + ": its change layers give "
                    + ordinal + " rows, fewer than the " + from.ordinal() + " a checkpoint says were read");
        }
    }

    /** Writes the lines given, as they are stored, layer by layer; returns how many. Each part is proven at its end. */
    long copyTo(OutputStream out) {
        long lines = 0;
        while (openNext()) {
            lines += current.copyTo(out);
            finishCurrent();
        }
        return lines;
    }

    @Override
    public Item next() {
        while (current != null || openNext()) {
            Item item = current.next();
            if (item != null) {
                ordinal++;
                return item;
            }
            finishCurrent();
        }
        return null;
    }

    private boolean openNext() {
        if (next < 0) return false;
        Set<String> seen = new HashSet<>();
        current = parts.open(layers.get(next).rowsPart(), (b, offset, length) -> {
            String key = rowKeys.key(b, offset, length);
            seen.add(key);
            return !later.removes(key, rowKeys, b, offset, length, buckets) && (gate == null || gate.keeps(b, offset, length));
        });
        currentKeys = seen;
        return true;
    }

    /** The current layer read: its keys replace, and its moved buckets delete, in every earlier layer. */
    private void finishCurrent() {
        ChangeTrack.ChangeLayer layer = layers.get(next--);
        current.close();
        current = null;
        later.add(currentKeys, layer.keysPart() < 0 ? null
                : new LaterLayers.Deleting(LayerKeys.moved(layer), LayerKeys.all(parts.open(layer.keysPart()), listedKeys)));
        currentKeys = null;
    }

    @Override
    public Position position() { return new Position(ordinal, ""); }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
