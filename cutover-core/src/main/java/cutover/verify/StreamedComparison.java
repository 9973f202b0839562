package cutover.verify;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Compares two sides that cannot compute digests themselves (an export, a plan's mapping, a
 * database of another dialect) with memory bounded by the differences, not by the data.
 *
 * <p>Neither side is in key order (an export is in file order), so instead of key ranges the key
 * space is cut into hash buckets. Pass one reads both sides at once and keeps, per bucket, the row
 * count and the sum of the rows' hashes. Only buckets whose numbers differ are looked at again: pass
 * two reads both sides once more, keeps just the rows of those buckets, and compares them row by
 * row. When the differing buckets hold more rows than {@code rowsPerRound}, they are compared in
 * rounds, so heap stays bounded even when every row differs: pass two keeps the source's rows of
 * the first round and writes the others', and every target row, to files of their round; a round's
 * source rows are then held and its target rows matched with them as they are read back, a target
 * row equal to its source row never held. Each side is read twice however many rows differ (reading
 * it again for each round cost a restore --delete over a table 10% larger than its snapshot four
 * reads of either side).
 */
public final class StreamedComparison {
    /** Rows per bucket aimed at: small enough that a bucket's rows are cheap to fetch again. */
    private static final long ROWS_PER_BUCKET = 256;
    private static final int MAX_BUCKETS = 1 << 18;
    private static final long MIX = 0x9E3779B97F4A7C15L;
    /** Rows between two progress reports of a table, so that reporting costs nothing per row. */
    private static final long PROGRESS_EVERY = 4096;

    /**
     * {@code sample}: the fraction of buckets compared (1 = all); {@code seed} picks them, so two runs
     * with one seed sample the same keys. {@code rowsPerRound}: rows per side held in memory at once.
     */
    public record Options(double sample, long seed, long rowsPerRound) {
        public static final Options DEFAULTS = new Options(1.0, 0, 400_000);

        public Options {
            if (!(sample > 0 && sample <= 1)) throw new IllegalArgumentException("sample must be in (0, 1], was " + sample);
            if (rowsPerRound < 1) throw new IllegalArgumentException("rowsPerRound " + rowsPerRound);
        }
    }

    /**
     * The verdict per table, and the source records that yield no row (by entity), which the target
     * need not hold; {@code scoped}: whether the comparison was held to the scope it was given.
     */
    public record Result(List<TableVerdict> verdicts, Map<String, Long> refused, boolean scoped) {}

    private final Map<String, ComparedTable> tables = new LinkedHashMap<>();
    private final ComparableValues normalizer;
    private final Map<String, int[]> keyPositions = new LinkedHashMap<>();
    private final Map<String, AtomicLong> counted = new LinkedHashMap<>(); // rows digested per table, for progress in steps
    private final Options options;
    private final VerifyProgress progress;
    private final ThreadLocal<RowHasher> hashers = ThreadLocal.withInitial(RowHasher::new);

    public StreamedComparison(List<ComparedTable> tables, ComparableValues values, Options options, VerifyProgress progress) {
        for (ComparedTable t : tables) {
            this.tables.put(t.name(), t);
            keyPositions.put(t.name(), t.keyPositions());
            counted.put(t.name(), new AtomicLong());
        }
        this.normalizer = values;
        this.options = options;
        this.progress = progress;
    }

    /** Compares every table; {@code estimates} (rows per table, may be empty) size the buckets. */
    public Result compare(RowFeed source, RowFeed target, Map<String, Long> estimates, Consumer<Difference> out) {
        return compare(source, target, estimates, out, null);
    }

