package cutover.verify;

import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.ValueCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@link Digests} over one table held in memory, for tests of the bisection without a database:
 * rows kept in key order, each hashed by FNV-1a over the canonical encoding of its listed columns.
 * Counts its scans, so tests can see how much work a comparison asked for.
 */
final class MemoryDigests implements Digests {
    private final String dialect;
    private final TableShape shape;
    private final TreeMap<Key, Record> rows = new TreeMap<>();
    final AtomicInteger digestCalls = new AtomicInteger(), rowCalls = new AtomicInteger(), hashCalls = new AtomicInteger(),
            rowsRead = new AtomicInteger(), largestRead = new AtomicInteger();
    /** When true, behaves as a table whose range queries scan: the bisection should batch its ranges. */
    boolean scans;
    /** Whether {@link #estimatedRows} knows the size, as a database whose table was never analyzed does not. */
    boolean sized = true;

    MemoryDigests(String dialect, TableShape shape) {
        this.dialect = dialect;
        this.shape = shape;
    }

    MemoryDigests put(Record r) {
        rows.put(r.key(), r);
        return this;
    }

    MemoryDigests remove(Key k) {
        rows.remove(k);
        return this;
    }

    @Override
    public String dialect() { return dialect; }

    @Override
    public Optional<TableShape> table(String table) { return table.equals(shape.name()) ? Optional.of(shape) : Optional.empty(); }

    @Override
    public long estimatedRows(String table) { return sized ? rows.size() : -1; }

    @Override
    public List<Value> splitPoints(String table, KeyRange within, int parts) {
        List<Value> firsts = new ArrayList<>();
        for (Key k : rows.keySet()) {
            Value first = k.parts().get(0);
            if (within.contains(first) && (firsts.isEmpty() || !firsts.get(firsts.size() - 1).equals(first))) firsts.add(first);
        }
        List<Value> out = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            int at = (int) ((long) i * firsts.size() / parts);
            if (at > 0 && at < firsts.size() && (out.isEmpty() || !out.get(out.size() - 1).equals(firsts.get(at)))) out.add(firsts.get(at));
        }
        return out;
    }

    @Override
    public List<RangeDigest> digests(String table, List<String> columns, KeyRange within, List<Value> bounds) {
        digestCalls.incrementAndGet();
        List<KeyRange> ranges = RangeBisection.cut(within, bounds);
        long[] counts = new long[ranges.size()], sums = new long[ranges.size()];
        for (Record r : rows.values()) {
            for (int i = 0; i < ranges.size(); i++) {
                if (in(ranges.get(i), r)) {
                    counts[i]++;
                    sums[i] += hash(r, columns);
                }
            }
        }
        List<RangeDigest> out = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) out.add(new RangeDigest(ranges.get(i), counts[i], sums[i]));
        return out;
    }

    @Override
    public List<RangeDigest> bucketDigests(String table, List<String> columns, KeyRange within, int buckets) {
        digestCalls.incrementAndGet();
        long[] counts = new long[buckets], sums = new long[buckets];
        for (Record r : rows.values()) {
            if (!in(within, r)) continue;
            int b = bucketOf(r, buckets);
            counts[b]++;
            sums[b] += hash(r, columns);
        }
        List<RangeDigest> out = new ArrayList<>();
        for (int b = 0; b < buckets; b++) out.add(new RangeDigest(within.bucket(b, buckets), counts[b], sums[b]));
        return out;
    }

    /** Whether the record is in the range: its first key column between the bounds, and its key in the bucket. */
    static boolean in(KeyRange range, Record r) {
        if (!range.contains(r.key().parts().get(0))) return false;
        return !range.hashed() || bucketOf(r, range.buckets()) == range.bucket();
    }

    private static int bucketOf(Record r, int buckets) {
        long h = 0xcbf29ce484222325L;
        for (byte b : r.key().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        return (int) Math.floorMod(h, (long) buckets);
    }

    @Override
    public boolean rangesUseIndex(String table) { return !scans; }

    @Override
    public void rows(String table, List<String> columns, List<KeyRange> ranges, Consumer<HashedRow> out) {
        rowCalls.incrementAndGet();
        for (Record r : inRanges(ranges)) {
            rowsRead.incrementAndGet();
            out.accept(new HashedRow(r, hash(r, columns)));
        }
    }

    @Override
    public void hashes(String table, List<String> columns, List<KeyRange> ranges, Consumer<KeyedHash> out) {
        hashCalls.incrementAndGet();
        for (Record r : inRanges(ranges)) out.accept(new KeyedHash(r.key(), hash(r, columns)));
    }

    @Override
    public void rowsWithHashes(String table, List<String> columns, List<KeyRange> ranges, long[] hashes, Consumer<HashedRow> out) {
        rowCalls.incrementAndGet();
        java.util.Set<Long> wanted = java.util.Arrays.stream(hashes).boxed().collect(java.util.stream.Collectors.toSet());
        for (Record r : inRanges(ranges)) {
            long h = hash(r, columns);
            if (!wanted.contains(h)) continue;
            rowsRead.incrementAndGet();
            out.accept(new HashedRow(r, h));
        }
    }

    private List<Record> inRanges(List<KeyRange> ranges) {
        List<Record> out = rows.values().stream().filter(r -> ranges.stream().anyMatch(k -> in(k, r))).toList();
        largestRead.accumulateAndGet(out.size(), Math::max);
        return out;
    }

    static long hash(Record r, List<String> columns) {
        long h = 0xcbf29ce484222325L;
        for (String c : columns) {
            Value v = r.get(c);
            byte[] bytes = v == null ? new byte[] {(byte) 0xff} : ValueCodec.encode(v);
            for (byte b : bytes) h = (h ^ (b & 0xff)) * 0x100000001b3L;
            h = (h ^ 0xfe) * 0x100000001b3L;
        }
        return h;
    }

    static Map<String, Value> fields(Object... pairs) {
        Map<String, Value> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) out.put((String) pairs[i], (Value) pairs[i + 1]);
        return out;
    }
}
