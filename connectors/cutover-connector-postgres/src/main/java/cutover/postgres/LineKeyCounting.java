package cutover.postgres;

import cutover.connector.ChangeTracking;
import cutover.connector.KeyDigests;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table's keys counted from its COPY text lines while a backup reads them, exactly as
 * {@link PostgresSource#keyBuckets} counts them in SQL: each key in its {@link KeyBucket} bucket,
 * and per bucket the number of keys and the sum of {@code hashint8extended(key, 0)} (one integer
 * column) or {@code hashtextextended(<columns' text joined by tabs>, 0)}, computed by {@link PgHash}.
 * A full backup then reads its table once instead of also scanning it for its keys.
 *
 * <p>Keys of integers, uuid, date, timestamps, text and varchar ({@link #counts}); text fields are
 * unescaped from COPY's form first. The caller makes sure that a text key's collation is
 * deterministic: a non-deterministic one hashes its sort key, which only the server can compute.
 */
final class LineKeyCounting implements ChangeTracking.KeyCounting {
    private static final Set<String> COUNTED = Set.of("int2", "int4", "int8", "uuid", "date", "timestamp", "timestamptz", "text", "varchar");
    /** Types whose COPY text may hold escapes; the others' output never has a backslash, tab or newline. */
    static final Set<String> TEXTUAL = Set.of("text", "varchar");

    private final java.util.function.Supplier<ChangeTracking.Bucketing> choose;
    private ChangeTracking.Bucketing bucketing; // chosen when the first reader starts: a query, kept off the decisions' path
    private final int[] keyAt;
    private final boolean[] escaped;
    private final boolean byValue;
    /** One counter per reader thread, whatever the number of splits it reads: memory stays that of a few bucket arrays. */
    private final Map<Thread, Counter> counters = new HashMap<>();

    /** {@code keyAt}: the key columns' positions in a line, in key order; {@code bucketing} asked once, when first needed. */
    LineKeyCounting(java.util.function.Supplier<ChangeTracking.Bucketing> bucketing, int[] keyAt, List<String> keyTypes) {
        this.choose = bucketing;
        this.keyAt = keyAt.clone();
        this.byValue = KeyBucket.byValue(keyTypes);
        this.escaped = new boolean[keyTypes.size()];
        for (int i = 0; i < escaped.length; i++) escaped[i] = TEXTUAL.contains(keyTypes.get(i));
    }

    /** Counts into the buckets of {@code bucketing}: a change layer's keys, checked against the buckets counted at its moment. */
    LineKeyCounting(ChangeTracking.Bucketing bucketing, int[] keyAt, List<String> keyTypes) {
        this((java.util.function.Supplier<ChangeTracking.Bucketing>) null, keyAt, keyTypes);
        this.bucketing = bucketing;
    }

    /** Whether keys of these types are counted from lines. */
    static boolean counts(List<String> keyTypes) {
        return !keyTypes.isEmpty() && COUNTED.containsAll(keyTypes);
    }

    /** The calling thread's counter: a reader that reads several splits counts them all in one. */
    @Override
    public synchronized ChangeTracking.LineCounter counter() {
        ChangeTracking.Bucketing chosen = bucketing();
        return counters.computeIfAbsent(Thread.currentThread(), t -> new Counter(chosen));
    }

    private synchronized ChangeTracking.Bucketing bucketing() {
        if (bucketing == null) bucketing = choose.get();
        return bucketing;
    }

    @Override
    public synchronized ChangeTracking.KeyBuckets result() {
        ChangeTracking.Bucketing bucketing = bucketing();
        int n = bucketing.buckets();
        long[] counts = new long[n];
        long[] high = new long[n], low = new long[n];
        for (Counter c : counters.values()) {
            for (int b = 0; b < n; b++) {
                counts[b] += c.counts[b];
                long sum = low[b] + c.low[b];
                high[b] += c.high[b] + (Long.compareUnsigned(sum, low[b]) < 0 ? 1 : 0);
                low[b] = sum;
            }
        }
        String[] digests = new String[n];
        // an empty bucket's sum is 0: most buckets of the keys a change added or removed (a few of 4,096), and
        // converting them cost a scheduled run ~8,000 decimals and C2 a 150 ms compile of decimal beside the runs
        for (int b = 0; b < n; b++) digests[b] = counts[b] == 0 ? "0" : KeyDigests.decimal(high[b], low[b]);
        String[] none = new String[n];
        Arrays.fill(none, "0");
        return new ChangeTracking.KeyBuckets(bucketing, counts, digests, new long[n], none);
    }

    /** One reader's counts, and per bucket its sum of hashes as a 128-bit number (high and low words): exact for any table. */
    private final class Counter implements ChangeTracking.LineCounter {
        private final ChangeTracking.Bucketing bucketing;
        private final long[] counts;
        private final long[] high;
        private final long[] low;
        private final FieldBounds fields = new FieldBounds(Arrays.stream(keyAt).max().orElseThrow());
        private final int[] starts = fields.starts;
        private final int[] ends = fields.ends;
        private final MessageDigest md5 = KeyBucket.md5();
        private byte[] joined = new byte[64];

        Counter(ChangeTracking.Bucketing bucketing) {
            this.bucketing = bucketing;
            this.counts = new long[bucketing.buckets()];
            this.high = new long[bucketing.buckets()];
            this.low = new long[bucketing.buckets()];
        }

        @Override
        public void line(byte[] line, int offset, int length) {
            fields.locate(line, offset, length);
            int bucket;
            long hash;
            if (byValue) {
                long key = parseLong(line, starts[keyAt[0]], ends[keyAt[0]]);
                bucket = (int) ((key >> bucketing.shift()) & (bucketing.buckets() - 1));
                hash = PgHash.int8Extended(key, 0);
            } else {
                int size = join(line);
                md5.reset();
                md5.update(joined, 0, size);
                byte[] h = md5.digest();
                bucket = (((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF)) & (bucketing.buckets() - 1);
                hash = PgHash.bytesExtended(joined, 0, size, 0);
            }
            counts[bucket]++;
            long sum = low[bucket] + hash;
            high[bucket] += (hash >> 63) + (Long.compareUnsigned(sum, low[bucket]) < 0 ? 1 : 0); // the hash's sign, and the carry
            low[bucket] = sum;
        }

        /** The key columns' text, joined by tabs as the SQL joins them, into {@link #joined}; returns its length. */
        private int join(byte[] line) {
            int size = 0;
            for (int i = 0; i < keyAt.length; i++) {
                byte[] source = line;
                int from = starts[keyAt[i]], to = ends[keyAt[i]];
                if (to - from == 2 && line[from] == '\\' && line[from + 1] == 'N') throw new IllegalArgumentException("a key field is NULL");
                if (escaped[i]) { // the text COPY escaped, as the server hashes it
                    source = PgCopyText.field(line, from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    from = 0;
                    to = source.length;
                }
                int need = size + (to - from) + 1;
                if (need > joined.length) joined = Arrays.copyOf(joined, Math.max(need, 2 * joined.length));
                if (i > 0) joined[size++] = '\t';
                System.arraycopy(source, from, joined, size, to - from);
                size += to - from;
            }
            return size;
        }

        private static long parseLong(byte[] b, int from, int to) {
            if (from >= to) throw new IllegalArgumentException("an empty integer key");
            boolean negative = b[from] == '-';
            long value = 0;
            for (int i = negative ? from + 1 : from; i < to; i++) {
                int digit = b[i] - '0';
                if (digit < 0 || digit > 9) throw new IllegalArgumentException("not an integer key: " + new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
                value = value * 10 - digit; // negative, so that Long.MIN_VALUE fits
            }
            return negative ? value : -value;
        }
    }
}
