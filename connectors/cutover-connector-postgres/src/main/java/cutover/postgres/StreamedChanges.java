package cutover.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link SlotStream} has told of the changes since the moment of the last backup stored
 * ({@link #from()}), per table, and how a backup's moment cuts them: by commit position, which
 * pgoutput sends at a transaction's begin. Transactions that commit before a backup's moment are
 * that backup's ({@link #changesUpTo}), the later ones the next backup's; those that arrive while
 * the moment is being taken ({@link #barrier} to {@link #cut}), whose side is not known until it
 * is, are kept one by one meanwhile. Fed by the stream's thread ({@link #take}, {@link #passed}),
 * read by a backup's; thread-safe.
 */
final class StreamedChanges {
    /**
     * Transaction ids kept per side of a cut, at most (4 MiB): a busy database's hours between runs
     * can commit millions. Past it the stream does not place an exported moment (it could not tell
     * whether the snapshot sees them all) and the run takes a temporary slot's.
     */
    static final int MAX_XIDS = 1 << 20;
    private final String schema;
    private volatile Map<String, List<String>> keys;
    private final Map<Integer, PgOutput.Relation> relations = new HashMap<>();

    // guarded by this
    private long from;
    private Changes before = new Changes(-1), later = new Changes(-1);
    private List<Changes> window;          // between a barrier and its cut
    private Changes current;               // the transaction being told, or null (skipped, or between transactions)
    private long cut = Long.MAX_VALUE;
    private long passed;                   // every transaction that commits before this position has been told
    private long told;                     // keys told since from
    private long confirmAt;                // the last stored moment: the slot may move there
    private boolean failed;

    /**
     * Changes of some transactions, per table, and the transactions' ids; {@code finalLsn}: the
     * commit position of a window's one transaction.
     */
    private final class Changes {
        final long finalLsn;
        final Map<String, LoggedKeys> tables = new HashMap<>();
        final Map<Integer, LoggedKeys.Reader> readers = new HashMap<>();
        private int[] xids = new int[4];
        private int xidCount;
        private boolean xidsDropped; // past MAX_XIDS

        Changes(long finalLsn) {
            this.finalLsn = finalLsn;
        }

        void told(int xid) {
            if (xidCount == MAX_XIDS) {
                xidsDropped = true;
                return;
            }
            if (xidCount == xids.length) xids = java.util.Arrays.copyOf(xids, Math.min(MAX_XIDS, 2 * xids.length));
            xids[xidCount++] = xid;
        }

        /** Whether the snapshot sees every transaction of these changes (false when their ids were not all kept). */
        boolean allSeenBy(SnapshotXids snapshot) {
            if (xidsDropped) return false;
            for (int i = 0; i < xidCount; i++) if (!snapshot.sees(xids[i])) return false;
            return true;
        }

        LoggedKeys.Reader reader(int oid) {
            return readers.computeIfAbsent(oid, o -> {
                PgOutput.Relation r = relations.get(o);
                if (r == null) throw new IllegalStateException("a change of relation " + o + " before its description");
                return LoggedKeys.readerInto(tables, r, schema, keys);
            });
        }

        /** Adds {@code later}'s changes, which came after these. */
        void addLater(Changes later) {
            later.tables.forEach((table, changes) -> tables.computeIfAbsent(table, t -> new LoggedKeys()).addLater(changes));
            readers.clear(); // a reader may have been made before its table's changes came from elsewhere
            for (int i = 0; i < later.xidCount; i++) told(later.xids[i]);
            if (later.xidsDropped) xidsDropped = true;
        }

        long keys() {
            return tables.values().stream().mapToLong(LoggedKeys::size).sum();
        }
    }

    /** From the moment at {@code from}, in the tables of {@code schema} whose primary keys {@code keys} gives. */
    StreamedChanges(String schema, long from, Map<String, List<String>> keys) {
        this.schema = schema;
        this.from = from;
        this.passed = from;
        this.keys = keys;
    }

    /** The tables' primary keys, as the source read them last. */
    void keys(Map<String, List<String>> keys) {
        this.keys = keys;
    }

    synchronized long from() { return from; }

    synchronized boolean failed() { return failed; }

    /** The stream cannot tell the changes any more (its session ended): no backup gets any from here. */
    synchronized void fail() {
        failed = true;
        notifyAll();
    }

    /**
     * Tells one message of the stream; returns the position the slot may be confirmed at once it is
     * told (a commit's end, or the last stored moment if later), else -1. Fails (and throws) when
     * more keys changed than are kept.
     */
    synchronized long take(PgOutput.Message m) {
        try {
            if (m instanceof PgOutput.Begin b) {
                current = b.finalLsn() < from ? null : window != null ? inWindow(new Changes(b.finalLsn())) : b.finalLsn() >= cut ? later : before;
                if (current != null) current.told(b.xid());
            } else if (m instanceof PgOutput.Commit c) {
                current = null;
                passed(c.commitLsn());
                return Math.max(c.endLsn(), confirmAt);
            } else if (m instanceof PgOutput.Relation r) {
                relations.put(r.oid(), r);
                before.readers.remove(r.oid());
                later.readers.remove(r.oid());
                if (window != null) window.forEach(t -> t.readers.remove(r.oid()));
            } else if (current != null) {
                told += LoggedKeys.Reader.apply(m, current::reader);
                if (told > ChangeLog.MAX_KEYS) throw new IllegalStateException("more keys changed than are kept");
            }
            return -1;
        } catch (RuntimeException e) {
            fail();
            throw e;
        }
    }

    /** The stream is past {@code lsn} (a keepalive, or a commit): every transaction that commits before it was told. */
    synchronized void passed(long lsn) {
        if (lsn <= passed) return;
        passed = lsn;
        notifyAll();
    }

    /** The last stored moment, where the slot may be confirmed; 0 before one. */
    synchronized long confirmAt() { return confirmAt; }

    /** A moment is about to be taken: transactions arriving from now on are kept apart until {@link #cut} places them. */
    synchronized void barrier() {
        before.addLater(later); // what came after the last cut (a backup not stored) came before this moment
        later = new Changes(-1);
        if (current != null) current = before; // a transaction being told was routed by the last cut: it is before this moment
        cut = Long.MAX_VALUE;
        window = new ArrayList<>();
    }

    /** The moment is at {@code lsn} (-1: none in the log): the transactions kept apart go to its side of it. */
    synchronized void cut(long lsn) {
        cut = lsn < 0 ? Long.MAX_VALUE : lsn;
        if (window == null) return;
        for (Changes t : window) (t.finalLsn >= cut ? later : before).addLater(t);
        if (current != null && window.contains(current)) current = current.finalLsn >= cut ? later : before;
        window = null;
    }

    /**
     * Where to cut for a moment that is an exported snapshot, taken after the {@link #barrier}, of
     * which {@code insertedUpTo} is the WAL's insert position read after it (every transaction the
     * snapshot sees has its commit record before it; every transaction whose commit record is after
     * it began its commit after the snapshot, which does not see it). Once the stream is past that
     * position: the commit position {@code C} such that the snapshot sees every transaction told
     * that commits before {@code C} and none that commits at or after it, which makes the snapshot's
     * moment a place in the log as a temporary slot's is. Empty when there is none (a transaction
     * the snapshot does not see committed before one it sees: it became visible later than its
     * commit record was written, as happens in the instant between the two), when the stream
     * failed, was cut elsewhere, or did not get there within {@code waitMillis}.
     */
    synchronized java.util.OptionalLong cutFor(SnapshotXids snapshot, long insertedUpTo, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!failed && window != null && passed < insertedUpTo) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) return java.util.OptionalLong.empty();
            wait(left);
        }
        if (failed || window == null || !before.allSeenBy(snapshot)) return java.util.OptionalLong.empty();
        long c = insertedUpTo, lastSeen = -1;
        for (Changes t : window) {
            if (t.allSeenBy(snapshot)) lastSeen = Math.max(lastSeen, t.finalLsn);
            else c = Math.min(c, t.finalLsn);
        }
        return lastSeen < c ? java.util.OptionalLong.of(c) : java.util.OptionalLong.empty();
    }

    /** Every transaction that commits before this position has been told. */
    synchronized long passed() { return passed; }

    /**
     * The changes of the transactions that commit from {@link #from()} up to the cut at {@code to},
     * once every one of them was told; empty when the stream failed, was cut elsewhere, or did not
     * get there within {@code waitMillis}.
     */
    synchronized Optional<Map<String, LoggedKeys>> changesUpTo(long to, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (!failed && cut == to && passed < to) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) return Optional.empty();
            wait(left);
        }
        if (failed || cut != to) return Optional.empty();
        return Optional.of(Map.copyOf(before.tables));
    }

    /** The backup cut at {@code to} was stored: the changes after it are the next one's, and the slot may be confirmed there. */
    synchronized boolean advance(long to) {
        if (failed || cut != to || window != null) return false;
        from = to;
        before = later;
        later = new Changes(-1);
        if (current != null) current = before;
        cut = Long.MAX_VALUE;
        told = before.keys();
        confirmAt = Math.max(confirmAt, to);
        return true;
    }

    private Changes inWindow(Changes transaction) {
        window.add(transaction);
        return transaction;
    }
}
