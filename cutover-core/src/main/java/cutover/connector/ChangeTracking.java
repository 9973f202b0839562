package cutover.connector;

import cutover.model.EntityName;

import java.io.OutputStream;
import java.util.Optional;

/**
 * A source that can tell which rows of a table may have changed since an earlier moment it was
 * held at, and which keys the table holds, without reading the rows: so a backup after a small
 * change stores only the rows that changed, and the keys where some were deleted
 * (docs/backup-format.md, "Change layers"). Every method answers for the moment the source is held
 * at ({@link Source#holdAtThisMoment()}) and is called only while it is held.
 *
 * <p>Keys are counted in buckets: a power of two of them, a key's bucket given by the bulk text
 * format's {@link CopyTextFormat.KeyReader#bucket}, so a reader of the stored lines finds the same
 * bucket the source counted it in.
 */
public interface ChangeTracking extends CopyTextSource {
    /** The method's name and version ({@code postgresql/xmin/1}): a mark of one method means nothing to another. */
    String changeMethod();

    /** The held moment as this method tells it from later ones, or empty when it cannot (every backup then reads all). */
    Optional<String> markOfThisMoment();

    /** Whether the changes since {@code mark}, of an earlier moment, can be told now (the same database, not too long ago). */
    boolean tracksSince(String mark);

    /** Whether the entity's changes can be told ({@link #keyBuckets} gives its keys), without reading it. */
    boolean tracks(EntityName entity);

    /**
     * The entity's keys at the held moment, counted in the buckets of {@code bucketing} (chosen by
     * the source for the table when null), and how many of its rows may have changed since
     * {@code since} (none asked when null). Empty when the entity's key has a type the format does
     * not bucket: that table is then read whole every time.
     */
    Optional<KeyBuckets> keyBuckets(EntityName entity, Bucketing bucketing, String since);

    /** A table's keys asked of {@link #keyBucketsOfMany}: as {@link #keyBuckets}{@code (entity, bucketing, since)}. */
    record BucketsAsked(EntityName entity, Bucketing bucketing, String since) {}

    /**
     * {@link #keyBuckets} of many tables at once, of those the source counts more cheaply together
     * (a database: small tables' counts in one statement, where one each cost a transaction of a
     * few round trips: most of a thousand tables' backup that found nothing changed). Only the
     * tables it counted are in the answer; the others are asked one by one. By default none.
     */
    default java.util.Map<EntityName, KeyBuckets> keyBucketsOfMany(java.util.List<BucketsAsked> asked) {
        return java.util.Map.of();
    }

    /**
     * The entity's keys at the held moment as {@link #keyBuckets}{@code (entity, then.bucketing(), since)}
     * counts them, told instead from the keys at the moment {@code since} ({@code then}, as an
     * earlier backup stored them) and a log of the keys changed since (a database's write-ahead
     * log), without a scan of the table; empty when this source keeps no such log for the entity,
     * or it cannot tell every change: {@link #keyBuckets} is asked then.
     */
    default Optional<KeyBuckets> keyBucketsAfter(EntityName entity, KeyBuckets then, String since) {
        return Optional.empty();
    }

    /**
     * What tells the entity's table from another of the same name (a database's id of the table):
     * a table dropped and made again, or another renamed into its name, has changes that cannot be
     * told from the earlier one's, even where its keys are the same. Empty where the source has none.
     */
    default Optional<String> tableIdentity(EntityName entity) {
        return Optional.empty();
    }

    /**
     * For a process that stays up between backups ({@code backup --every}): lets the source read
     * ahead what it logs of the changes, so that the next backup has less to read. Called from a
     * thread of its own, now and then; does nothing where the source keeps no log.
     */
    default void keepUp() {}

    /**
     * For a process that stays up between backups: a backup begins (before it locks its repository).
     * What the source does between backups to make the next one quicker (rehearsing it while the
     * compiler catches up) stops here, rather than compete with it for the processors.
     */
    default void backupBegins() {}

