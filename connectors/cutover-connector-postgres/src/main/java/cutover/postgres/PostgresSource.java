package cutover.postgres;

import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.ChangeTracking;
import cutover.connector.EntityInfo;
import cutover.connector.PointInTime;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;

import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Utils;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL as a source: the tables of one schema, each read in primary key order with a
 * server-side cursor and resumable after the last key read. Entities are named by bare table name.
 *
 * <p>Splits: a table with fewer estimated rows than {@code split-rows} is one split, id = the table
 * name. A larger one is cut into key ranges on its first primary key column at percentiles of a
 * sample ({@code TABLESAMPLE SYSTEM … REPEATABLE}); the id is {@code table#["lo","hi"]} (bounds in
 * PostgreSQL's text form, null for open ends), so it can be read back without asking again. The
 * sample is repeatable, so ids stay the same while the table's pages do; if they move, a resumed run
 * reads those ranges again and the sink's upsert absorbs the repeats.
 *
 * <p>A table without a primary key is read as one split in {@code ctid} order, keyed by ctid (after
 * the partition's name in a partitioned table, {@code events_eu:(0,1)}): exact only if its rows are
 * not updated while it is read (an update moves a row).
 */
final class PostgresSource implements ChangeTracking {
    /** Change tracking by {@code xmin} (docs/backup-format.md, "Change layers"). */
    static final String CHANGE_METHOD = "postgresql/xmin/1";
    /** Change tracking by the write-ahead log, through a replication slot, and by {@code xmin} where the log cannot tell. */
    static final String LOG_CHANGE_METHOD = "postgresql/wal/1";
    /** Rows sampled to place split bounds. */
    private static final int SAMPLE_ROWS = 20_000;

    private final Pool pool;
    private final String schema;
    private final int splitRows;
    private final int fetchSize;
    /** What the log tells of the changes between backups, or null: they are found by {@code xmin} scans. */
    private final LoggedChanges logged;

    /** The schemas backed up at the same moment as this one, this one among them (a {@link cutover.connector.SchemaSet}'s). */
    private final List<String> readTogether;

    /** {@code log}: where changes between backups are read from, or null (by scans). */
    PostgresSource(Pool pool, String schema, int splitRows, int fetchSize, ChangeLog log) {
        this(pool, schema, List.of(schema), splitRows, fetchSize, log);
    }

    /** A source of one of the schemas {@code readTogether}, backed up at one moment. */
    PostgresSource(Pool pool, String schema, List<String> readTogether, int splitRows, int fetchSize, ChangeLog log) {
        this.pool = pool;
        this.schema = schema;
        this.readTogether = List.copyOf(readTogether);
        this.splitRows = splitRows;
        this.fetchSize = fetchSize;
        this.logged = log == null ? null : new LoggedChanges(log);
    }

    @Override
    public List<EntityInfo> entities() {
        List<EntityInfo> out = new ArrayList<>();
        for (SourceTable t : tables().values()) {
            out.add(new EntityInfo(EntityName.of(t.name().name()), t.estimatedRows(), t.estimatedBytes(), t.primaryKey(), t.nullableColumns()));
        }
        return out;
    }

    /**
     * An exported snapshot (as {@code pg_dump} takes), imported by every reader and digest of this
     * connector while held; when following the log, the one a temporary replication slot exports,
     * whose place in the log is known.
     */
    @Override
    public Optional<PointInTime> holdAtThisMoment() {
        if (!pool.heldForAll()) requireSchemas(pool, List.of(schema)); // a set's were, when it was held
        PointInTime held;
        if (logged == null) {
            held = pool.holdAtThisMoment(() -> tablesToLock(pool, List.of(schema)));
        } else {
            ChangeLog.Moment moment = logged.hold();
            // a moment not placed in the log (running transactions kept it waiting) is an exported snapshot, its changes found by scans
            java.util.function.Consumer<java.sql.Connection> giveBack = exporter -> logged.giveBack(moment);
            held = !moment.inLog() ? pool.holdAtThisMoment(() -> tablesToLock(pool, List.of(schema)))
                    : moment.read() != null ? pool.holdExported(moment.read(), moment.holder(), giveBack)
                    : pool.holdAt(moment.snapshotId(), moment.holder(), giveBack);
        }
        MomentCatalog catalog = new MomentCatalog();
        heldCatalog = catalog;
        return Optional.of(new PointInTime() {
            @Override
            public String id() { return held.id(); }

            @Override
            public void close() {
                if (heldCatalog == catalog) heldCatalog = null;
                if (logged != null) logged.release();
                held.close();
            }
        });
    }

    /**
     * Fails where the database has no schema of these ({@code SOURCE_NOT_FOUND}, naming the schemas
     * that hold tables): a backup of it would hold nothing. Asked by every backup's moment, not once
     * a process: a scheduled backup of a schema dropped since stored an empty snapshot every run
     * (acceptance run 30).
     */
    static void requireSchemas(Pool pool, List<String> schemas) {
        for (String schema : schemas) {
            Optional<List<String>> others;
            try {
                others = pool.readCatalog(c -> LeftOut.missing(c, schema));
            } catch (SQLException e) {
                throw SqlErrors.translateRead(e, "reading whether schema " + schema + " exists", pool.location());
            }
            if (others.isEmpty()) continue;
            throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, pool.location() + " has no schema " + TableName.quote(schema) + ", so a backup"
                    + " of it would hold nothing" + (others.get().isEmpty() ? " (it has no tables in any schema)"
                    : "; its tables are in schema" + (others.get().size() == 1 ? " " : "s ") + String.join(", ", others.get().stream().map(TableName::quote).toList()))
                    + " (?schema= names the one read)");
        }
    }

    /**
     * What the last moment held could not do that a backup should say: its tables not locked
     * against TRUNCATE and ALTER TABLE while read (the server could not hold the locks, or the role
     * may not lock a partition), so one truncated meanwhile would be empty in the snapshot.
     */
    @Override
    public List<String> momentWarnings() {
        return pool.unlocked().map(why -> List.of("the tables were read without being locked against TRUNCATE and ALTER TABLE (as pg_dump"
                + " locks them): " + why + "; one truncated or rewritten while they were read would be empty or wrong in this snapshot")).orElse(List.of());
    }

    /** The tables of {@code schemas} as {@code LOCK TABLE} names them, read now ({@link Pool#holdAtThisMoment(java.util.function.Supplier)}). */
    static Pool.ToLock tablesToLock(Pool pool, List<String> schemas) {
        try {
            return pool.readCatalog(c -> {
                // those the role may read (a migration's rollback point reads only the plan's), and, with the partitions and
                // children a lock takes too, no more than half the server's lock table, which the application shares
                try (PreparedStatement ps = c.prepareStatement("WITH t AS (SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                        + " AND has_table_privilege(c.oid, 'SELECT')) SELECT t.name, (SELECT count(*) FROM pg_class k WHERE k.relkind IN ('r', 'p')"
                        + " AND k.relnamespace = ANY (SELECT oid FROM pg_namespace WHERE nspname = ANY (?))) * 2"
                        + " > current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int"
                        + " + current_setting('max_prepared_transactions')::int) FROM t ORDER BY 1")) {
                    ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
                    ps.setArray(2, c.createArrayOf("text", schemas.toArray()));
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getBoolean(2)) return Pool.ToLock.none("they and their partitions would take more than half the server's lock table");
                            out.add(rs.getString(1));
                        }
                    }
                    return new Pool.ToLock(out, null);
                }
            });
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "listing the tables of schema " + String.join(", ", schemas), pool.location());
        }
    }

    /** The catalog as read while the current moment is held; null when none is. */
    private volatile MomentCatalog heldCatalog;

    @Override
    public List<Split> splits(int parallelism) {
        return splitsExcept(parallelism, Set.of());
    }

    /** The splits of the tables not in {@code skipped}: a table skipped costs no sample for its key ranges. */
    @Override
    public List<Split> splitsExcept(int parallelism, Set<EntityName> skipped) {
        List<Split> out = new ArrayList<>();
        Map<String, SourceTable> tables = tables(); // before borrowing: a pool of one must not wait on itself
        // in a read transaction: at the held moment, and, its tables locked, waiting briefly for a lock a TRUNCATE asked since queues it behind
        return reading("splitting the tables", c -> {
            for (SourceTable t : tables.values()) {
                EntityName entity = EntityName.of(t.name().name());
                if (skipped.contains(entity)) continue;
                long rows = t.estimatedRows() >= 0 ? t.estimatedRows() : count(c, t);
                long parts = Math.min(parallelism, (rows + splitRows - 1) / splitRows);
                if (t.primaryKey().isEmpty() || parts < 2) {
                    out.add(new Split(t.name().name(), Set.of(entity), rows, "table " + t.name() + ", all rows"));
                    continue;
                }
                List<String> bounds = bounds(c, t, (int) parts, rows);
                for (int i = 0; i <= bounds.size(); i++) {
                    String lo = i == 0 ? null : bounds.get(i - 1);
                    String hi = i == bounds.size() ? null : bounds.get(i);
                    String id = t.name().name() + "#" + KeyText.encode(Arrays.asList(lo, hi));
                    out.add(new Split(id, Set.of(entity), rows / (bounds.size() + 1), "table " + t.name() + ", "
                            + t.primaryKey().get(0) + (lo == null ? "" : " from " + lo) + (hi == null ? "" : " before " + hi)));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> leftOut() {
        try {
            requireSchemas(pool, List.of(schema));
            return pool.readCatalog(c -> LeftOut.of(c, schema, readTogether));
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading what is outside schema " + schema, pool.location());
        }
    }

    @Override
    public RecordReader read(Split split, Position from) {
        Located at = locate(split);
        return new PostgresReader(pool, at.table(), at.lo(), at.hi(), from, fetchSize);
    }

    /**
     * The table's columns with the type names its rows carry over JDBC (those {@link PgValues} decodes
     * by). A table without a primary key has one too: its text, in {@code ctid} order, is the only
     * faithful copy of rows that nothing tells apart (two equal rows stay two).
     */
    @Override
    public Optional<CopyShape> copyShape(EntityName entity) {
        return shapeOf(tables(entity.value()).get(entity.value()));
    }

    private Optional<CopyShape> shapeOf(SourceTable table) {
        if (table == null) return Optional.empty();
        MomentCatalog held = heldCatalog;
        if (held == null) return readShape(table);
        // a backup asks every table's in turn: all are read at the first
        Optional<CopyShape> shape = held.shapeAmongAll(table.name().name(), () -> readShapes(tables(null).values()));
        return shape != null ? shape : held.shape(table.name().name(), () -> readShape(table));
    }

    private Optional<CopyShape> readShape(SourceTable table) {
        return Optional.ofNullable(readShapes(List.of(table)).get(table.name().name()));
    }

    /**
     * The tables' COPY shapes, by table name: each column with the type name the driver gives the
     * column of a row read ({@code getColumnTypeName}, a serial's as its integer type: {@link
     * PgTypes#typname}), from one catalog query: the type the server describes a column's values
     * by (a domain's base type, as the server describes it; an array of a domain as itself) named
     * as the driver names that type. The driver's own metadata took a round trip a table, and
     * another for its serial test (2 s of a thousand tables' backup, bench/RESULTS.md "Thirty-sixth
     * session"); a table dropped since its listing has none.
     */
    private Map<String, CopyShape> readShapes(java.util.Collection<SourceTable> tables) {
        if (tables.isEmpty()) return Map.of();
        Map<String, SourceTable> byOid = new java.util.HashMap<>();
        for (SourceTable t : tables) byOid.put(t.oid(), t);
        Map<String, List<CopyColumn>> columns = new LinkedHashMap<>();
        try (Connection c = pool.connection();
             PreparedStatement ps = c.prepareStatement("WITH RECURSIVE base (oid, described) AS (SELECT t.oid, t.oid FROM pg_type t"
                     + " WHERE t.typtype <> 'd' UNION ALL SELECT d.oid, b.described FROM pg_type d JOIN base b ON b.oid = d.typbasetype"
                     + " WHERE d.typtype = 'd') SELECT a.attrelid::text, a.attname::text, b.described::int8 FROM pg_attribute a"
                     + " JOIN base b ON b.oid = a.atttypid WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
                     + " ORDER BY a.attrelid, a.attnum")) {
            ps.setArray(1, c.createArrayOf("text", byOid.keySet().toArray()));
            org.postgresql.core.TypeInfo types = c.unwrap(org.postgresql.core.BaseConnection.class).getTypeInfo();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SourceTable table = byOid.get(rs.getString(1));
                    columns.computeIfAbsent(table.name().name(), t -> new ArrayList<>())
                            .add(new CopyColumn(rs.getString(2), PgTypes.named(types.getPGType((int) rs.getLong(3)))));
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading the columns of the tables of schema " + schema, pool.location());
        }
        Map<String, CopyShape> out = new LinkedHashMap<>();
        for (SourceTable t : tables) {
            List<CopyColumn> read = columns.getOrDefault(t.name().name(), t.columns().isEmpty() ? List.of() : null); // a table of no column has no row here
            // columns added or dropped since the listing: the table is read as listed, its shape not then
            if (read != null && read.stream().map(CopyColumn::name).toList().equals(t.columns())) out.put(t.name().name(), new CopyShape(PgCopyText.NAME, read));
        }
        return out;
    }

    /**
     * {@code COPY (SELECT … ORDER BY key) TO STDOUT}: the split's query as {@link #read} runs it, with
     * its bounds as literals, in a read transaction of the connector (at the held moment, if any),
     * whose session settings (UTC, ISO dates, shortest exact floats) fix the text forms.
     */
    @Override
    public long copyOut(Split split, OutputStream out) {
        Located at = locate(split);
        return copy(at.table(), null, standardStrings -> PostgresReader.select(at.table(), at.lo(), at.hi(), List.of(), false,
                v -> literal(v, standardStrings)), out);
    }

    /** The tables' {@link TableDefinition}s, read from the catalog now (a sequence's last value is the server's, not the held moment's). */
    @Override
    public Map<EntityName, cutover.model.NativeDefinition> definitions(java.util.Collection<EntityName> entities) {
        List<String> names = entities.stream().map(EntityName::value).toList();
        try {
            Map<EntityName, cutover.model.NativeDefinition> out = new LinkedHashMap<>();
            pool.readCatalog(c -> TableDefinitions.read(c, schema, names)).forEach((table, d) -> out.put(EntityName.of(table), d.toNative()));
            return out;
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading the definitions of the tables of schema " + schema, pool.location());
        }
    }

    /** The schema's routines, views, sequences no column uses, triggers, rules, policies, comments and grants ({@link SchemaObjects}); empty when it has none. */
    @Override
    public Optional<cutover.model.NativeDefinition> schemaObjects() {
        return schemaObjects(List.of());
    }

    @Override
    public Optional<cutover.model.NativeDefinition> schemaObjects(java.util.Collection<EntityName> leftOut) {
        try {
            Set<String> tables = new java.util.HashSet<>();
            leftOut.forEach(e -> tables.add(e.value()));
            SchemaObjects objects = pool.readCatalog(c -> SchemaObjectsReading.read(c, schema)).ofTablesBut(tables);
            return objects.isEmpty() ? Optional.empty() : Optional.of(objects.toNative());
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, "reading the views, functions, triggers and policies of schema " + schema, pool.location());
        }
    }

    @Override
    public String changeMethod() { return logged == null ? CHANGE_METHOD : LOG_CHANGE_METHOD; }

    /**
     * {@code <system identifier>:<timeline>:<database oid>:<xmin>}: the cluster (a restored or
     * upgraded copy is another one) and its timeline (a point-in-time recovery or a promoted standby
     * starts a new one, and may give again transaction ids the mark has seen), the database, and the
     * oldest transaction running at the held moment, with its epoch; when following the log, then
     * {@code :<slot>:<LSN>}, the slot and the moment's place in the log. Empty when not held, or when
     * the server does not say its system identifier or timeline.
     */
    @Override
    public Optional<String> markOfThisMoment() {
        Optional<Pool.Moment> held = pool.heldMoment();
        if (held.isEmpty()) return Optional.empty();
        Cluster cluster = this.cluster;
        if (cluster == null || !cluster.snapshotId().equals(held.get().snapshotId())) {
            cluster = new Cluster(held.get().snapshotId(), clusterIdentity());
            this.cluster = cluster;
        }
        String inLog = logged == null ? "" : logged.placeOfTheMoment();
        return cluster.identity().map(id -> id + ":" + held.get().databaseOid() + ":" + held.get().xmin() + inLog);
    }

    /**
     * The same cluster, timeline and database, and fewer than 2^31 transactions since, less a margin:
     * an {@code xmin} is 32 bits, and tells a later transaction from an earlier one only that far.
     */
    @Override
    public boolean tracksSince(String mark) {
        Optional<String> now = markOfThisMoment();
        if (now.isEmpty()) return false;
        String[] then = mark.split(":"), current = now.get().split(":");
        if (then.length != current.length) return false;
        for (int i = 0; i < 3; i++) if (!then[i].equals(current[i])) return false;
        try {
            long from = Long.parseLong(then[3]), to = Long.parseLong(current[3]);
            return from <= to && to - from < (1L << 31) - (1L << 24);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The cluster's identity as the held moment {@code snapshotId} saw it. */
    private record Cluster(String snapshotId, Optional<String> identity) {}

    private volatile Cluster cluster;

    /** Keys per bucket aimed at when the bucketing is chosen: a deleted key costs its bucket's keys in the next change layer. */
    private static final int KEYS_PER_BUCKET = 256;
    private static final int MIN_BUCKETS = 64;
    private static final int MAX_BUCKETS = 4096;

    @Override
    public boolean tracks(EntityName entity) {
        return keyed(entity).isPresent();
    }

    @Override
    public Optional<KeyBuckets> keyBuckets(EntityName entity, Bucketing bucketing, String since) {
        Optional<KeyedTable> keyed = keyed(entity);
        if (keyed.isEmpty()) return Optional.empty();
        Bucketing chosen = bucketing != null ? bucketing : bucketingOf(keyed.get());
        BucketCounts counts = new BucketCounts(chosen);
        String sql = bucketsQuery(keyed.get(), chosen, since, 0);
        reading("counting the keys of " + keyed.get().table().name(), c -> {
            try (java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) counts.add(rs);
            }
            return null;
        });
        return Optional.of(counts.buckets());
    }

    /** Tables of at most this size on disk (rows, indexes, TOAST) are counted {@link #SMALL_TABLES_A_STATEMENT} at a time. */
    static final long SMALL_TABLE_BYTES = 2L << 20;
    /** How many small tables one statement counts: a transaction and a few round trips a table were most of their cost. */
    static final int SMALL_TABLES_A_STATEMENT = 64;

    /**
     * The small tables of {@code asked} counted {@link #SMALL_TABLES_A_STATEMENT} to a statement (a
     * {@code UNION ALL} of each one's {@link #keyBuckets} query), in one read transaction each; the
     * others are left to {@link #keyBuckets}, as are all where the log tells the changes.
     */
    @Override
    public Map<EntityName, KeyBuckets> keyBucketsOfMany(List<BucketsAsked> asked) {
        if (logged != null) return Map.of();
        Map<EntityName, KeyBuckets> out = new LinkedHashMap<>();
        List<BucketsAsked> batch = new ArrayList<>();
        List<KeyedTable> tables = new ArrayList<>();
        for (BucketsAsked a : asked) {
            if (a.bucketing() == null) continue; // its bucketing is read from its key range first
            Optional<KeyedTable> keyed = keyed(a.entity());
            // a partitioned table's own size is none: its partitions' rows are counted alone, beside the others' decisions
            if (keyed.isEmpty() || keyed.get().table().partitioned() || keyed.get().table().estimatedBytes() > SMALL_TABLE_BYTES) continue;
            batch.add(a);
            tables.add(keyed.get());
            if (batch.size() == SMALL_TABLES_A_STATEMENT) {
                out.putAll(countTogether(batch, tables));
                batch.clear();
                tables.clear();
            }
        }
        if (!batch.isEmpty()) out.putAll(countTogether(batch, tables));
        return out;
    }

    private Map<EntityName, KeyBuckets> countTogether(List<BucketsAsked> asked, List<KeyedTable> tables) {
        StringBuilder sql = new StringBuilder();
        List<BucketCounts> counts = new ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append(bucketsQuery(tables.get(i), asked.get(i).bucketing(), asked.get(i).since(), i));
            counts.add(new BucketCounts(asked.get(i).bucketing()));
        }
        reading("counting the keys of " + asked.size() + " small tables", c -> {
            try (java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
                while (rs.next()) counts.get(rs.getInt(6)).add(rs);
            }
            return null;
        });
        Map<EntityName, KeyBuckets> out = new LinkedHashMap<>();
        for (int i = 0; i < asked.size(); i++) out.put(asked.get(i).entity(), counts.get(i).buckets());
        return out;
    }

    /**
     * The table's keys counted by bucket, with their hashes' sum, and those of the rows changed since
     * {@code since}: a row a bucket, the sixth column {@code which} (a {@code UNION ALL} of tables tells them apart by it).
     */
    private String bucketsQuery(KeyedTable keyed, Bucketing bucketing, String since, int which) {
        List<String> keys = keyed.quotedKeys();
        List<String> types = keyed.keyTypes();
        return "SELECT b, count(*), coalesce(sum(h), 0)::text, count(*) FILTER (WHERE c), coalesce(sum(h) FILTER (WHERE c), 0)::text, " + which
                + " FROM (SELECT " + KeyBucket.sql(keys, types, bucketing) + " AS b, " + KeyBucket.hashSql(keys, types) + " AS h, "
                + (since == null ? "false" : changedSince(since)) + " AS c FROM " + keyed.table().from() + " AS src) s GROUP BY b";
    }

    /** A table's bucket counts as its query's rows give them. */
    private static final class BucketCounts {
        private final Bucketing bucketing;
        private final long[] counts;
        private final String[] digests;
        private final long[] changedCounts;
        private final String[] changedDigests;

        BucketCounts(Bucketing bucketing) {
            this.bucketing = bucketing;
            counts = new long[bucketing.buckets()];
            digests = new String[bucketing.buckets()];
            changedCounts = new long[bucketing.buckets()];
            changedDigests = new String[bucketing.buckets()];
            java.util.Arrays.fill(digests, "0");
            java.util.Arrays.fill(changedDigests, "0");
        }

        void add(ResultSet rs) throws SQLException {
            int b = rs.getInt(1);
            counts[b] = rs.getLong(2);
            digests[b] = rs.getString(3);
            changedCounts[b] = rs.getLong(4);
            changedDigests[b] = rs.getString(5);
        }

        KeyBuckets buckets() {
            return new KeyBuckets(bucketing, counts, digests, changedCounts, changedDigests);
        }
    }

    /**
     * About {@link #KEYS_PER_BUCKET} keys a bucket, by the catalog's estimate; for an integer key, the
     * shift that makes the buckets' runs of keys cover the key range once (from the index's ends).
     */
    private Bucketing bucketingOf(KeyedTable keyed) {
        long rows = Math.max(0, keyed.table().estimatedRows());
        int buckets = Integer.highestOneBit((int) Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, rows / KEYS_PER_BUCKET)));
        if (!KeyBucket.byValue(keyed.keyTypes())) return new Bucketing(buckets, 0);
        String key = keyed.quotedKeys().get(0);
        return reading("reading the key range of " + keyed.table().name(), c -> {
            try (java.sql.Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT min(" + key + ")::int8, max(" + key + ")::int8 FROM " + keyed.table().from() + " AS src")) {
                rs.next();
                long span = rs.getLong(2) - rs.getLong(1); // wraps for a range wider than a long: shifted as far as it goes
                int shift = 0;
                while (shift < 62 && Long.compareUnsigned(span >>> shift, buckets) >= 0) shift++;
                return new Bucketing(buckets, shift);
            }
        });
    }

    /**
     * The rows changed since {@code mark}: where the log tells them, the rows of the keys it names,
     * read by key at the held moment; else every row whose {@code xmin} is at or after the mark's.
     */
    @Override
    public long copyChangedSince(EntityName entity, String mark, OutputStream out) {
        Optional<KeyedTable> found = keyed(entity);
        if (found.isEmpty()) throw new IllegalArgumentException(entity + " has no key changes are tracked by");
        KeyedTable keyed = found.get();
        SourceTable table = keyed.table();
        Optional<LoggedKeys> fromLog = loggedKeys(entity, mark);
        java.util.OptionalLong written = fromLog.isEmpty() ? java.util.OptionalLong.empty() : LoggedChanges.writeRows(keyed, fromLog.get(), out, new KeyOrder(keyed));
        if (written.isPresent()) return written.getAsLong();
        if (fromLog.isPresent() && fromLog.get().written() <= Math.max(BY_KEY_ALWAYS, table.estimatedRows() / BY_KEY_SHARE)) {
            return copy(table, keyed.quotedKeys().size() == 1 ? ROWS_BY_KEY : ROWS_BY_COMPOSITE_KEY, standardStrings -> PostgresReader.select(table, null, null, List.of(), false,
                    v -> literal(v, standardStrings), LoggedChanges.keysIn(keyed, fromLog.get(), standardStrings)), out);
        }
        return copy(table, CHANGED_ROWS_PLAN, standardStrings -> PostgresReader.select(table, null, null, List.of(), false,
                v -> literal(v, standardStrings), changedSince(mark)), out);
    }

    /**
     * The log's rows are looked up by key while they are at most 1/BY_KEY_SHARE of the table's: a
     * probe reads a page at random (50 µs each from the OS's cache for 100,000 keys of a 1.85 GB
     * table, 5 s), a scan of the changed rows by {@code xmin} reads every page in order (4.6 s): past
     * about 1%, the scan is cheaper, and gives the same rows (and possibly a few more). Up to
     * {@link #BY_KEY_ALWAYS} keys they are looked up whatever the table's size: a fraction of a second.
     */
    private static final int BY_KEY_SHARE = 150;
    private static final int BY_KEY_ALWAYS = 2_000;

    /**
     * The rows the log names, looked up by key: {@code key = ANY(keys)} is an index scan that searches
     * the B-tree for each key in order, which the planner finds itself; its cost estimate for
     * thousands of keys passes {@code jit_above_cost}, and compiling the query would cost more than
     * running it (0.17 s against 0.03 s for 10,000 keys).
     */
    private static final String ROWS_BY_KEY = "SET LOCAL jit = off";
    /**
     * A composite key joins the table with the keys' columns: the planner, costing random reads as
     * from disk, would scan the whole table and hash the keys once they are a few hundred, the scan
     * the log is there to avoid; so one index probe per key.
     */
    private static final String ROWS_BY_COMPOSITE_KEY = "SET LOCAL jit = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; "
            + "SET LOCAL enable_mergejoin = off";

    /** The changed rows of the entity as the log wrote them ({@link LoggedChanges#writeRows}), or empty where it cannot. */
    java.util.OptionalLong writeLoggedRows(EntityName entity, String mark, OutputStream out) {
        Optional<KeyedTable> keyed = keyed(entity);
        Optional<LoggedKeys> keys = loggedKeys(entity, mark);
        return keyed.isEmpty() || keys.isEmpty() ? java.util.OptionalLong.empty() : LoggedChanges.writeRows(keyed.get(), keys.get(), out, lines -> keyOrder(keyed.get(), lines));
    }

    /**
     * From the keys at {@code since} and the keys the log says changed since: each key now in the
     * table that was not then counted in, each that was and is not counted out, each now in the
     * table counted as changed; as {@link #keyBuckets} counts them (by {@link LineKeyCounting}).
     */
    @Override
    public Optional<KeyBuckets> keyBucketsAfter(EntityName entity, KeyBuckets then, String since) {
        Optional<LoggedKeys> fromLog = loggedKeys(entity, since);
        Optional<KeyedTable> keyed = fromLog.isEmpty() ? Optional.empty() : keyed(entity);
        if (keyed.isEmpty() || !countsLines(keyed.get())) return Optional.empty();
        return Optional.of(LoggedChanges.bucketsAfter(keyed.get(), fromLog.get(), then));
    }

    /** The positions of the key lines {@code keys} in the table's order, asked of the server ({@link LoggedChanges#serverOrder}). */
    private int[] keyOrder(KeyedTable keyed, List<String> keys) {
        return reading("ordering the changed keys of " + keyed.table().name(), c -> LoggedChanges.serverOrder(c, keyed.table(), keys));
    }

    // What only an incremental backup from the log runs is a class, or a lambda made with the source:
    // a lambda's class is made the first time its line runs, in a streaming process's first incremental.

    /** The changed keys' order of a table, asked of the server ({@link #keyOrder}). */
    private final class KeyOrder implements java.util.function.Function<List<String>, int[]> {
        private final KeyedTable keyed;

        KeyOrder(KeyedTable keyed) { this.keyed = keyed; }

        @Override
        public int[] apply(List<String> keys) { return keyOrder(keyed, keys); }
    }

    private final java.util.function.Supplier<Map<String, List<String>>> primaryKeysWhenAsked = this::primaryKeys;

    /** The keys of the entity's table that the log says changed since {@code mark}, or empty when it cannot tell them all. */
    private Optional<LoggedKeys> loggedKeys(EntityName entity, String mark) {
        return logged == null ? Optional.empty() : logged.keys(entity, mark, primaryKeysWhenAsked);
    }

    /**
     * The table's relation oid: a table made again, or renamed into the name, has another. From the
     * catalog's rows of the tables, which a held moment reads once (a query of every run before).
     */
    @Override
    public Optional<String> tableIdentity(EntityName entity) {
        return Optional.ofNullable(tables(entity.value()).get(entity.value())).map(t -> t.oid() + "/" + t.rowsLayout());
    }

    /** A table without a primary key is keyed by ctid, which a copy of its rows does not share. */
    @Override
    public boolean keyedByPlace(EntityName entity) {
        SourceTable t = tables(entity.value()).get(entity.value());
        return t != null && t.keyedByPlace();
    }

    @Override
    public List<String> keyColumns(EntityName entity) {
        SourceTable t = tables(entity.value()).get(entity.value());
        return t == null ? List.of() : t.primaryKey();
    }

    /** The primary key columns of the schema's tables that have one. */
    private Map<String, List<String>> primaryKeys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        tables().forEach((name, t) -> {
            if (!t.primaryKey().isEmpty()) keys.put(name, t.primaryKey());
        });
        return keys;
    }

    /** Keeps the slot streamed from the last stored moment, for a process that stays up (see {@link ChangeLog#keepUp}). */
    @Override
    public void keepUp() {
        if (logged != null) logged.keepUp(primaryKeys());
    }

    /** The rehearsal of an incremental backup, if it still runs, ends after its round ({@link LogReadingRehearsal#runBegins}). */
    @Override
    public void backupBegins() {
        LogReadingRehearsal.runBegins();
    }

    /** Moments' replication connections are kept for the next backup's (see {@link ChangeLog#staysUp}). */
    @Override
    public void staysUp() {
        if (logged != null) logged.staysUp();
    }

    /** The log's slot moves to the stored moment: the changes before it are no longer kept for this source. */
    @Override
    public void storedUpTo(String mark) {
        if (logged != null) logged.storedUpTo(mark);
    }

    /**
     * The changed rows are a few of the table's, found by a filter no index serves: read in key order
     * by the index, they cost a random visit per row of the table (2.2 s on 10M rows); scanned and
     * then sorted, 1.3 s. The planner, which guesses a third of the rows pass, would take the index.
     */
    private static final String CHANGED_ROWS_PLAN = "SET LOCAL enable_indexscan = off; SET LOCAL work_mem = '64MB'";

    @Override
    public long copyKeysIn(EntityName entity, Bucketing buckets, int[] which, OutputStream out) {
        KeyedTable keyed = keyed(entity).orElseThrow(() -> new IllegalArgumentException(entity + " has no key changes are tracked by"));
        String keys = String.join(", ", keyed.quotedKeys());
        StringBuilder in = new StringBuilder();
        for (int b : which) in.append(in.length() == 0 ? "" : ",").append(b);
        String select = "SELECT " + keys + " FROM " + keyed.table().from() + " AS src WHERE "
                + KeyBucket.sql(keyed.quotedKeys(), keyed.keyTypes(), buckets) + " = ANY('{" + in + "}'::int[]) ORDER BY " + keys;
        return copy(keyed.table(), null, standardStrings -> select, out);
    }

    /**
     * Rows whose {@code xmin} is at or after the mark's, in 32-bit modular order: every row inserted
     * or updated by a transaction that had not ended at the mark's moment has one (a later
     * transaction, or a subtransaction, has a later id). Also some rows visible then (of transactions
     * that ended between the oldest running and the moment) and rows frozen more than 2^31
     * transactions ago: a few rows too many, never one too few.
     *
     * <p>Written with {@code age()}, which is {@code now - xid} as a 32-bit signed number for one
     * {@code now} per transaction: a row is at or after the mark when it is no older than the mark.
     * Its text form ({@code xmin::text::int8}) costs twice the whole counting pass (4.7 s against
     * 2.1 s on 10M rows). Should the mark be 2^31 or more transactions behind {@code now} (its age
     * then wraps negative; {@link #tracksSince} keeps it 2^24 short of that), every row counts as changed.
     */
    private static String changedSince(String mark) {
        long xmin = Long.parseLong(mark.split(":")[3]) & 0xFFFF_FFFFL;
        return "age(src.xmin) <= (SELECT CASE WHEN a >= 0 THEN a ELSE 2147483647 END FROM age('" + xmin + "'::xid) AS a)";
    }

    private Optional<KeyedTable> keyed(EntityName entity) {
        SourceTable table = tables(entity.value()).get(entity.value());
        if (table == null || table.primaryKey().isEmpty()) return Optional.empty();
        Optional<CopyShape> shape = shapeOf(table);
        if (shape.isEmpty()) return Optional.empty();
        List<String> types = new ArrayList<>();
        int[] keyAt = table.primaryKey().stream().mapToInt(k -> shape.get().columnNames().indexOf(k)).toArray();
        for (int at : keyAt) types.add(shape.get().columns().get(at).type());
        if (!KeyBucket.buckets(types)) return Optional.empty();
        return Optional.of(new KeyedTable(table, table.primaryKey().stream().map(k -> "src." + TableName.quote(k)).toList(), types, keyAt));
    }

    /**
     * Keys of the types {@link LineKeyCounting} counts, from the lines a backup reads, where this
     * server's hash functions give what {@link PgHash} computes (checked once, on probe values).
     */
    @Override
    public Optional<KeyCounting> keyCounting(EntityName entity) {
        Optional<KeyedTable> keyed = keyed(entity);
        if (keyed.isEmpty() || !countsLines(keyed.get())) return Optional.empty();
        KeyedTable table = keyed.get();
        return Optional.of(new LineKeyCounting(() -> bucketingOf(table), table.keyAt(), table.keyTypes()));
    }

    @Override
    public Optional<KeyCounting> layerKeyCounting(EntityName entity, Bucketing bucketing, boolean keyLines) {
        Optional<KeyedTable> keyed = keyed(entity);
        if (keyed.isEmpty() || !countsLines(keyed.get())) return Optional.empty();
        KeyedTable table = keyed.get();
        int[] keyAt = keyLines ? java.util.stream.IntStream.range(0, table.keyTypes().size()).toArray() : table.keyAt();
        return Optional.of(new LineKeyCounting(bucketing, keyAt, table.keyTypes())); // no lambda: a class made in the first incremental
    }

    /** Whether the table's keys are counted in Java as the server counts them ({@link LineKeyCounting}, {@link PgHash}). */
    private boolean countsLines(KeyedTable keyed) {
        if (!LineKeyCounting.counts(keyed.keyTypes()) || !hashesLikePgHash()) return false;
        return keyed.keyTypes().stream().noneMatch(LineKeyCounting.TEXTUAL::contains) || deterministicKeys(keyed.table());
    }

    /**
     * Whether every key column's collation is deterministic (a non-deterministic one hashes a sort key
     * only the server computes); read once while a moment is held.
     */
    private boolean deterministicKeys(SourceTable table) {
        MomentCatalog held = heldCatalog;
        return held == null ? readDeterministicKeys(table) : held.deterministicKeys(table.name().name(), () -> readDeterministicKeys(table));
    }

    private boolean readDeterministicKeys(SourceTable table) {
        return reading("reading the key's collations of " + table.name(), c -> {
            // collisdeterministic came with PostgreSQL 12: read through to_jsonb, an 11's collations are all deterministic
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(bool_and(coalesce((to_jsonb(co) ->> 'collisdeterministic')::boolean, true)), true) FROM pg_attribute a "
                    + "LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = ?::regclass AND a.attname = ANY(?)")) {
                ps.setString(1, table.name().sql());
                ps.setArray(2, c.createArrayOf("text", table.primaryKey().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    private volatile Boolean hashesLikePgHash;

    /** Whether the server's {@code hashint8extended} and {@code hashtextextended} give {@link PgHash}'s results (not on a big-endian server). */
    private boolean hashesLikePgHash() {
        if (hashesLikePgHash == null) {
            String text = "probe é\t2024-01-01 00:00:00+00 0123456789abcdef"; // multi-byte, longer than one 12-byte block
            byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            hashesLikePgHash = reading("probing the hash functions", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT hashint8extended(-1234567890123456789, 0), hashint8extended(42, 0), "
                        + "hashtextextended(? COLLATE \"C\", 0)")) {
                    ps.setString(1, text);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) == PgHash.int8Extended(-1234567890123456789L, 0) && rs.getLong(2) == PgHash.int8Extended(42, 0)
                                && rs.getLong(3) == PgHash.bytesExtended(utf8, 0, utf8.length, 0);
                    }
                }
            });
        }
        return hashesLikePgHash;
    }

    /**
     * {@code <system identifier>:<timeline>}: the timeline the server writes WAL on (a primary), or
     * the one of its last restart point (a standby).
     */
    private Optional<String> clusterIdentity() {
        try (Connection c = pool.connection(); java.sql.Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT system_identifier FROM pg_control_system()), CASE WHEN pg_is_in_recovery() "
                     + "THEN (SELECT timeline_id FROM pg_control_checkpoint())::int8 "
                     + "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int8 END")) {
            if (!rs.next() || rs.getString(1) == null || rs.getString(2) == null) return Optional.empty();
            return Optional.of(rs.getString(1) + ":" + rs.getString(2));
        } catch (SQLException e) {
            return Optional.empty(); // a server that does not say: every backup reads all
        }
    }

    /**
     * {@code COPY (select) TO STDOUT} in a read transaction of the connector (at the held moment, if
     * any), whose session settings (UTC, ISO dates, shortest exact floats) fix the text forms.
     */
    private long copy(SourceTable table, String settings, java.util.function.Function<Boolean, String> select, OutputStream out) {
        return reading("copying " + table.name(), c -> {
            if (settings != null) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute(settings);
                }
            }
            boolean standardStrings = c.unwrap(BaseConnection.class).getStandardConformingStrings();
            try {
                return c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select.apply(standardStrings) + ") TO STDOUT", out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("writing the rows of " + table.name() + ": " + e.getMessage(), e);
            }
        });
    }

    private interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a read transaction of the connector (at the held moment, if any), then ends it. */
    private <T> T reading(String doing, ReadWork<T> work) {
        Connection c = pool.connection();
        try {
            pool.beginRead(c);
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.translateRead(e, doing, pool.location());
        } finally {
            pool.endRead(c);
        }
    }

    static String literal(String value, boolean standardStrings) {
        try {
            return "'" + Utils.escapeLiteral(null, value, standardStrings) + "'";
        } catch (SQLException e) {
            throw new IllegalArgumentException("a split bound PostgreSQL cannot take as a literal: " + e.getMessage(), e);
        }
    }

    /** The table and key range a split covers. */
    private record Located(SourceTable table, String lo, String hi) {}

    private Located locate(Split split) {
        Map<String, SourceTable> tables = tables();
        SourceTable table = tables.get(split.id());
        if (table != null) return new Located(table, null, null);
        for (SourceTable t : tables.values()) {
            if (split.id().startsWith(t.name().name() + "#[")) {
                List<String> range = KeyText.decode(split.id().substring(t.name().name().length() + 1), "split bounds");
                return new Located(t, range.get(0), range.get(1));
            }
        }
        // read as a target too (verify, a dry run): the location says which side, " on " it as other failures to read
        String named = split.id().contains("#[") ? split.id().substring(0, split.id().indexOf("#[")) : split.id();
        throw new CutoverException(ErrorCode.SOURCE_CHANGED, "reading table " + named + " of schema " + schema + " on " + pool.location()
                + " failed: it is not there; was it renamed or dropped while Cutover read it (or since the run it resumes started)?");
    }

    /** The tables of the schema, by name, with columns, primary keys and the catalog's estimates. */
    private Map<String, SourceTable> tables() {
        return tables(null);
    }

    /** The tables of the schema, or only the one named {@code only}; read once while a moment is held. */
    private Map<String, SourceTable> tables(String only) {
        MomentCatalog held = heldCatalog;
        return held == null ? readTables(only) : held.tables(only, this::readTables);
    }

    /** The tables of the schema, or only the one named {@code only} (one catalog row, not all: asked once per table). */
    private Map<String, SourceTable> readTables(String only) {
        // in a read transaction: pg_total_relation_size takes each table's lock, and a moment's locked tables are waited for briefly (see Pool)
        return reading("listing the tables of schema " + schema, c -> readTables(c, only));
    }

    private Map<String, SourceTable> readTables(Connection c, String only) throws SQLException {
        Map<String, SourceTable> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.relname, r.reltuples::bigint, pg_total_relation_size(r.oid), "
                     + "array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), "
                     + "array(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), "
                     + "array(" + Catalog.primaryKeyColumns("r.oid") + "), "
                     + "array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
                     + "AND NOT a.attnotnull ORDER BY a.attnum), r.oid::text, "
                     + "r.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = r.oid), r.relkind = 'p', "
                     + "array(SELECT a.attnum || ' ' || a.atttypid FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
                     + "ORDER BY a.attnum) FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ? AND r.relkind IN ('r', 'p') "
                     + "AND NOT r.relispartition AND (CAST(? AS text) IS NULL OR r.relname = ?) ORDER BY r.relname")) {
            ps.setString(1, schema);
            ps.setString(2, only);
            ps.setString(3, only);
            RowsLayout layouts = RowsLayout.read(c);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    out.put(name, new SourceTable(new TableName(schema, name), strings(rs, 4), strings(rs, 5), strings(rs, 6),
                            strings(rs, 7), rs.getLong(2), rs.getLong(3), rs.getString(8), rs.getBoolean(9), rs.getBoolean(10),
                            layouts.of(strings(rs, 11))));
                }
            }
        }
        return out;
    }

    private static List<String> strings(ResultSet rs, int column) throws SQLException {
        return Catalog.texts(rs.getArray(column));
    }

    private static long count(Connection c, SourceTable t) throws SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t.from())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Distinct values of the first key column at the 1/parts … (parts-1)/parts percentiles of a sample. */
    private static List<String> bounds(Connection c, SourceTable t, int parts, long rows) throws SQLException {
        double percent = rows <= SAMPLE_ROWS ? 100.0 : Math.max(0.01, 100.0 * SAMPLE_ROWS / rows);
        Double[] fractions = new Double[parts - 1];
        for (int i = 1; i < parts; i++) fractions[i - 1] = (double) i / parts;
        String key = TableName.quote(t.primaryKey().get(0));
        try (PreparedStatement ps = c.prepareStatement("SELECT (percentile_disc(?::float8[]) WITHIN GROUP (ORDER BY " + key + "))::text[] FROM "
                + t.from() + " TABLESAMPLE SYSTEM (" + percent + ") REPEATABLE (0)")) {
            ps.setArray(1, c.createArrayOf("float8", fractions));
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                if (rs.next() && rs.getArray(1) != null) {
                    for (String b : (String[]) rs.getArray(1).getArray()) {
                        if (b != null && (out.isEmpty() || !out.get(out.size() - 1).equals(b))) out.add(b);
                    }
                }
                return out;
            }
        }
    }
}