    /**
     * Compares the rows whose key (as compared: normalized) is in {@code scope} (null: all), when the
     * source holds no other: a partial restore's rows against the target's rows of the same keys, the
     * target's other rows not looked at again after pass one. Where a source row's key is outside the
     * scope (its key is not the one the scope was written for: a plan that maps keys), the whole
     * comparison is made again without it, so a row is never taken for missing because its
     * counterpart was left out; {@link Result#scoped} tells which was done.
     */
    public Result compare(RowFeed source, RowFeed target, Map<String, Long> estimates, Consumer<Difference> out, Predicate<Key> scope) {
        Map<String, Buckets> src = new LinkedHashMap<>(), tgt = new LinkedHashMap<>();
        for (ComparedTable t : tables.values()) {
            long estimate = estimates.getOrDefault(t.name(), -1L);
            int n = bucketCount(estimate);
            src.put(t.name(), new Buckets(n));
            tgt.put(t.name(), new Buckets(n));
            progress.tableStarted(t.name(), estimate);
        }
        Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        AtomicBoolean outOfScope = new AtomicBoolean();
        both(() -> source.read(digesting(src, refused, true, scope, outOfScope, out)),
                () -> target.read(digesting(tgt, new ConcurrentHashMap<>(), false, scope, outOfScope, out)));
        if (outOfScope.get()) return compare(source, target, estimates, out, null); // nothing was reported yet but progress

        Map<String, BitSet> differing = new LinkedHashMap<>();
        for (String name : tables.keySet()) {
            BitSet d = src.get(name).differingFrom(tgt.get(name));
            if (!d.isEmpty()) differing.put(name, d);
        }
        Map<String, long[]> found = new LinkedHashMap<>(); // table → missing, extra, changed
        tables.keySet().forEach(n -> found.put(n, new long[3]));
        compareRows(rounds(differing, src, tgt), src, source, target, found, out, scope);

        List<TableVerdict> verdicts = new ArrayList<>();
        for (String name : tables.keySet()) {
            Buckets s = src.get(name), t = tgt.get(name);
            long[] f = found.get(name);
            progress.rowsCompared(name, counted.get(name).get() % PROGRESS_EVERY);
            TableVerdict v = new TableVerdict(name, "streamed", options.sample(), s.count(), t.count(),
                    TableVerdict.digestText(s.count(), s.sum()), TableVerdict.digestText(t.count(), t.sum()), f[0], f[1], f[2]);
            progress.tableDone(v);
            verdicts.add(v);
        }
        Map<String, Long> refusedCounts = new LinkedHashMap<>();
        refused.forEach((e, n) -> refusedCounts.put(e, n.sum()));
        return new Result(verdicts, refusedCounts, scope != null);
    }

    private RowFeed.Rows digesting(Map<String, Buckets> buckets, Map<String, LongAdder> refused, boolean isSource,
                                   Predicate<Key> scope, AtomicBoolean outOfScope, Consumer<Difference> out) {
        return new RowFeed.Rows() {
            @Override
            public void row(String table, Record row) {
                ComparedTable t = tables.get(table);
                if (t == null) return; // a table the comparison does not cover
                Buckets b = buckets.get(table);
                RowHasher h = hashers.get();
                RowView v = new RowView(t, row, h);
                if (scope != null && !scope.test(v.key)) {
                    if (isSource) outOfScope.set(true);
                    else return; // a target row the scope leaves out: as if the target did not hold it
                }
                int bucket = b.bucketOf(v.keyHash);
                if (!sampled(bucket)) return;
                b.add(bucket, v.keyHash * MIX + v.hash(h));
                if (isSource && counted.get(table).incrementAndGet() % PROGRESS_EVERY == 0) progress.rowsCompared(table, PROGRESS_EVERY);
            }

            @Override
            public void refused(String entity, String key, String reason) {
                refused.computeIfAbsent(entity, e -> new LongAdder()).increment();
                if (out instanceof DifferenceLog log) log.refused(entity, key, reason); // a log of changes lists it
            }
        };
    }

