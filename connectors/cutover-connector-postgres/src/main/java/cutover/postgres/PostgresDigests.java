package cutover.postgres;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.verify.Digests;
import cutover.verify.HashedRow;
import cutover.verify.KeyRange;
import cutover.verify.KeyedHash;
import cutover.verify.RangeDigest;
import cutover.verify.TableShape;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * PostgreSQL's {@link Digests}: range digests computed by the server in one scan, rows hashed by
 * {@link RowHash}, ranges ordered by {@link KeyOrder}. Every call runs in its own read-only
 * transaction whose settings are pinned ({@link #SESSION}), so the text forms that some hashes use
 * are the same on every server.
 */
final class PostgresDigests implements Digests {
    /**
     * Settings that decide the text of values (zone, date and interval styles, shortest exact floats,
     * hex bytea, money), pinned for every call; and JIT: left to the server, which compiles a large
     * scan (the row hash then costs a third less CPU, compile included), but without inlining
     * PostgreSQL's functions into it: on the benchmark's first level, inlining took 100-150 ms of
     * the compile and bought nothing back (1.57 s median with it, 1.36 s without, 5 alternating
     * runs; bench/RESULTS.md).
     */
    static final String SESSION = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; "
            + "SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'; SET LOCAL lc_monetary = 'C'; "
            + "SET LOCAL jit_inline_above_cost = -1; " + Pool.ALL_ROWS_OR_NONE;
    /**
     * The plan of a grouped digest: the planner cannot know that a range number has few values,
     * estimates one group per row and would sort the whole table to aggregate it (4.7 s instead of
     * 1.9 s on 5M rows). Set for that query only: with sorts disabled, any other query that sorts
     * (the catalog's, ordered) costs enough to be compiled by JIT, 90-160 ms each.
     */
    private static final String GROUPED_DIGEST = "SET LOCAL enable_sort = off; SET LOCAL work_mem = '64MB'";
    static final String DIALECT = "postgresql/typed-column-hash/1";
    /** Keys and hashes a round trip: a batch of leaves (up to 50,000 rows) in one or two. */
    private static final int HASHES_FETCH_SIZE = 25_000;
    /** Rows sampled to place the first level's split points on a large table whose key is not an integer. */
    private static final int SAMPLE_ROWS = 20_000;

    private final Pool pool;
    private final String schema;
    private final int fetchSize;
    private final Map<String, DigestTable> tables = new ConcurrentHashMap<>();
    private String dialect; // computed on first use: it costs a query

    PostgresDigests(Pool pool, String schema, int fetchSize) {
        this.pool = pool;
        this.schema = schema;
        this.fetchSize = fetchSize;
    }

    /** The dialect's name and the hash of {@link DialectProbe}'s rows on this server: equal only where the hashes agree. */
    @Override
    public synchronized String dialect() {
        if (dialect == null) dialect = DIALECT + " probe=" + inTransaction("hashing the dialect probe", DialectProbe::hash);
        return dialect;
    }

    @Override
    public Optional<TableShape> table(String table) {
        return catalogOf(table, "reading the columns of " + table)
                .map(t -> new TableShape(table, t.primaryKey(), t.columns().stream()
                        .map(col -> new TableShape.ColumnShape(col.name(), col.type(), !col.notNull())).toList()));
    }

    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");

    /**
     * The same type; a smaller integer into a larger one ({@link RowHash} hashes every integer as
     * a bigint); bounded or unbounded varchar and text into text or unbounded varchar (hashed by
     * their text alike).
     */
    @Override
    public boolean holdsAlike(String sourceType, String targetType) {
        if (sourceType.equals(targetType)) return true;
        int from = INTEGERS.indexOf(sourceType), to = INTEGERS.indexOf(targetType);
        if (from >= 0 && to >= 0) return from <= to;
        boolean textual = sourceType.equals("text") || sourceType.startsWith("character varying");
        return textual && (targetType.equals("text") || targetType.equals("character varying"));
    }

    @Override
    public long estimatedRows(String table) {
        return catalogOf(table, "reading the size of " + table).map(DigestTable::estimatedRows).orElse(-1L);
    }

    @Override
    public List<Value> splitPoints(String table, KeyRange within, int parts) {
        if (parts < 2) return List.of();
        // only an integer key has integer bounds: cut between them without a round trip
        if (within.lo() instanceof Value.Int64 lo && within.hi() instanceof Value.Int64 hi) return evenly(lo.value(), hi.value() - 1, parts);
        return inTransaction("placing split points in " + table, c -> {
            DigestTable t = keyed(c, table);
            KeyOrder order = new KeyOrder(t, RowHash.dateBin(c));
            if (order.integer()) return evenlyBetweenMinAndMax(c, t, order, within, parts);
            boolean sample = within.lo() == null && within.hi() == null && t.estimatedRows() > SAMPLE_ROWS;
            return percentiles(c, t, order, within, parts, sample);
        });
    }

    /**
     * Integer keys: cuts at equal steps between the range's least and greatest key, found on the
     * index. (A range with both ends known is cut between them without a query, above.)
     */
    private List<Value> evenlyBetweenMinAndMax(Connection c, DigestTable t, KeyOrder order, KeyRange within, int parts) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT min(" + order.expression("src") + ")::int8, max(" + order.expression("src") + ")::int8 FROM " + t.name().sql()
                + " AS src WHERE " + where(order, within, params);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                if (rs.wasNull()) return List.of();
                return evenly(min, rs.getLong(2), parts);
            }
        }
    }

    /** Up to {@code parts - 1} bounds at equal integer steps above {@code min}, none above {@code max}. */
    static List<Value> evenly(long min, long max, int parts) {
        BigInteger span = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
        BigInteger step = span.add(BigInteger.valueOf(parts - 1)).divide(BigInteger.valueOf(parts)).max(BigInteger.ONE);
        List<Value> out = new ArrayList<>();
        for (BigInteger b = BigInteger.valueOf(min).add(step); b.compareTo(BigInteger.valueOf(max)) <= 0 && out.size() < parts - 1; b = b.add(step)) {
            out.add(Value.of(b.longValueExact()));
        }
        return out;
    }

    /** Other keys: the values at 1/parts, 2/parts… of the range in key order (of a repeatable sample, for a large table's first level). */
    private List<Value> percentiles(Connection c, DigestTable t, KeyOrder order, KeyRange within, int parts, boolean sample) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sampled = "";
        if (sample) sampled = " TABLESAMPLE SYSTEM (" + Math.max(0.01, 100.0 * SAMPLE_ROWS / t.estimatedRows()) + ") REPEATABLE (0)";
        String sql = "SELECT unnest(percentile_disc(CAST(? AS float8[])) WITHIN GROUP (ORDER BY " + order.expression("src") + ")) FROM "
                + t.name().sql() + " AS src" + sampled + " WHERE " + where(order, within, params);
        Double[] fractions = new Double[parts - 1];
        for (int i = 1; i < parts; i++) fractions[i - 1] = (double) i / parts;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("float8", fractions));
            for (int i = 0; i < params.size(); i++) ps.setString(i + 2, (String) params.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                List<Value> out = new ArrayList<>();
                while (rs.next()) {
                    Value v = order.readBound(rs, 1);
                    if (v == Value.NULL || v.equals(within.lo())) continue;
                    if (out.isEmpty() || !out.get(out.size() - 1).equals(v)) out.add(v);
                }
                return out;
            }
        }
    }

    @Override
    public List<RangeDigest> digests(String table, List<String> columns, KeyRange within, List<Value> bounds) {
        return inTransaction("digesting " + table, c -> {
            DigestTable t = keyed(c, table);
            KeyOrder order = new KeyOrder(t, RowHash.dateBin(c));
            List<Object> params = new ArrayList<>();
            Buckets buckets = Buckets.of(order, within, bounds, params);
            if (!bounds.isEmpty()) set(c, GROUPED_DIGEST);
            if (bounds.size() > 1 && order.searchesInSql()) set(c, "SET LOCAL jit = off");
            String sql = "SELECT " + buckets.sql() + ", count(*), " + lowBitsOfSum(RowHash.expression(listed(t, columns), "src", RowHash.dateBin(c)))
                    + " FROM " + t.name().sql() + " AS src WHERE " + where(order, within, params) + (bounds.isEmpty() ? "" : " GROUP BY 1");
            long[] counts = new long[bounds.size() + 1], sums = new long[bounds.size() + 1];
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int b = buckets.range(rs.getLong(1));
                        counts[b] += rs.getLong(2);
                        sums[b] += rs.getLong(3) ^ Long.MIN_VALUE; // adds 2^63 back, mod 2^64
                    }
                }
            }
            List<RangeDigest> out = new ArrayList<>(bounds.size() + 1);
            Value lo = within.lo();
            for (int i = 0; i <= bounds.size(); i++) {
                Value hi = i < bounds.size() ? bounds.get(i) : within.hi();
                out.add(new RangeDigest(new KeyRange(lo, hi), counts[i], sums[i]));
                lo = hi;
            }
            return out;
        });
    }

    @Override
    public List<RangeDigest> bucketDigests(String table, List<String> columns, KeyRange within, int buckets) {
        return inTransaction("digesting " + table, c -> {
            DigestTable t = keyed(c, table);
            KeyOrder order = new KeyOrder(t, RowHash.dateBin(c));
            List<Object> params = new ArrayList<>();
            set(c, GROUPED_DIGEST);
            String sql = "SELECT " + order.keyBucket(buckets) + ", count(*), " + lowBitsOfSum(RowHash.expression(listed(t, columns), "src", RowHash.dateBin(c)))
                    + " FROM " + t.name().sql() + " AS src WHERE " + where(order, within, params) + " GROUP BY 1";
            long[] counts = new long[buckets], sums = new long[buckets];
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int b = (int) rs.getLong(1);
                        counts[b] += rs.getLong(2);
                        sums[b] += rs.getLong(3) ^ Long.MIN_VALUE;
                    }
                }
            }
            List<RangeDigest> out = new ArrayList<>(buckets);
            for (int b = 0; b < buckets; b++) out.add(new RangeDigest(within.bucket(b, buckets), counts[b], sums[b]));
            return out;
        });
    }

    /**
     * The sum of the row hashes mod 2^64, less 2^63 to fit a bigint (the reader XORs the sign bit
     * back): {@code sum(bigint)} is exact (numeric), and the server reduces it, so that the client
     * reads three longs a range, not a decimal.
     */
    private static String lowBitsOfSum(String rowHash) {
        return "(mod(mod(coalesce(sum(" + rowHash + "), 0), 18446744073709551616) + 18446744073709551616, 18446744073709551616)"
                + " - 9223372036854775808)::int8";
    }

    /**
     * Which range a row falls in, as a SQL expression to group by and the mapping of its values to
     * range numbers. Equally spaced integer bounds b0, b0 + step, … (as {@link #evenlyBetweenMinAndMax}
     * places them) group by {@code (key - (b0 - step)) / step}, clamped to the ranges afterwards in
     * Java: the cheapest expression that a hash aggregate can group by (a third of the cost of the
     * CASE it replaces, and a binary search per row costs more than the hash). Other bounds use
     * a binary search in key order ({@link KeyOrder#bucket}).
     */
    private record Buckets(String sql, long last, boolean clamped) {
        int range(long group) { return (int) (clamped ? Math.max(0, Math.min(group, last)) : group); }

        static Buckets of(KeyOrder order, KeyRange within, List<Value> bounds, List<Object> params) {
            if (bounds.isEmpty()) return new Buckets("0", 0, false);
            long[] step = equalSteps(order, within, bounds);
            String key = order.expression("src");
            if (step != null) return new Buckets("(" + key + "::int8 - " + step[0] + ") / " + step[1], bounds.size(), true);
            return new Buckets(order.bucket("src", bounds, params), bounds.size(), false);
        }
    }

    /** The origin (first bound minus the step) and the step when the bounds are integers at equal steps and no key in range can overflow the subtraction; else null. */
    private static long[] equalSteps(KeyOrder order, KeyRange within, List<Value> bounds) {
        if (!order.integer()) return null;
        long[] b = new long[bounds.size()];
        for (int i = 0; i < b.length; i++) {
            if (!(bounds.get(i) instanceof Value.Int64 v)) return null;
            b[i] = v.value();
        }
        long step = b.length > 1 ? b[1] - b[0] : 1;
        if (step <= 0) return null;
        for (int i = 1; i < b.length; i++) if (b[i] - b[i - 1] != step) return null;
        if (b[0] < Long.MIN_VALUE + step) return null;
        long origin = b[0] - step;
        boolean safe = origin >= 0 || (within.hi() instanceof Value.Int64 hi && hi.value() <= Long.MAX_VALUE + origin);
        return safe ? new long[] {origin, step} : null;
    }

    @Override
    public boolean rangesUseIndex(String table) {
        return inTransaction("reading the key of " + table, c -> new KeyOrder(keyed(c, table), RowHash.dateBin(c)).usesIndex());
    }

    @Override
    public void rows(String table, List<String> columns, List<KeyRange> ranges, Consumer<HashedRow> out) {
        inTransaction("reading rows of " + table, c -> {
            DigestTable t = keyed(c, table);
            List<Object> params = new ArrayList<>();
            stream(c, t, table, columns, inRanges(c, new KeyOrder(t, RowHash.dateBin(c)), ranges, params), params, out);
            return null;
        });
    }

    @Override
    public void rowsWithHashes(String table, List<String> columns, List<KeyRange> ranges, long[] hashes, Consumer<HashedRow> out) {
        inTransaction("reading rows of " + table, c -> {
            DigestTable t = keyed(c, table);
            List<Object> params = new ArrayList<>();
            String where = "(" + inRanges(c, new KeyOrder(t, RowHash.dateBin(c)), ranges, params) + ") AND "
                    + RowHash.expression(listed(t, columns), "src", RowHash.dateBin(c)) + " = ANY(?)";
            params.add(hashes);
            stream(c, t, table, columns, where, params, out);
            return null;
        });
    }

    /** Keys and row hashes only: two numbers or so a row to decode, where a whole row costs ten times that. */
    @Override
    public void hashes(String table, List<String> columns, List<KeyRange> ranges, Consumer<KeyedHash> out) {
        inTransaction("reading row hashes of " + table, c -> {
            DigestTable t = keyed(c, table);
            List<Object> params = new ArrayList<>();
            String where = inRanges(c, new KeyOrder(t, RowHash.dateBin(c)), ranges, params);
            StringBuilder sql = new StringBuilder("SELECT ");
            for (String k : t.primaryKey()) sql.append("src.").append(TableName.quote(k)).append(", ");
            sql.append(RowHash.expression(listed(t, columns), "src", RowHash.dateBin(c))).append(" FROM ").append(t.name().sql())
                    .append(" AS src WHERE ").append(where);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setFetchSize(HASHES_FETCH_SIZE);
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    int keys = t.primaryKey().size();
                    String[] types = new String[keys];
                    for (int i = 0; i < keys; i++) types[i] = PgTypes.typname(rs.getMetaData(), i + 1);
                    while (rs.next()) {
                        List<Value> key = new ArrayList<>(keys);
                        for (int i = 0; i < keys; i++) key.add(PgValues.read(rs, i + 1, types[i]));
                        out.accept(new KeyedHash(new Key(key), rs.getLong(keys + 1)));
                    }
                }
            }
            return null;
        });
    }

    /**
     * The condition that a row is in one of the ranges (disjoint, ascending): one range's bounds;
     * where range conditions use the key's index, their disjunction (a bitmap of index scans);
     * where they would scan the table anyway, each row's position among the ranges' ends
     * ({@link KeyOrder#bucket}, a binary search) must be one of the ranges' own.
     */
    private static String inRanges(Connection c, KeyOrder order, List<KeyRange> ranges, List<Object> params) throws SQLException {
        if (ranges.size() == 1) return where(order, ranges.get(0), params);
        boolean hashed = ranges.stream().anyMatch(KeyRange::hashed); // buckets of one key range share its ends
        return order.usesIndex() || hashed ? anyOf(order, ranges, params) : inBuckets(c, order, ranges, params);
    }

    private static String anyOf(KeyOrder order, List<KeyRange> ranges, List<Object> params) {
        StringBuilder where = new StringBuilder();
        for (KeyRange r : ranges) where.append(where.length() == 0 ? "(" : " OR (").append(where(order, r, params)).append(')');
        return where.toString();
    }

    private static String inBuckets(Connection c, KeyOrder order, List<KeyRange> ranges, List<Object> params) throws SQLException {
        List<Value> ends = new ArrayList<>();
        List<Integer> buckets = new ArrayList<>();
        for (KeyRange r : ranges) {
            if (r.lo() != null && (ends.isEmpty() || !ends.get(ends.size() - 1).equals(r.lo()))) ends.add(r.lo());
            buckets.add(r.lo() == null ? 0 : ends.size()); // range i starts at ends[i - 1]
            if (r.hi() != null) ends.add(r.hi());
        }
        if (order.searchesInSql()) set(c, "SET LOCAL jit = off");
        return order.bucket("src", ends, params) + " = ANY('" + buckets.toString().replace('[', '{').replace(']', '}').replace(" ", "") + "'::int[])";
    }

    /** Streams the rows that match {@code where} through a server-side cursor, decoded, keyed, with their hashes. */
    private void stream(Connection c, DigestTable t, String table, List<String> columns, String where, List<Object> params,
                        Consumer<HashedRow> out) throws SQLException {
        List<DigestTable.Column> listed = listed(t, columns);
        List<String> selected = new ArrayList<>(columns);
        for (String k : t.primaryKey()) if (!selected.contains(k)) selected.add(k);
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String col : selected) sql.append("src.").append(TableName.quote(col)).append(", ");
        sql.append(RowHash.expression(listed, "src", RowHash.dateBin(c))).append(" FROM ").append(t.name().sql()).append(" AS src WHERE ").append(where);
        EntityName entity = EntityName.of(table);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setFetchSize(fetchSize);
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                String[] types = new String[selected.size()];
                for (int i = 0; i < types.length; i++) types[i] = PgTypes.typname(meta, i + 1);
                while (rs.next()) {
                    Map<String, Value> values = new LinkedHashMap<>();
                    for (int i = 0; i < types.length; i++) values.put(selected.get(i), PgValues.read(rs, i + 1, types[i]));
                    List<Value> key = new ArrayList<>(t.primaryKey().size());
                    for (String k : t.primaryKey()) key.add(values.get(k));
                    Map<String, Value> fields = new LinkedHashMap<>();
                    for (String col : columns) fields.put(col, values.get(col));
                    out.accept(new HashedRow(new Record(entity, new Key(key), fields), rs.getLong(types.length + 1)));
                }
            }
        }
    }

    /** The range condition on the key, with its bounds appended to {@code params}. */
    private static String where(KeyOrder order, KeyRange range, List<Object> params) {
        StringBuilder sql = new StringBuilder("TRUE");
        String key = order.expression("src");
        if (range.lo() != null) {
            sql.append(" AND ").append(key).append(" >= CAST(? AS ").append(order.boundType()).append(')');
            params.add(KeyOrder.boundText(range.lo()));
        }
        if (range.hi() != null) {
            sql.append(" AND ").append(key).append(" < CAST(? AS ").append(order.boundType()).append(')');
            params.add(KeyOrder.boundText(range.hi()));
        }
        if (range.hashed()) sql.append(" AND ").append(order.keyBucket(range.buckets())).append(" = ").append(range.bucket());
        return sql.toString();
    }

    private static void set(Connection c, String settings) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(settings);
        }
    }

    /** Binds text parameters, arrays of bounds as text arrays (the SQL casts both to the key's type), and hashes as a bigint array. */
    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) instanceof String[] array) ps.setArray(i + 1, ps.getConnection().createArrayOf("text", array));
            else if (params.get(i) instanceof long[] hashes) ps.setObject(i + 1, hashes);
            else ps.setString(i + 1, (String) params.get(i));
        }
    }

    /** The table's catalog entry, which must have a primary key. */
    private DigestTable keyed(Connection c, String table) throws SQLException {
        DigestTable t = catalog(c, table).orElseThrow(() -> new CutoverException(ErrorCode.SOURCE_NOT_FOUND,
                "table " + table + " is not in schema " + schema + " of " + pool.location()));
        if (t.primaryKey().isEmpty()) {
            throw new CutoverException(ErrorCode.PLAN_MISMATCH, "table " + t.name() + " in " + pool.location()
                    + " has no primary key; digests cut key ranges, so they need one");
        }
        return t;
    }

    /** The table's catalog: as read once already, without a round trip, or read now. */
    private Optional<DigestTable> catalogOf(String table, String doing) {
        DigestTable cached = tables.get(table);
        return cached != null ? Optional.of(cached) : inTransaction(doing, c -> catalog(c, table));
    }

    /**
     * The table's catalog entry, read once per table and connector: a comparison makes hundreds of
     * small range queries, and three catalog queries before each one cost more than the query.
     */
    private Optional<DigestTable> catalog(Connection c, String table) throws SQLException {
        DigestTable cached = tables.get(table);
        if (cached != null) return Optional.of(cached);
        Optional<DigestTable> loaded = DigestTable.load(c, TableName.resolve(table, schema));
        loaded.ifPresent(t -> tables.putIfAbsent(table, t));
        return loaded;
    }

    private static List<DigestTable.Column> listed(DigestTable t, List<String> columns) {
        List<DigestTable.Column> out = new ArrayList<>(columns.size());
        for (String name : columns) {
            out.add(t.column(name).orElseThrow(() -> new CutoverException(ErrorCode.PLAN_UNKNOWN_FIELD,
                    "column " + name + " is not in table " + t.name() + "; its columns are "
                            + t.columns().stream().map(DigestTable.Column::name).toList())));
        }
        return out;
    }

    /** Runs the work in a read-only transaction with the pinned settings, and ends it. */
    private <T> T inTransaction(String doing, Pool.SqlWork<T> work) {
        try (Connection c = pool.connection()) {
            pool.beginRead(c); // at the backup's moment, while one is held
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(SESSION);
                }
                return work.run(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, doing + " (schema " + schema + ")", pool.location());
        }
    }
}
