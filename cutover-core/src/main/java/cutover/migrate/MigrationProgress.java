package cutover.migrate;

import cutover.model.EntityName;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of a running migration, per entity, updated by the pipeline's threads and read at
 * any time by progress bars, the dashboard and metrics. Counts are of source records; a record
 * counts as written when the batch holding it has committed.
 */
public final class MigrationProgress {
    private final Map<EntityName, Counters> byEntity = new ConcurrentHashMap<>();
    private final Map<EntityName, Long> estimates = new ConcurrentHashMap<>();
    private final LongAdder splitsDone = new LongAdder();
    private volatile int splitsTotal;

    /**
     * A point-in-time copy of one entity's counters: this attempt's, and {@code settledBefore}, the
     * records earlier attempts settled in the splits this one resumed or found done.
     */
    public record Snapshot(long read, long written, long deadLettered, long skipped, long estimated, long settledBefore) {
        /** Records this attempt settled (written, dead-lettered or skipped). */
        public long settled() { return written + deadLettered + skipped; }

        /** Records settled by this attempt and the earlier ones it goes on from: what a progress bar shows. */
        public long settledInAll() { return settled() + settledBefore; }
    }

    static final class Counters {
        final LongAdder read = new LongAdder();
        final LongAdder written = new LongAdder();
        final LongAdder deadLettered = new LongAdder();
        final LongAdder skipped = new LongAdder();
        final LongAdder settledBefore = new LongAdder();
    }

    Counters counters(EntityName entity) {
        return byEntity.computeIfAbsent(entity, e -> new Counters());
    }

    void estimate(EntityName entity, long count) {
        if (count >= 0) estimates.put(entity, count);
    }

    void splitsTotal(int n) { splitsTotal = n; }

    void splitDone() { splitsDone.increment(); }

    public int splitsTotal() { return splitsTotal; }

    public long splitsDone() { return splitsDone.sum(); }

    /** Every entity seen or estimated so far, in name order. */
    public Map<EntityName, Snapshot> snapshot() {
        Map<EntityName, Snapshot> out = new TreeMap<>();
        for (EntityName e : estimates.keySet()) out.put(e, snapshotOf(e));
        for (EntityName e : byEntity.keySet()) out.put(e, snapshotOf(e));
        return out;
    }

    private Snapshot snapshotOf(EntityName e) {
        Counters c = byEntity.get(e);
        long est = estimates.getOrDefault(e, -1L);
        if (c == null) return new Snapshot(0, 0, 0, 0, est, 0);
        return new Snapshot(c.read.sum(), c.written.sum(), c.deadLettered.sum(), c.skipped.sum(), est, c.settledBefore.sum());
    }
}