    /**
     * Pass two: the rows of the differing buckets from both sides, compared row by row, a round at a
     * time; the source's rows of the first round kept as they are read, the others' and every target
     * row spilled to their round's file.
     */
    private void compareRows(List<Map<String, BitSet>> rounds, Map<String, Buckets> sizes, RowFeed source, RowFeed target, Map<String, long[]> found,
                             Consumer<Difference> out, Predicate<Key> scope) {
        if (rounds.isEmpty()) return;
        Map<String, int[]> roundOf = new LinkedHashMap<>(); // by table, each bucket's round (-1: not compared again)
        for (int r = 0; r < rounds.size(); r++) {
            for (Map.Entry<String, BitSet> e : rounds.get(r).entrySet()) {
                int[] of = roundOf.computeIfAbsent(e.getKey(), k -> {
                    int[] none = new int[sizes.get(k).size()];
                    java.util.Arrays.fill(none, -1);
                    return none;
                });
                for (int b = e.getValue().nextSetBit(0); b >= 0; b = e.getValue().nextSetBit(b + 1)) of[b] = r;
            }
        }
        try (RoundSpill spill = new RoundSpill(rounds.size())) {
            // the target's rows all go to their round's file, and are matched with the source's round as they are read
            // back: a target row equal to its source row is never held (holding both sides' rows, a round's comparison
            // was mostly the collector copying them: a restore --delete's keys, bench/restore-delete.sh)
            Map<String, Rows> first = RoundSpill.rowsOf(rounds.get(0).keySet());
            both(() -> source.read(collecting(roundOf, sizes, first, spill.source, null, true)),
                    () -> target.read(collecting(roundOf, sizes, null, spill.target, scope, false)));
            for (int r = 0; r < rounds.size(); r++) {
                Map<String, Rows> s = r == 0 ? first : spill.source.read(r, rounds.get(r).keySet()), t = RoundSpill.rowsOf(rounds.get(r).keySet());
                spill.target.forEach(r, (table, key, hash, row, given) -> {
                    if (!s.get(table).takeEqual(key, hash)) t.get(table).add(key, row, hash, given); // equal: neither is held any longer
                });
                compareRound(s, t, found, out);
            }
        }
    }

    /** One round's rows of both sides, by table, compared row by row. */
    private void compareRound(Map<String, Rows> s, Map<String, Rows> t, Map<String, long[]> found, Consumer<Difference> out) {
        for (String name : s.keySet()) {
            long[] f = found.get(name);
            ComparedTable table = tables.get(name);
            Consumer<Difference> counting = d -> {
                if (d instanceof Difference.Missing) f[0]++;
                else if (d instanceof Difference.Extra) f[1]++;
                else f[2]++;
                out.accept(d);
            };
            Rows sr = s.get(name), tr = t.get(name);
            RowComparison.compare(name, table.columns(), sr.byKey, tr.byKey, counting);
            // a row held more than once (a table without a key keeps equal rows): as many times on each side is no difference
            Map<KeyedHash, Integer> unmatched = new java.util.HashMap<>();
            tr.repeats.forEach(r -> unmatched.merge(r.id(), 1, Integer::sum));
            for (Repeat r : sr.repeatsLeft()) {
                if (!takeOne(unmatched, r.id())) counting.accept(new Difference.Missing(name, r.key(), r.row(), r.given()));
            }
            for (Repeat r : tr.repeats) {
                if (takeOne(unmatched, r.id())) counting.accept(new Difference.Extra(name, r.key(), r.row()));
            }
        }
    }

    /** Takes one of {@code id} from the counts; false when none is left. */
    private static boolean takeOne(Map<KeyedHash, Integer> counts, KeyedHash id) {
        Integer n = counts.get(id);
        if (n == null) return false;
        if (n == 1) counts.remove(id);
        else counts.put(id, n - 1);
        return true;
    }

