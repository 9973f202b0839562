package cutover.backup;

import cutover.connector.ChangeTracking.KeyBuckets;

import java.util.Optional;

/**
 * A change layer proven against the key buckets its source counted at the backup's moment, before
 * it is stored (docs/backup-format.md, "Change layers"). Its rows must hold, bucket by bucket, every
 * row the source counted as changed: more are allowed (a scan by transaction id gives a few rows too
 * many, never one too few), and a bucket holding exactly as many holds the same keys (their digest).
 * The keys it lists for a bucket whose keys moved must be that bucket's keys, their count and digest.
 * A layer that fails would restore a table that is not the source's: it is not stored.
 */
final class LayerCheck {
    private LayerCheck() {}

    /** Why the layer's rows, their keys counted in {@code stored}, are not the changes {@code now} counts; empty when they are. */
    static Optional<String> rows(KeyBuckets stored, KeyBuckets now) {
        requireSameBuckets(stored, now);
        for (int b = 0; b < stored.counts().length; b++) {
            long held = stored.counts()[b], changed = now.changedCounts()[b];
            if (held < changed) {
                return Optional.of("key bucket " + b + " holds " + held + " changed rows where the source counted " + changed);
            }
            if (held == changed && !stored.digests()[b].equals(now.changedDigests()[b])) {
                return Optional.of("key bucket " + b + " holds " + held + " changed rows, as many as the source counted, but not their keys"
                        + " (digest " + stored.digests()[b] + " where the source's is " + now.changedDigests()[b] + ")");
            }
        }
        return Optional.empty();
    }

    /** Why the keys listed for the buckets {@code moved}, counted in {@code listed}, are not the keys {@code now} counts there; empty when they are. */
    static Optional<String> keys(KeyBuckets listed, KeyBuckets now, int[] moved) {
        requireSameBuckets(listed, now);
        boolean[] isMoved = new boolean[listed.counts().length];
        for (int b : moved) isMoved[b] = true;
        for (int b = 0; b < isMoved.length; b++) {
            long held = listed.counts()[b], keys = isMoved[b] ? now.counts()[b] : 0;
            if (held != keys) return Optional.of("key bucket " + b + " lists " + held + " keys where the source counted " + keys);
            if (isMoved[b] && !listed.digests()[b].equals(now.digests()[b])) {
                return Optional.of("key bucket " + b + " lists " + held + " keys, as many as the source counted, but not the same"
                        + " (digest " + listed.digests()[b] + " where the source's is " + now.digests()[b] + ")");
            }
        }
        return Optional.empty();
    }

    // compared by their fields: a record's equals is linked at its first call, which spun seven classes in a first incremental
    private static void requireSameBuckets(KeyBuckets counted, KeyBuckets now) {
        if (counted.bucketing().buckets() != now.bucketing().buckets() || counted.bucketing().shift() != now.bucketing().shift()) {
            throw new IllegalStateException("keys counted in " + counted.bucketing() + ", checked against " + now.bucketing());
        }
    }
}
