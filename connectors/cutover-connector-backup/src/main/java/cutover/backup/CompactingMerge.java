package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyTextFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * A base and its change layers merged into the lines of one new base, in the order of their keys
 * (docs/backup-format.md, "Compaction"): of each key, the row of the newest layer that holds it (or
 * the base's line), unless a later layer moved the key's bucket and does not list the key. The
 * rules are those a restore applies ({@link LayerMerge}, {@link LayersNewestFirst}); here they give
 * one stream in key order instead of the base's lines and the layers' rows apart.
 *
 * <p>The base's lines are handed in part by part, in order; the lines go out to the new part of the
 * same index, and a layer's row that falls between two base parts goes to the earlier one. Holds a
 * line of each layer and a few listed keys, not the layers.
 */
final class CompactingMerge {
    /** A layer as the merge reads it: its rows, its moved buckets, and their listed keys (null when none moved). */
    record Layer(LineCursor rows, BitSet moved, KeyCursor listed) {}

    private final List<Layer> layers;
    private final Comparator<String> order;
    private final CopyTextFormat.KeyReader keys;
    private final ChangeTracking.Bucketing buckets;
    private final List<? extends OutputStream> outs;
    private final boolean[] deletesAfter; // [n]: whether a layer after layer n (0: the base) moved a bucket
    private final LineCursor[] heads;     // the layers' rows not at their end, a heap by key, lowest first
    private int live;
    private int part;                     // the new part the lines go to
    private int starting = -1;            // the base part whose first line has not come yet, or -1
    private String previous;              // the last base key, which the next must follow
    private String where;                 // the base part being read, for messages
    private long written;

    /**
     * A merge of the base parts from {@code firstPart} on, whose layers' rows before {@code from} (the
     * first key of that part; null: none) are another merge's: base parts merged by several threads,
     * each a run of them, the rows between two runs with the earlier ({@link #finish(String)}).
     */
    CompactingMerge(List<Layer> layers, Comparator<String> order, CopyTextFormat.KeyReader keys, ChangeTracking.Bucketing buckets,
                    List<? extends OutputStream> outs, int firstPart, String from) {
        this.part = firstPart;
        if (from != null) {
            for (Layer l : layers) {
                while (l.rows().key() != null && order.compare(l.rows().key(), from) < 0) l.rows().advance();
            }
        }
        this.layers = List.copyOf(layers);
        this.order = order;
        this.keys = keys;
        this.buckets = buckets;
        this.outs = List.copyOf(outs);
        this.deletesAfter = new boolean[layers.size() + 1];
        for (int n = layers.size() - 1; n >= 0; n--) deletesAfter[n] = deletesAfter[n + 1] || layers.get(n).listed() != null;
        this.heads = new LineCursor[layers.size()];
        for (Layer l : layers) {
            if (l.rows().key() != null) add(l.rows());
        }
    }

    /** The base part whose lines come next (parts in order, from 0), named {@code where} in messages. */
    void basePart(int index, String where) {
        if (index < part) throw new IllegalArgumentException("base part " + index + " after part " + part);
        this.where = where;
        // the layers' rows before this part's first line stay with the part before: known once that line comes
        if (index > part) starting = index;
    }

    /** A line of the current base part; {@code lineNumber} (from 1) names it in messages. */
    void baseLine(byte[] b, int offset, int length, long lineNumber) {
        String key;
        try {
            key = keys.key(b, offset, length);
        } catch (IllegalArgumentException e) {
            throw new cutover.error.CutoverException(cutover.error.ErrorCode.BACKUP_CORRUPT, where + ", line " + lineNumber
                    + ": a line whose key does not read: " + e.getMessage(), e);
        }
        if (previous != null && order.compare(previous, key) >= 0) throw KeyCursor.outOfOrder(where + ", line " + lineNumber, previous, key);
        previous = key;
        while (live > 0 && order.compare(heads[0].key(), key) < 0) newestOfLowestKey();
        if (starting >= 0) { // the line starts its part: the layers' rows before it went to the part before
            part = starting;
            starting = -1;
        }
        if (live > 0 && order.compare(heads[0].key(), key) == 0) {
            newestOfLowestKey(); // the base's line replaced
        } else if (!(deletesAfter[0] && deleted(key, 0, keys.bucket(b, offset, length, buckets)))) {
            write(b, offset, length);
        }
    }

    /** Takes the rows of the lowest key among the layers, and writes the newest of them unless a later layer deleted it. */
    private void newestOfLowestKey() {
        String key = heads[0].key();
        LineCursor newest = heads[0];
        List<LineCursor> same = new ArrayList<>(2);
        same.add(pop());
        while (live > 0 && order.compare(heads[0].key(), key) == 0) {
            LineCursor next = pop();
            same.add(next);
            if (next.layer() > newest.layer()) newest = next;
        }
        if (!(deletesAfter[newest.layer()] && deleted(key, newest.layer(), keys.bucket(newest.line(), 0, newest.length(), buckets)))) {
            write(newest.line(), 0, newest.length());
        }
        for (LineCursor c : same) {
            c.advance();
            if (c.key() != null) add(c);
        }
    }

    /** Whether a layer after layer {@code newest} moved the key's bucket and does not list the key; the keys asked come in order. */
    private boolean deleted(String key, int newest, int bucket) {
        for (int n = newest; n < layers.size(); n++) { // layers.get(n) is layer n + 1
            Layer l = layers.get(n);
            if (l.listed() != null && l.moved().get(bucket) && !l.listed().passes(key)) return true;
        }
        return false;
    }

    private void write(byte[] b, int offset, int length) {
        try {
            OutputStream out = outs.get(part);
            out.write(b, offset, length);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written++;
    }

    /**
     * Writes the layers' rows before {@code upTo} (the first key of the next merge's parts) into the
     * current part; with null, every row left into the last part, and reads the rest of every layer
     * (checking its order, and proving its parts).
     */
    void finish(String upTo) {
        if (upTo != null) {
            while (live > 0 && order.compare(heads[0].key(), upTo) < 0) newestOfLowestKey();
            return;
        }
        part = outs.size() - 1;
        while (live > 0) newestOfLowestKey();
        for (Layer l : layers) {
            l.rows().drain();
            if (l.listed() != null) l.listed().drain();
        }
    }

    /** The lines written so far. */
    long written() { return written; }

    private void add(LineCursor cursor) {
        int at = live++;
        heads[at] = cursor;
        while (at > 0 && order.compare(heads[(at - 1) / 2].key(), heads[at].key()) > 0) {
            swap(at, (at - 1) / 2);
            at = (at - 1) / 2;
        }
    }

    private LineCursor pop() {
        LineCursor lowest = heads[0];
        heads[0] = heads[--live];
        heads[live] = null;
        int at = 0;
        while (true) {
            int low = at, left = 2 * at + 1, right = left + 1;
            if (left < live && order.compare(heads[left].key(), heads[low].key()) < 0) low = left;
            if (right < live && order.compare(heads[right].key(), heads[low].key()) < 0) low = right;
            if (low == at) return lowest;
            swap(at, low);
            at = low;
        }
    }

    private void swap(int a, int b) {
        LineCursor t = heads[a];
        heads[a] = heads[b];
        heads[b] = t;
    }
}