    /**
     * Pass two's reading of one side: the rows of the first round's buckets kept {@code into} (null:
     * spilled too), those of later rounds spilled; {@code keepGiven}: each row is kept as given too,
     * not only as compared (the source's: what a restore would write).
     */
    private RowFeed.Rows collecting(Map<String, int[]> roundOf, Map<String, Buckets> sizes, Map<String, Rows> into, RoundSpill.Side spill,
                                    Predicate<Key> scope, boolean keepGiven) {
        return (table, row) -> {
            int[] rounds = roundOf.get(table);
            if (rounds == null) return;
            RowHasher h = hashers.get();
            RowView v = new RowView(tables.get(table), row, h);
            int round = rounds[sizes.get(table).bucketOf(v.keyHash)];
            if (round < 0) return;
            if (scope != null && !scope.test(v.key)) return;
            Record n = v.normalized();
            long hash = v.hash(h);
            Record given = keepGiven ? row : n;
            if (round > 0 || into == null) spill.write(round, table, v.key, hash, n, given);
            else into.get(table).add(v.key, n, hash, given);
        };
    }

    /**
     * One row as the comparison sees it: its compared values normalized (once), its key made of
     * them (so a timestamp key is truncated like its column) and the key's hash.
     */
    private final class RowView {
        final ComparedTable table;
        final Record row;
        final Value[] values;     // null when compared as stored
        final Key key;
        final long keyHash;

        RowView(ComparedTable table, Record row, RowHasher hasher) {
            this.table = table;
            this.row = row;
            if (table.columns() == null) {
                values = null;
                key = table.keyOf(row);
            } else {
                values = table.values(row, normalizer);
                int[] at = keyPositions.get(table.name());
                List<Value> parts = new ArrayList<>(at.length);
                for (int i = 0; i < at.length; i++) {
                    Value part = at[i] < 0 ? row.get(table.keyColumns().get(i)) : values[at[i]];
                    parts.add(part == null ? Value.NULL : part);
                }
                key = new Key(parts);
            }
            keyHash = hasher.key(key);
        }

        long hash(RowHasher hasher) {
            return values == null ? hasher.row(ComparedTable.fieldNames(row), row) : hasher.row(table.columns(), values);
        }

        Record normalized() { return values == null ? row : table.record(row, values); }
    }

    /**
     * Groups the differing buckets into rounds holding at most {@code rowsPerRound} rows of the larger
     * side (at least one bucket each), or more where that would make more than {@link
     * RoundSpill#MAX_ROUNDS} rounds (a file each is open while pass two reads).
     */
    private List<Map<String, BitSet>> rounds(Map<String, BitSet> differing, Map<String, Buckets> src, Map<String, Buckets> tgt) {
        for (long perRound = options.rowsPerRound(); ; perRound *= 2) { // with every differing row in one, one round
            List<Map<String, BitSet>> rounds = rounds(differing, src, tgt, perRound);
            if (rounds.size() <= RoundSpill.MAX_ROUNDS) return rounds;
        }
    }

    private static List<Map<String, BitSet>> rounds(Map<String, BitSet> differing, Map<String, Buckets> src, Map<String, Buckets> tgt, long perRound) {
        List<Map<String, BitSet>> rounds = new ArrayList<>();
        Map<String, BitSet> current = new LinkedHashMap<>();
        long rows = 0;
        for (Map.Entry<String, BitSet> e : differing.entrySet()) {
            Buckets s = src.get(e.getKey()), t = tgt.get(e.getKey());
            for (int b = e.getValue().nextSetBit(0); b >= 0; b = e.getValue().nextSetBit(b + 1)) {
                long n = Math.max(s.count(b), t.count(b));
                if (rows > 0 && rows + n > perRound) {
                    rounds.add(current);
                    current = new LinkedHashMap<>();
                    rows = 0;
                }
                current.computeIfAbsent(e.getKey(), k -> new BitSet(s.size())).set(b);
                rows += n;
            }
        }
        if (!current.isEmpty()) rounds.add(current);
        return rounds;
    }

    private boolean sampled(int bucket) {
        if (options.sample() >= 1) return true;
        long h = (bucket + options.seed()) * MIX;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (h >>> 11) * 0x1.0p-53 < options.sample();
    }

