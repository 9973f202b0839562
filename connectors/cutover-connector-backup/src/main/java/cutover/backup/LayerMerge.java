package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyTextFormat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Which lines of a base part the change layers leave, decided by reading every layer beside the
 * part: the part's lines and each layer's are in the order of their keys, so each layer is a cursor
 * that moves forward with the part's lines. A line is left out when a layer's rows hold its key
 * (replaced), or its bucket moved in a layer whose listed keys do not (deleted). The part's copy
 * starts at once, with no pass over the layers first, and holds a few keys of each layer (and a
 * pack open and a chunk each), not all of them: where the format cannot tell the keys' order,
 * {@link ChangeLayers} reads them all first instead.
 *
 * <p>The merge relies on the order, so it checks it: a base line or a layer's key out of order is a
 * corrupt part. When the base part ends, the rest of every layer is read and checked too (and each
 * layer's part proven to its end), before the part is taken as read: the sink has committed nothing.
 */
final class LayerMerge implements SnapshotRecordReader.LineFilter {
    /** A layer as the merge reads it: its rows' keys, its moved buckets, and their listed keys (null when none moved). */
    record Layer(KeyCursor rows, BitSet moved, KeyCursor listed) {}

    private final List<Layer> layers;
    private final List<Layer> moving;
    private final Comparator<String> order;
    private final CopyTextFormat.KeyReader keys;
    private final ChangeTracking.Bucketing buckets;
    private final String where;
    private final KeyCursor[] heads; // the layers' rows cursors not at their end, a heap by their keys: the lowest first
    private int live;
    private String previous;          // the part's last key, which the next must follow

    LayerMerge(List<Layer> layers, Comparator<String> order, CopyTextFormat.KeyReader keys, ChangeTracking.Bucketing buckets, String where) {
        this.layers = List.copyOf(layers);
        this.moving = layers.stream().filter(l -> !l.moved().isEmpty()).toList();
        this.order = order;
        this.keys = keys;
        this.buckets = buckets;
        this.where = where;
        this.heads = new KeyCursor[layers.size()];
        for (Layer l : layers) {
            if (l.rows.head() != null) add(l.rows);
        }
    }

    /**
     * The merge of the entity's layers for its base part {@code part}, whose lines' keys {@code rowKeys}
     * reads and compares ({@link CopyTextFormat.KeyReader#order}, which must not be null).
     */
    static LayerMerge open(Snapshot snapshot, EntitySnapshot entity, int part, LayerKeys.Parts parts, CopyTextFormat.KeyReader rowKeys) {
        Comparator<String> order = rowKeys.order();
        List<Layer> layers = new ArrayList<>();
        List<KeyCursor> opened = new ArrayList<>();
        try {
            for (ChangeTrack.ChangeLayer l : entity.changes().layers()) {
                KeyCursor rows = cursor(parts.open(l.rowsPart()), LayerKeys.reader(snapshot, entity, false), order, opened);
                KeyCursor listed = l.keysPart() < 0 ? null : cursor(parts.open(l.keysPart()), LayerKeys.reader(snapshot, entity, true), order, opened);
                layers.add(new Layer(rows, LayerKeys.moved(l), listed));
            }
            return new LayerMerge(layers, order, rowKeys, entity.changes().bucketing(), SnapshotRecordReader.where(snapshot, entity, part));
        } catch (RuntimeException e) {
            opened.forEach(KeyCursor::close);
            throw e;
        }
    }

    private static KeyCursor cursor(SnapshotRecordReader part, CopyTextFormat.KeyReader keys, Comparator<String> order, List<KeyCursor> opened) {
        try {
            KeyCursor cursor = new KeyCursor(KeyCursor.of(part, keys), order);
            opened.add(cursor);
            return cursor;
        } catch (RuntimeException e) {
            part.close();
            throw e;
        }
    }

    @Override
    public boolean keeps(byte[] line, int offset, int length) {
        String key = keys.key(line, offset, length);
        if (replaced(key)) return false;
        return moving.isEmpty() || !deleted(key, keys.bucket(line, offset, length, buckets));
    }

    /** Whether a layer holds a row of the key; the keys asked must come in order. */
    boolean replaced(String key) {
        if (previous != null && order.compare(previous, key) >= 0) throw KeyCursor.outOfOrder(where, previous, key);
        previous = key;
        boolean replaced = false;
        while (live > 0 && order.compare(heads[0].head(), key) <= 0) { // most lines: the lowest layer key is after theirs
            KeyCursor lowest = heads[0];
            replaced |= lowest.passes(key);
            if (lowest.head() == null) { // at its end: the last in the heap takes its place
                heads[0] = heads[--live];
                heads[live] = null;
            }
            siftDown();
        }
        return replaced;
    }

    /** Whether a layer in which the key's bucket moved does not list it (after {@link #replaced}, which checks the order). */
    boolean deleted(String key, int bucket) {
        for (Layer l : moving) {
            if (l.moved.get(bucket) && !l.listed.passes(key)) return true;
        }
        return false;
    }

    private void add(KeyCursor cursor) {
        int at = live++;
        heads[at] = cursor;
        while (at > 0 && order.compare(heads[(at - 1) / 2].head(), heads[at].head()) > 0) {
            swap(at, (at - 1) / 2);
            at = (at - 1) / 2;
        }
    }

    private void siftDown() {
        int at = 0;
        while (true) {
            int lowest = at, left = 2 * at + 1, right = left + 1;
            if (left < live && order.compare(heads[left].head(), heads[lowest].head()) < 0) lowest = left;
            if (right < live && order.compare(heads[right].head(), heads[lowest].head()) < 0) lowest = right;
            if (lowest == at) return;
            swap(at, lowest);
            at = lowest;
        }
    }

    private void swap(int a, int b) {
        KeyCursor t = heads[a];
        heads[a] = heads[b];
        heads[b] = t;
    }

    @Override
    public void partEnded() {
        for (Layer l : layers) {
            l.rows.drain();
            if (l.listed != null) l.listed.drain();
        }
    }

    @Override
    public void close() {
        RuntimeException failed = null;
        for (Layer l : layers) {
            for (KeyCursor c : l.listed == null ? List.of(l.rows) : List.of(l.rows, l.listed)) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    if (failed == null) failed = e;
                }
            }
        }
        if (failed != null) throw failed;
    }
}
