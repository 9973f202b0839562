package cutover.verify;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Key;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Compares one table on two sides whose {@link Digests} have the same dialect, by bisection of key
 * ranges as data-diff does: the first level cuts the whole key space into many ranges and digests
 * them in a single scan per side, both sides at once; only ranges whose digests differ are cut
 * again ({@link Options#fanOut} parts, using the key index), until a range holds at most
 * {@link Options#leafRows} rows on each side; then its rows are fetched from both sides and
 * compared with {@link RowComparison}. Equal data therefore costs one scan per side, and each
 * difference a few small indexed queries.
 *
 * <p>Where a side's range queries scan the whole table ({@link Digests#rangesUseIndex}: a text key
 * whose index is not in code point order), bisecting range by range would scan once per query.
 * The first level is then cut into leaves (about {@code leafRows} rows each, up to 16,384 ranges) in
 * its one scan, and the rows of all differing leaves are read together, one query per side for each
 * 50,000 rows: two or three scans in all.
 *
 * <p>Memory holds at most a batch of leaves' keys and hashes at a time, whatever the table's size.
 * A range that bounds cannot cut, because all its rows share one value of the first key column (a
 * composite key such as {@code (tenant, id)} with one tenant), is cut by a hash of the whole key
 * instead ({@link Digests#bucketDigests}), so it is never read whole either.
 */
public final class RangeBisection {
    /**
     * @param firstLevelRanges ranges of the first level, digested in one scan per side
     * @param fanOut           parts a differing range is cut into at each further level
     * @param leafRows         a range with at most this many rows on each side is compared row by row
     * @param threads          queries running at once (each side's query counts as one); keep it at most
     *                         each side's connection pool size, or queries wait for connections
     * @param sample           fraction of the first-level ranges compared, in (0, 1]; 1 compares all
     * @param seed             chooses the sampled ranges, so a sampled run can be repeated
     */
    public record Options(int firstLevelRanges, int fanOut, long leafRows, int threads, double sample, long seed) {
        public Options {
            if (firstLevelRanges < 1 || fanOut < 2 || leafRows < 1 || threads < 1) {
                throw new IllegalArgumentException("bisection needs firstLevelRanges >= 1, fanOut >= 2, leafRows >= 1, threads >= 1");
            }
            if (!(sample > 0 && sample <= 1)) throw new IllegalArgumentException("sample must be in (0, 1], found " + sample);
        }

        /**
         * At least 4,096 first-level ranges (their number costs nothing in the one scan, and smaller
         * ranges mean fewer levels after it; more on a large table, see {@link #MAX_FIRST_LEVEL_RANGES}),
         * cut 16 ways, rows compared below 256 a side, 4 queries at once, no sampling. Measured on
         * 5M rows with 50 differences: bench/RESULTS.md.
         */
        public static Options defaults() { return new Options(4096, 16, 256, 4, 1.0, 0); }

        public Options sampled(double fraction, long seed) {
            return new Options(firstLevelRanges, fanOut, leafRows, threads, fraction, seed);
        }

        public Options threads(int count) {
            return new Options(firstLevelRanges, fanOut, leafRows, count, sample, seed);
        }
    }

    /**
     * First-level ranges at most on a large table, which is cut into ranges of about half a leaf so
     * that a differing range is read at once, without a second level of digests: the grouping
     * costs the same per row whatever the number of groups, and each level costs a round trip.
     */
    static final int MAX_FIRST_LEVEL_RANGES = 32_768;
    /** First-level ranges at most, when they are cut small enough to be leaves (sides whose range queries scan). */
    static final int MAX_BATCHED_RANGES = 16_384;
    /** Rows a side read together in one query, when its range queries scan. */
    static final long BATCH_ROWS = 50_000;

    private final Digests source;
    private final Digests target;
    private final Options options;
    private final VerifyProgress progress;

    public RangeBisection(Digests source, Digests target, Options options, VerifyProgress progress) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
        this.progress = Objects.requireNonNull(progress, "progress");
        CompletableFuture<String> targetDialect = CompletableFuture.supplyAsync(target::dialect); // each side's probe at once
        String a = source.dialect(), b = join(targetDialect);
        if (!a.equals(b)) {
            throw new CutoverException(ErrorCode.CAPABILITY_MISSING, "the two sides compute digests differently (source: " + a
                    + ", target: " + b + "), so their digests cannot be compared; compare by streaming the rows instead");
        }
    }

    /**
     * Compares {@code columns} of the table on both sides (named {@code sourceTable} and
     * {@code targetTable}) and sends every difference to {@code out}, one call at a time.
     * Differences are named by {@code sourceTable}.
     */
    public TableVerdict compare(String sourceTable, String targetTable, List<String> columns, Consumer<Difference> out) {
        return compare(sourceTable, columns, targetTable, columns, out);
    }

    /**
     * Compares the table on both sides where the target names the source's columns otherwise (a
     * plan's renames): {@code sourceColumns.get(i)} is stored as {@code targetColumns.get(i)}, and
     * the source's key columns, renamed, are the target's. Rows hash their columns by position, so
     * renamed columns hash alike. Differences name the target's columns and the source's table.
     */
    public TableVerdict compare(String sourceTable, List<String> sourceColumns, String targetTable, List<String> targetColumns,
                                Consumer<Difference> out) {
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), new QueryThreads(sourceTable));
        try {
            // each side's catalog is read at once with the other's: a round trip or more saved per step on remote servers
            CompletableFuture<Optional<TableShape>> targetShape = CompletableFuture.supplyAsync(() -> target.table(targetTable), pool);
            TableShape s = source.table(sourceTable).orElseThrow(() -> new CutoverException(ErrorCode.SOURCE_NOT_FOUND,
                    "table " + sourceTable + " is not in the source"));
            TableShape t = join(targetShape).orElseThrow(() -> new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH,
                    "table " + targetTable + " is not in the target"));
            checkComparable(s, sourceColumns, t, targetColumns, (a, b) -> source.holdsAlike(a, b) || source.holdsAlike(b, a));
            return new Run(sourceTable, List.copyOf(sourceColumns), targetTable, List.copyOf(targetColumns), out, pool).run();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Both sides must key the table alike and store each compared column with types their dialect
     * hashes alike ({@code alike}, e.g. {@link Digests#holdsAlike} either way), or equal rows would
     * hash apart.
     */
    static void checkComparable(TableShape s, TableShape t, List<String> columns, BiPredicate<String, String> alike) {
        checkComparable(s, columns, t, columns, alike);
    }

    /**
     * The same, for columns that the target may name otherwise: {@code sourceColumns.get(i)} is
     * {@code targetColumns.get(i)}; the source's key columns must be among them, and renamed they
     * must be the target's key columns, in order.
     */
    static void checkComparable(TableShape s, List<String> sourceColumns, TableShape t, List<String> targetColumns,
                                BiPredicate<String, String> alike) {
        if (sourceColumns.size() != targetColumns.size()) throw new IllegalArgumentException("column lists of different sizes");
        if (s.keyColumns().isEmpty()) {
            throw new CutoverException(ErrorCode.PLAN_MISMATCH, "table " + s.name() + " has no primary key; bisection needs one to cut key ranges");
        }
        Map<String, String> renamed = new HashMap<>();
        for (int i = 0; i < sourceColumns.size(); i++) renamed.put(sourceColumns.get(i), targetColumns.get(i));
        List<String> keysAsTarget = s.keyColumns().stream().map(k -> renamed.getOrDefault(k, k)).toList();
        if (!keysAsTarget.equals(t.keyColumns())) {
            throw new CutoverException(ErrorCode.PLAN_MISMATCH, "table " + s.name() + " is keyed by " + s.keyColumns() + " in the source but "
                    + t.name() + " by " + t.keyColumns() + " in the target");
        }
        Map<String, String> sourceTypes = types(s), targetTypes = types(t);
        for (int i = 0; i < sourceColumns.size(); i++) {
            String sc = sourceColumns.get(i), tc = targetColumns.get(i);
            String a = sourceTypes.get(sc), b = targetTypes.get(tc);
            if (a == null || b == null) {
                throw new CutoverException(ErrorCode.PLAN_UNKNOWN_FIELD, "column " + (a == null ? sc + " is not in the source's " + s.name()
                        : tc + " is not in the target's " + t.name()));
            }
            if (!alike.test(a, b)) {
                throw new CutoverException(ErrorCode.PLAN_MISMATCH, "column " + sc + " of " + s.name() + " is " + a + " in the source but "
                        + (sc.equals(tc) ? "" : tc + " is ") + b + " in the target; digests hash each type its own way, so compare by streaming the rows instead");
            }
        }
    }

    private static Map<String, String> types(TableShape shape) {
        Map<String, String> out = new HashMap<>();
        for (TableShape.ColumnShape c : shape.columns()) out.put(c.name(), c.type());
        return out;
    }

    /** The state of one table's comparison, shared by its tasks. */
    private final class Run {
        private final String sourceTable;
        private final String targetTable;
        private final List<String> sourceColumns;
        private final List<String> columns; // the target's names, which differences use
        private final Map<String, String> renamed;
        private final Consumer<Difference> out;
        private final ExecutorService pool;
        private final AtomicLong missing = new AtomicLong(), extra = new AtomicLong(), changed = new AtomicLong();
        /** Whether a side's range queries scan the table, so that differing ranges are read together, whole. */
        private boolean batched;

        Run(String sourceTable, List<String> sourceColumns, String targetTable, List<String> targetColumns, Consumer<Difference> out,
            ExecutorService pool) {
            this.sourceTable = sourceTable;
            this.targetTable = targetTable;
            this.sourceColumns = sourceColumns;
            this.columns = targetColumns;
            Map<String, String> renamed = new HashMap<>();
            for (int i = 0; i < sourceColumns.size(); i++) {
                if (!sourceColumns.get(i).equals(targetColumns.get(i))) renamed.put(sourceColumns.get(i), targetColumns.get(i));
            }
            this.renamed = Map.copyOf(renamed);
            this.out = out;
            this.pool = pool;
        }

        TableVerdict run() {
            CompletableFuture<Boolean> targetUsesIndex = CompletableFuture.supplyAsync(() -> target.rangesUseIndex(targetTable), pool);
            long estimate = source.estimatedRows(sourceTable);
            progress.tableStarted(sourceTable, estimate);
            batched = !source.rangesUseIndex(sourceTable) | !join(targetUsesIndex); // both asked, at once
            int parts = batched ? (int) Math.min(MAX_BATCHED_RANGES, Math.max(options.firstLevelRanges(), estimate / options.leafRows()))
                    : (int) Math.min(MAX_FIRST_LEVEL_RANGES, Math.max(options.firstLevelRanges(), 2 * estimate / options.leafRows()));
            List<Value> bounds = source.splitPoints(sourceTable, KeyRange.ALL, parts);
            List<KeyRange> ranges = cut(KeyRange.ALL, bounds);
            double sampled = 1.0;
            List<CompletableFuture<List<RangeDigest>[]>> levels = new ArrayList<>();
            java.util.Set<KeyRange> chosen = null;
            if (options.sample() >= 1.0) {
                levels.add(both(s -> s.digests(table(s), columns(s), KeyRange.ALL, bounds)));
            } else if (batched) {
                // one query per range would scan the table once per range: digest them all, look at the sample only
                chosen = new java.util.HashSet<>(choose(ranges));
                sampled = (double) chosen.size() / ranges.size();
                levels.add(both(s -> s.digests(table(s), columns(s), KeyRange.ALL, bounds)));
            } else {
                List<KeyRange> picked = choose(ranges);
                sampled = (double) picked.size() / ranges.size();
                for (KeyRange r : picked) levels.add(both(s -> s.digests(table(s), columns(s), r, List.of())));
            }
            long[] totals = new long[4]; // source count, source sum, target count, target sum
            List<CompletableFuture<Void>> refinements = new ArrayList<>();
            List<RangeDigest[]> differing = new ArrayList<>();
            for (CompletableFuture<List<RangeDigest>[]> level : levels) {
                List<RangeDigest>[] pair = join(level);
                long accounted = 0;
                for (int i = 0; i < pair[0].size(); i++) {
                    RangeDigest a = pair[0].get(i), b = pair[1].get(i);
                    if (chosen != null && !chosen.contains(a.range())) continue;
                    totals[0] += a.count();
                    totals[1] += a.sum();
                    totals[2] += b.count();
                    totals[3] += b.sum();
                    if (a.sameRows(b)) accounted += Math.max(a.count(), b.count());
                    else if (isLeaf(a, b) || (batched && Math.max(a.count(), b.count()) <= BATCH_ROWS)) differing.add(new RangeDigest[] {a, b});
                    else refinements.add(refine(a, b));
                }
                progress.rowsCompared(sourceTable, accounted);
            }
            if (!differing.isEmpty()) refinements.add(leaves(differing));
            join(CompletableFuture.allOf(refinements.toArray(CompletableFuture[]::new)));
            TableVerdict verdict = new TableVerdict(sourceTable, "pushdown", sampled, totals[0], totals[2],
                    TableVerdict.digestText(totals[0], totals[1]), TableVerdict.digestText(totals[2], totals[3]),
                    missing.get(), extra.get(), changed.get());
            progress.tableDone(verdict);
            return verdict;
        }

        /**
         * Differing ranges small enough to be leaves are read together: one query per side for each
         * batch of up to {@link #BATCH_ROWS} rows, instead of one query (or, where a range query
         * scans the table, one scan) per range.
         */
        private CompletableFuture<Void> leaves(List<RangeDigest[]> differing) {
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            List<KeyRange> batch = new ArrayList<>();
            long rows = 0;
            for (int i = 0; i < differing.size(); i++) {
                RangeDigest[] d = differing.get(i);
                batch.add(d[0].range());
                rows += Math.max(d[0].count(), d[1].count());
                if (rows >= BATCH_ROWS || i == differing.size() - 1) {
                    List<KeyRange> ranges = List.copyOf(batch);
                    done = done.thenCompose(x -> leaf(ranges)); // one batch at a time: each holds up to BATCH_ROWS rows a side
                    batch.clear();
                    rows = 0;
                }
            }
            return done;
        }

        /** The first-level ranges a sampled run compares: {@code sample} of them, picked by the seeded random. */
        private List<KeyRange> choose(List<KeyRange> ranges) {
            int count = (int) Math.max(1, Math.round(options.sample() * ranges.size()));
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) order.add(i);
            java.util.Collections.shuffle(order, new Random(options.seed()));
            List<Integer> picked = new ArrayList<>(order.subList(0, count));
            picked.sort(null);
            List<KeyRange> out = new ArrayList<>(count);
            for (int i : picked) out.add(ranges.get(i));
            return out;
        }

        private boolean isLeaf(RangeDigest a, RangeDigest b) { return Math.max(a.count(), b.count()) <= options.leafRows(); }

        /**
         * Narrows down a range whose digests differ: cut it again, or compare its rows once it is
         * small. A range that bounds cannot cut (its rows share one value of the first key column)
         * or whose cutting would scan the table anyway is cut by key hash instead, so that no range
         * is ever read whole however large it is.
         */
        private CompletableFuture<Void> refine(RangeDigest a, RangeDigest b) {
            KeyRange range = a.range();
            if (isLeaf(a, b) || range.hashed()) return leaf(range);
            if (batched) return byHash(a, b);
            Digests larger = a.count() >= b.count() ? source : target;
            return CompletableFuture.supplyAsync(() -> larger.splitPoints(table(larger), range, options.fanOut()), pool)
                    .thenCompose(points -> points.isEmpty() ? byHash(a, b)
                            : both(s -> s.digests(table(s), columns(s), range, points)).thenCompose(this::descend));
        }

        /** Cuts a range into buckets of about half a leaf each by key hash, and goes on with those that differ. */
        private CompletableFuture<Void> byHash(RangeDigest a, RangeDigest b) {
            int buckets = (int) Math.min(MAX_FIRST_LEVEL_RANGES, Math.max(2, 2 * Math.max(a.count(), b.count()) / options.leafRows()));
            return both(s -> s.bucketDigests(table(s), columns(s), a.range(), buckets)).thenCompose(this::descend);
        }

        /** Compares the parts of a range on both sides: equal ones are done, small ones read together, others refined. */
        private CompletableFuture<Void> descend(List<RangeDigest>[] pair) {
            List<CompletableFuture<Void>> children = new ArrayList<>();
            List<RangeDigest[]> leaves = new ArrayList<>();
            long accounted = 0;
            for (int i = 0; i < pair[0].size(); i++) {
                RangeDigest x = pair[0].get(i), y = pair[1].get(i);
                if (x.sameRows(y)) accounted += Math.max(x.count(), y.count());
                else if (isLeaf(x, y)) leaves.add(new RangeDigest[] {x, y});
                else children.add(refine(x, y));
            }
            if (!leaves.isEmpty()) children.add(leaves(leaves));
            progress.rowsCompared(sourceTable, accounted);
            return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new));
        }

        private CompletableFuture<Void> leaf(KeyRange range) { return leaf(List.of(range)); }

        /**
         * Names each difference in the ranges. Where range queries use an index, each side's keys
         * and row hashes come first and only the rows whose hashes differ are read whole: a leaf
         * of a few hundred rows usually holds one difference, and decoding rows costs more than
         * the second query. Where they scan, the rows are read whole at once, in one pass.
         */
        private CompletableFuture<Void> leaf(List<KeyRange> ranges) {
            if (batched) return compareRows(ranges, rows(source, ranges, null), rows(target, ranges, null), 0);
            CompletableFuture<Map<Key, Long>> a = CompletableFuture.supplyAsync(() -> hashes(source, ranges), pool);
            CompletableFuture<Map<Key, Long>> b = CompletableFuture.supplyAsync(() -> hashes(target, ranges), pool);
            return a.thenCompose(s -> b.thenCompose(t -> compareRows(ranges, rows(source, ranges, differing(s, t)),
                    rows(target, ranges, differing(t, s)), Math.max(s.size(), t.size()))));
        }

        /** The keys and hashes of one side's rows that the other side lacks or hashes differently. */
        private static Map<Key, Long> differing(Map<Key, Long> side, Map<Key, Long> other) {
            Map<Key, Long> out = new HashMap<>();
            side.forEach((key, hash) -> {
                if (!hash.equals(other.get(key))) out.put(key, hash);
            });
            return out;
        }

        /**
         * Compares the rows both suppliers read (at once), reports each difference and counts
         * {@code rows} compared, or as many as were read when that is zero.
         */
        private CompletableFuture<Void> compareRows(List<KeyRange> ranges, Supplier<Map<Key, HashedRow>> source,
                                                    Supplier<Map<Key, HashedRow>> target, long rows) {
            CompletableFuture<Map<Key, HashedRow>> a = CompletableFuture.supplyAsync(source, pool);
            CompletableFuture<Map<Key, HashedRow>> b = CompletableFuture.supplyAsync(target, pool);
            return a.thenCombine(b, (s, t) -> {
                List<Difference> found = new ArrayList<>();
                RowComparison.compare(sourceTable, columns, renamed.isEmpty() ? s : asTarget(s), t, found::add);
                report(found);
                progress.rowsCompared(sourceTable, rows > 0 ? rows : Math.max(s.size(), t.size()));
                return null;
            });
        }

        private Map<Key, Long> hashes(Digests side, List<KeyRange> ranges) {
            Map<Key, Long> hashes = new HashMap<>();
            side.hashes(table(side), columns(side), ranges, h -> {
                if (hashes.put(h.key(), h.hash()) != null) throw twice(side, h.key(), ranges);
            });
            return hashes;
        }

        /** A side's rows of the ranges: all of them, or when {@code only} is given, those of its keys (read by their hashes). */
        private Supplier<Map<Key, HashedRow>> rows(Digests side, List<KeyRange> ranges, Map<Key, Long> only) {
            return () -> {
                Map<Key, HashedRow> rows = new HashMap<>();
                if (only != null && only.isEmpty()) return rows;
                Consumer<HashedRow> keep = row -> {
                    if (only != null && !only.containsKey(row.row().key())) return; // another row with one of the hashes
                    if (rows.put(row.row().key(), row) != null) throw twice(side, row.row().key(), ranges);
                };
                if (only == null) side.rows(table(side), columns(side), ranges, keep);
                else side.rowsWithHashes(table(side), columns(side), ranges, only.values().stream().mapToLong(Long::longValue).distinct().toArray(), keep);
                return rows;
            };
        }

        private CutoverException twice(Digests side, Key key, List<KeyRange> ranges) {
            return new CutoverException(ErrorCode.SOURCE_CORRUPT, "table " + table(side) + " returned key " + key + " twice in "
                    + (ranges.size() == 1 ? "range " + ranges.get(0) : ranges.size() + " ranges") + "; is its primary key enforced?");
        }

        private void report(List<Difference> found) {
            for (Difference d : found) {
                if (d instanceof Difference.Missing) missing.incrementAndGet();
                else if (d instanceof Difference.Extra) extra.incrementAndGet();
                else changed.incrementAndGet();
            }
            synchronized (out) {
                found.forEach(out);
            }
        }

        private String table(Digests side) { return side == source ? sourceTable : targetTable; }

        private List<String> columns(Digests side) { return side == source ? sourceColumns : columns; }

        /** The source's rows with their columns named as the target names them, so that rows compare field by field. */
        private Map<Key, HashedRow> asTarget(Map<Key, HashedRow> rows) {
            Map<Key, HashedRow> out = new HashMap<>();
            rows.forEach((key, row) -> {
                Map<String, Value> fields = new java.util.LinkedHashMap<>();
                row.row().fields().forEach((name, value) -> fields.put(renamed.getOrDefault(name, name), value));
                out.put(key, new HashedRow(new cutover.model.Record(row.row().entity(), row.row().key(), fields), row.hash()));
            });
            return out;
        }

        /** Runs the same query on both sides at once. */
        @SuppressWarnings("unchecked")
        private CompletableFuture<List<RangeDigest>[]> both(java.util.function.Function<Digests, List<RangeDigest>> query) {
            CompletableFuture<List<RangeDigest>> a = CompletableFuture.supplyAsync(supplier(query, source), pool);
            CompletableFuture<List<RangeDigest>> b = CompletableFuture.supplyAsync(supplier(query, target), pool);
            return a.thenCombine(b, (x, y) -> {
                if (x.size() != y.size()) {
                    throw new CutoverException(ErrorCode.INTERNAL, "the sides returned " + x.size() + " and " + y.size()
                            + " range digests for the same bounds of " + sourceTable);
                }
                return new List[] {x, y};
            });
        }

        private Supplier<List<RangeDigest>> supplier(java.util.function.Function<Digests, List<RangeDigest>> query, Digests side) {
            return () -> query.apply(side);
        }
    }

    /** The ranges {@code bounds} cut {@code within} into, in order. */
    static List<KeyRange> cut(KeyRange within, List<Value> bounds) {
        List<KeyRange> out = new ArrayList<>(bounds.size() + 1);
        Value lo = within.lo();
        for (Value b : bounds) {
            out.add(new KeyRange(lo, b));
            lo = b;
        }
        out.add(new KeyRange(lo, within.hi()));
        return out;
    }

    /** Waits for a task; a failure inside it is rethrown as it was thrown. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** Named daemon threads, so a stack dump says what they compare and they never keep the JVM alive. */
    private static final class QueryThreads implements java.util.concurrent.ThreadFactory {
        private final String table;
        private final AtomicInteger count = new AtomicInteger();

        QueryThreads(String table) { this.table = table; }

        @Override
        public Thread newThread(Runnable task) {
            Thread t = new Thread(task, "verify-" + table + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