    private static int bucketCount(long estimate) {
        if (estimate <= 0) return 1024;
        long wanted = Math.max(64, estimate / ROWS_PER_BUCKET);
        return (int) Math.min(MAX_BUCKETS, Long.highestOneBit(wanted - 1) << 1);
    }

    private static void both(Runnable a, Runnable b) {
        CompletableFuture<Void> other = CompletableFuture.runAsync(b, r -> {
            Thread t = new Thread(r, "verify-target");
            t.setDaemon(true);
            t.start();
        });
        try {
            a.run();
        } catch (RuntimeException e) {
            other.cancel(true);
            throw e;
        }
        try {
            other.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new CutoverException(ErrorCode.INTERNAL, "verify failed: " + e.getCause(), e.getCause());
        }
    }

    /** Per-bucket count and hash sum of one side of one table; updated from several threads. */
    private static final class Buckets {
        private final AtomicLongArray counts, sums;

        Buckets(int n) {
            counts = new AtomicLongArray(n);
            sums = new AtomicLongArray(n);
        }

        int size() { return counts.length(); }

        int bucketOf(long keyHash) { return (int) ((keyHash >>> 1) % size()); }

        void add(int bucket, long rowHash) {
            counts.incrementAndGet(bucket);
            sums.addAndGet(bucket, rowHash);
        }

        long count(int b) { return counts.get(b); }

        long count() {
            long n = 0;
            for (int i = 0; i < counts.length(); i++) n += counts.get(i);
            return n;
        }

        long sum() {
            long s = 0;
            for (int i = 0; i < sums.length(); i++) s += sums.get(i);
            return s;
        }

        BitSet differingFrom(Buckets other) {
            BitSet d = new BitSet(size());
            for (int i = 0; i < size(); i++) {
                if (counts.get(i) != other.counts.get(i) || sums.get(i) != other.sums.get(i)) d.set(i);
            }
            return d;
        }
    }

    /** Pass two's rows of one side of one table, by key, and the rows whose key was already taken. */
    static final class Rows {
        final Map<Key, HashedRow> byKey = new ConcurrentHashMap<>();
        final List<Repeat> repeats = java.util.Collections.synchronizedList(new ArrayList<>());

        /** The repeats by key and hash, those not taken yet; made when {@link #takeEqual} is first asked (once the rows are all in). */
        private Map<KeyedHash, java.util.ArrayDeque<Repeat>> repeatsById;

        void add(Key key, Record row, long hash, Record given) {
            if (byKey.putIfAbsent(key, new HashedRow(row, hash, given)) != null) repeats.add(new Repeat(key, row, hash, given)); // a key twice on one side
        }

        /**
         * Takes out a row of this key and hash (the other side's equal row), as a comparison would
         * match them: the key's row where there is one, else one of its repeats (equal rows of a
         * table without a key); false where none is left. One thread only.
         */
        boolean takeEqual(Key key, long hash) {
            HashedRow same = byKey.get(key);
            if (same != null && same.hash() == hash) {
                byKey.remove(key);
                return true;
            }
            if (repeats.isEmpty()) return false; // else one of the key's repeats may be it, whichever side was read first
            if (repeatsById == null) {
                repeatsById = new java.util.HashMap<>();
                for (Repeat r : repeats) repeatsById.computeIfAbsent(r.id(), k -> new java.util.ArrayDeque<>()).add(r);
            }
            java.util.ArrayDeque<Repeat> equal = repeatsById.get(new KeyedHash(key, hash));
            return equal != null && equal.poll() != null;
        }

        /** The repeats {@link #takeEqual} did not take. */
        List<Repeat> repeatsLeft() {
            return repeatsById == null ? repeats : repeatsById.values().stream().flatMap(java.util.Collection::stream).toList();
        }
    }

    /** A row whose key one side already held: a table without a key holding equal rows, or a key twice. */
    record Repeat(Key key, Record row, long hash, Record given) {
        KeyedHash id() { return new KeyedHash(key, hash); }
    }
}
