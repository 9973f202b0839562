package cutover.backup;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Change layers held in memory, as they decide the lines of an earlier part (docs/backup-format.md,
 * "Change layers"): a line is replaced when one of them holds a row of its key, deleted when one of
 * them moved its key's bucket and does not list the key.
 */
final class LaterLayers {
    /** A layer whose buckets moved: a key in one of them that it does not list was deleted. */
    record Deleting(BitSet moved, Set<String> listed) {}

    private final Set<String> replacing = new HashSet<>();  // the keys of their rows
    private final List<Deleting> deleting = new ArrayList<>(); // those whose buckets moved

    /** Adds a layer: the keys of its rows, and its moved buckets with their listed keys (null when none moved). */
    void add(Set<String> rows, Deleting deleted) {
        replacing.addAll(rows);
        if (deleted != null) deleting.add(deleted);
    }

    /** Whether the layers replaced or deleted the line of this key (its bucket read from the line only when a layer moved one). */
    boolean removes(String key, cutover.connector.CopyTextFormat.KeyReader keys, byte[] line, int offset, int length,
                    cutover.connector.ChangeTracking.Bucketing buckets) {
        if (replaced(key)) return true;
        return deletes() && deleted(key, keys.bucket(line, offset, length, buckets));
    }

    /** Whether a layer holds a row of the key. */
    boolean replaced(String key) {
        return replacing.contains(key);
    }

    /** Whether a layer moved a bucket: only then is {@link #deleted} asked (a key's bucket costs a hash for some keys). */
    boolean deletes() {
        return !deleting.isEmpty();
    }

    /** Whether a layer moved the key's bucket and does not list the key. */
    boolean deleted(String key, int bucket) {
        for (Deleting d : deleting) {
            if (d.moved().get(bucket) && !d.listed().contains(key)) return true;
        }
        return false;
    }

    /** The keys of the layers' rows. */
    Set<String> replacing() {
        return Collections.unmodifiableSet(replacing);
    }
}
