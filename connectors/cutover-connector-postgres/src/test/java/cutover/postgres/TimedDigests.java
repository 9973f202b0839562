package cutover.postgres;

import cutover.model.Value;
import cutover.verify.Digests;
import cutover.verify.HashedRow;
import cutover.verify.KeyRange;
import cutover.verify.RangeDigest;
import cutover.verify.TableShape;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Passes every call to a side's digests and adds up how long each kind of call took, for the benchmark's profile. */
final class TimedDigests implements Digests {
    private final Digests inner;
    private final Map<String, AtomicLong[]> calls = new TreeMap<>();

    TimedDigests(Digests inner) {
        this.inner = inner;
        for (String name : List.of("splitPoints", "digests(first level)", "digests(deeper)", "rows", "hashes", "rowsWithHashes", "bucketDigests")) {
            calls.put(name, new AtomicLong[] {new AtomicLong(), new AtomicLong()});
        }
    }

    private <T> T timed(String name, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            AtomicLong[] c = calls.get(name);
            c[0].incrementAndGet();
            c[1].addAndGet(System.nanoTime() - start);
        }
    }

    /** How many calls of a kind were made. */
    long calls(String name) { return calls.get(name)[0].get(); }

    /** One line per kind of call: how many, and their total and longest time. */
    String report(String side) {
        StringBuilder out = new StringBuilder();
        calls.forEach((name, c) -> out.append(String.format("  %s %-22s %5d calls %8.3f s in total%n", side, name, c[0].get(), c[1].get() / 1e9)));
        return out.toString();
    }

    @Override
    public String dialect() { return inner.dialect(); }

    @Override
    public Optional<TableShape> table(String table) { return inner.table(table); }

    @Override
    public long estimatedRows(String table) { return inner.estimatedRows(table); }

    @Override
    public List<Value> splitPoints(String table, KeyRange within, int parts) {
        return timed("splitPoints", () -> inner.splitPoints(table, within, parts));
    }

    @Override
    public List<RangeDigest> digests(String table, List<String> columns, KeyRange within, List<Value> bounds) {
        return timed(within.equals(KeyRange.ALL) ? "digests(first level)" : "digests(deeper)", () -> inner.digests(table, columns, within, bounds));
    }

    @Override
    public List<RangeDigest> bucketDigests(String table, List<String> columns, KeyRange within, int buckets) {
        return timed("bucketDigests", () -> inner.bucketDigests(table, columns, within, buckets));
    }

    @Override
    public boolean rangesUseIndex(String table) { return inner.rangesUseIndex(table); }

    @Override
    public void rows(String table, List<String> columns, List<KeyRange> ranges, Consumer<HashedRow> out) {
        timed("rows", () -> {
            inner.rows(table, columns, ranges, out);
            return null;
        });
    }

    @Override
    public void hashes(String table, List<String> columns, List<KeyRange> ranges, Consumer<cutover.verify.KeyedHash> out) {
        timed("hashes", () -> {
            inner.hashes(table, columns, ranges, out);
            return null;
        });
    }

    @Override
    public void rowsWithHashes(String table, List<String> columns, List<KeyRange> ranges, long[] hashes, Consumer<HashedRow> out) {
        timed("rowsWithHashes", () -> {
            inner.rowsWithHashes(table, columns, ranges, hashes, out);
            return null;
        });
    }
}