    /**
     * Tells the source, before its first backup, that this process stays up between backups ({@code
     * backup --every}): what a backup opens for its moment may be kept for the next one's.
     */
    default void staysUp() {}

    /**
     * Tells the source that a backup holding the moment {@code mark} is stored: what it keeps to
     * tell the changes since earlier moments (a replication slot's log) may go.
     */
    default void storedUpTo(String mark) {}

    /**
     * Counts the entity's keys as {@link #keyBuckets}{@code (entity, null, null)} does, from its lines
     * as {@link #copyOut} writes them while a backup reads them, instead of in a scan of its own;
     * empty when this source cannot (the keys are then counted by {@link #keyBuckets}). Present
     * only for an entity it {@link #tracks}.
     */
    default Optional<KeyCounting> keyCounting(EntityName entity) {
        return Optional.empty();
    }

    /**
     * Counts keys as {@link #keyCounting} does, into the buckets of {@code bucketing}, from the lines
     * of a change layer: the rows {@link #copyChangedSince} writes, or, {@code keyLines}, the keys
     * {@link #copyKeysIn} writes. A backup checks each layer with it against the buckets this source
     * counted at its moment; empty where this source cannot count them (the layer is then not checked).
     */
    default Optional<KeyCounting> layerKeyCounting(EntityName entity, Bucketing bucketing, boolean keyLines) {
        return Optional.empty();
    }

    /** Keys counted from an entity's lines by readers of its splits, each with a {@link #counter()} of its own. */
    interface KeyCounting {
        /**
         * A counter of the calling thread's lines (each without its {@code \n}), used by that thread
         * only; a thread that asks again (for its next split) may be given the same one.
         */
        LineCounter counter();

        /** The keys of every line given to the counters, once their readers are done. */
        KeyBuckets result();
    }

    interface LineCounter {
        void line(byte[] line, int offset, int length);
    }

    /**
     * The rows that may have changed since {@code mark}: every row inserted or updated since, and
     * possibly a few more, never one less; in key order, as {@link #copyOut} writes them. Returns how many.
     */
    long copyChangedSince(EntityName entity, String mark, OutputStream out);

    /** The keys in the buckets {@code which}, the key columns only, in key order, one line each; returns how many. */
    long copyKeysIn(EntityName entity, Bucketing bucketing, int[] which, OutputStream out);

    /**
     * How keys fall into buckets: {@code buckets} of them (a power of two); a key of one integer
     * column goes to bucket {@code (key >> shift) mod buckets}, so that runs of {@code 2^shift}
     * neighbouring keys share a bucket (rows deleted together, as old ones are, move few buckets);
     * any other key to a bucket by a hash of its text ({@link CopyTextFormat.KeyReader#bucket}).
     */
    record Bucketing(int buckets, int shift) {
        public Bucketing {
            if (buckets < 1 || Integer.bitCount(buckets) != 1) throw new IllegalArgumentException("buckets must be a power of two, not " + buckets);
            if (shift < 0 || shift > 62) throw new IllegalArgumentException("a shift of " + shift);
        }
    }

    /**
     * Per bucket of {@code bucketing}, the number of keys and a digest of them (the sum, as a
     * decimal, of a 64-bit hash of each key: equal digests, the same keys but for a hash collision),
     * and the same of the keys of the rows changed since the mark asked about: a bucket whose keys
     * grew by exactly its changed rows lost none.
     */
    record KeyBuckets(Bucketing bucketing, long[] counts, String[] digests, long[] changedCounts, String[] changedDigests) {
        /** The rows changed since the mark, in all buckets. */
        public long changed() {
            long n = 0;
            for (long c : changedCounts) n += c;
            return n;
        }

        public long total() {
            long n = 0;
            for (long c : counts) n += c;
            return n;
        }
    }
}
