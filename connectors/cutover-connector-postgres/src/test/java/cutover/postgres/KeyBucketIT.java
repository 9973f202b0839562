package cutover.postgres;

import cutover.connector.ChangeTracking;
import cutover.connector.Connector;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.connector.PointInTime;
import cutover.connector.Split;
import cutover.model.EntityName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bucket of a key is the same whether PostgreSQL counts it ({@code keyBuckets}) or a reader of the
 * stored COPY text lines computes it ({@link CopyTextFormat.KeyReader}): a restore applies a change
 * layer's deletes by that bucket, so one key counted in one bucket and looked for in another would
 * keep a deleted row or drop a live one. Every key type that is bucketed, composite keys, negative
 * integers, text with what COPY escapes.
 */
class KeyBucketIT {
    TestDatabase db;
    Connector connector;
    ChangeTracking source;

    @BeforeEach
    void start() {
        db = new TestDatabase();
        db.sql("CREATE TABLE by_int2 (k smallint PRIMARY KEY, v text)",
                "INSERT INTO by_int2 SELECT g, 'v' FROM generate_series(-3000, 3000) g",
                "CREATE TABLE by_int8 (k bigint PRIMARY KEY, v text)",
                "INSERT INTO by_int8 SELECT g::int8 * 7919 * 1000003 - 5000000000, 'v' FROM generate_series(1, 5000) g",
                "CREATE TABLE by_text (k text PRIMARY KEY, v int)",
                "INSERT INTO by_text SELECT 'key ' || g || CASE g % 5 WHEN 0 THEN E'\\t' WHEN 1 THEN E'\\\\' WHEN 2 THEN 'é' WHEN 3 THEN E'\\n' ELSE '' END, g"
                        + " FROM generate_series(1, 5000) g",
                "CREATE TABLE by_uuid (k uuid PRIMARY KEY, v int)",
                "INSERT INTO by_uuid SELECT md5(g::text)::uuid, g FROM generate_series(1, 5000) g",
                "CREATE TABLE by_time (k timestamptz PRIMARY KEY, d date NOT NULL, v int)",
                "INSERT INTO by_time SELECT timestamptz '1999-12-31 23:59:59.5+00' + g * interval '1 hour 7.25 seconds', date '2000-01-01' + g, g"
                        + " FROM generate_series(1, 5000) g",
                "CREATE TABLE by_pair (tenant varchar(20), at timestamp, n int, PRIMARY KEY (tenant, at))",
                "INSERT INTO by_pair SELECT 'tenant ' || (g % 17), timestamp '2024-02-29 12:00' + g * interval '1 minute', g FROM generate_series(1, 5000) g",
                "CREATE COLLATION IF NOT EXISTS case_blind (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "CREATE TABLE by_blind (k text COLLATE case_blind PRIMARY KEY, v int)",
                "INSERT INTO by_blind SELECT 'Key ' || g, g FROM generate_series(1, 500) g",
                "CREATE TABLE by_day_n (d date, n bigint, v text, PRIMARY KEY (d, n))",
                "INSERT INTO by_day_n SELECT date '2020-02-01' + (g % 40), g::int8 * 1000003 - 2500000000, 'v' FROM generate_series(1, 5000) g",
                "CREATE TABLE by_int_uuid (n int, u uuid, v text, PRIMARY KEY (n, u))",
                "INSERT INTO by_int_uuid SELECT (g % 23) - 11, md5(g::text)::uuid, 'v' FROM generate_series(1, 5000) g",
                "ANALYZE");
        connector = db.open(Map.of());
        source = (ChangeTracking) TestDatabase.source(connector);
    }

    @AfterEach
    void stop() {
        if (connector != null) connector.close();
        db.close();
    }

    /**
     * A full backup counts the keys of the lines it reads (three readers here) instead of asking the
     * database to: the counts and digests must be exactly the database's, or the next backup would
     * see every bucket as changed. Text with what COPY escapes, varchar beside a timestamp; a key of
     * a non-deterministic collation, which hashes a sort key only the server computes, is not counted so.
     */
    @ParameterizedTest
    @ValueSource(strings = {"by_int2", "by_int8", "by_text", "by_uuid", "by_time", "by_pair", "by_day_n", "by_blind"})
    void keysCountedFromTheLinesAreTheDatabasesCount(String table) throws InterruptedException {
        EntityName entity = EntityName.of(table);
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            java.util.Optional<ChangeTracking.KeyCounting> counting = source.keyCounting(entity);
            if (table.equals("by_blind")) {
                assertThat(counting).as("a non-deterministic collation").isEmpty();
                return;
            }
            assertThat(counting).isPresent();
            List<byte[]> lines = new java.util.ArrayList<>();
            eachLine(entity, (bytes, start, length) -> lines.add(Arrays.copyOfRange(bytes, start, start + length)));
            List<Thread> readers = new java.util.ArrayList<>();
            for (int r = 0; r < 3; r++) { // three readers, each with its own counter, a third of the lines each
                int reader = r;
                readers.add(new Thread(() -> {
                    ChangeTracking.LineCounter counter = counting.get().counter();
                    for (int i = reader; i < lines.size(); i += 3) counter.line(lines.get(i), 0, lines.get(i).length);
                }));
            }
            for (Thread t : readers) t.start();
            for (Thread t : readers) t.join();
            ChangeTracking.KeyBuckets fromLines = counting.get().result();
            ChangeTracking.KeyBuckets inDatabase = source.keyBuckets(entity, fromLines.bucketing(), null).orElseThrow();
            assertThat(fromLines.total()).isEqualTo(table.equals("by_int2") ? 6001 : 5000);
            assertThat(fromLines.counts()).isEqualTo(inDatabase.counts());
            assertThat(fromLines.digests()).isEqualTo(inDatabase.digests());
            assertThat(Arrays.stream(fromLines.digests()).filter(d -> d.startsWith("-")).count()).as("negative sums too").isPositive();
        }
    }

    /**
     * Small tables are counted many to a statement: each table's counts, digests and changes since a
     * mark are those it gets counted alone (a thousand small tables' backup spent most of its time on
     * a transaction a table). A table past the size is left to be counted alone.
     */
    @org.junit.jupiter.api.Test
    void smallTablesCountedTogetherAreCountedAsEachAlone() {
        List<String> tables = List.of("by_int2", "by_int8", "by_text", "by_uuid", "by_time", "by_pair", "by_day_n", "by_blind", "by_int_uuid");
        String mark;
        try (PointInTime before = source.holdAtThisMoment().orElseThrow()) {
            mark = source.markOfThisMoment().orElseThrow();
        }
        db.sql("UPDATE by_text SET v = -v WHERE v % 50 = 0", "DELETE FROM by_uuid WHERE v % 40 = 0", "INSERT INTO by_int8 VALUES (1, 'new')",
                "CREATE TABLE big (k int PRIMARY KEY, v text)", "INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, 30000) g", "ANALYZE big");
        try (Connector fresh = db.open(Map.of()); PointInTime now = ((ChangeTracking) TestDatabase.source(fresh)).holdAtThisMoment().orElseThrow()) {
            ChangeTracking counting = (ChangeTracking) TestDatabase.source(fresh);
            List<ChangeTracking.BucketsAsked> asked = new java.util.ArrayList<>();
            Map<EntityName, ChangeTracking.KeyBuckets> alone = new java.util.HashMap<>();
            for (String t : new java.util.ArrayList<>(tables) {{ add("big"); }}) {
                ChangeTracking.KeyBuckets one = counting.keyBuckets(EntityName.of(t), null, mark).orElseThrow();
                alone.put(EntityName.of(t), one);
                asked.add(new ChangeTracking.BucketsAsked(EntityName.of(t), one.bucketing(), mark));
            }
            Map<EntityName, ChangeTracking.KeyBuckets> together = counting.keyBucketsOfMany(asked);
            assertThat(together.keySet()).containsExactlyInAnyOrderElementsOf(tables.stream().map(EntityName::of).toList()); // not big
            together.forEach((entity, counted) -> {
                ChangeTracking.KeyBuckets each = alone.get(entity);
                assertThat(counted.counts()).as(entity.value()).isEqualTo(each.counts());
                assertThat(counted.digests()).as(entity.value()).isEqualTo(each.digests());
                assertThat(counted.changedCounts()).as(entity.value()).isEqualTo(each.changedCounts());
                assertThat(counted.changedDigests()).as(entity.value()).isEqualTo(each.changedDigests());
            });
            assertThat(together.get(EntityName.of("by_text")).changed()).isEqualTo(100);
            assertThat(together.get(EntityName.of("by_int8")).changed()).isEqualTo(1);
            assertThat(together.get(EntityName.of("by_int2")).changed()).isZero();
        }
    }

    /** More small tables than a statement counts, asked without a mark; a partitioned table (its own size none) is left to be counted alone. */
    @org.junit.jupiter.api.Test
    void manySmallTablesAreCountedInSeveralStatementsAndAPartitionedOneAlone() {
        StringBuilder make = new StringBuilder("DO $$ BEGIN FOR i IN 1..150 LOOP EXECUTE format('CREATE TABLE small_%s (id int PRIMARY KEY)', i);"
                + " EXECUTE format('INSERT INTO small_%s SELECT generate_series(1, %s)', i, i); END LOOP; END $$");
        db.sql(make.toString(), "CREATE TABLE parted (id int PRIMARY KEY) PARTITION BY RANGE (id)",
                "CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (1000)", "INSERT INTO parted SELECT generate_series(1, 500)", "ANALYZE");
        try (Connector fresh = db.open(Map.of()); PointInTime now = ((ChangeTracking) TestDatabase.source(fresh)).holdAtThisMoment().orElseThrow()) {
            ChangeTracking counting = (ChangeTracking) TestDatabase.source(fresh);
            List<ChangeTracking.BucketsAsked> asked = new java.util.ArrayList<>();
            Map<EntityName, ChangeTracking.KeyBuckets> alone = new java.util.HashMap<>();
            for (int i = 1; i <= 150; i++) {
                EntityName t = EntityName.of("small_" + i);
                ChangeTracking.KeyBuckets one = counting.keyBuckets(t, null, null).orElseThrow();
                alone.put(t, one);
                asked.add(new ChangeTracking.BucketsAsked(t, one.bucketing(), null));
            }
            asked.add(new ChangeTracking.BucketsAsked(EntityName.of("parted"), counting.keyBuckets(EntityName.of("parted"), null, null).orElseThrow().bucketing(), null));
            Map<EntityName, ChangeTracking.KeyBuckets> together = counting.keyBucketsOfMany(asked);
            assertThat(together).hasSize(150).doesNotContainKey(EntityName.of("parted"));
            together.forEach((entity, counted) -> {
                assertThat(counted.counts()).as(entity.value()).isEqualTo(alone.get(entity).counts());
                assertThat(counted.digests()).as(entity.value()).isEqualTo(alone.get(entity).digests());
                assertThat(counted.total()).as(entity.value()).isEqualTo(Long.parseLong(entity.value().substring("small_".length())));
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"by_int2", "by_int8", "by_text", "by_uuid", "by_time", "by_pair"})
    void theDatabaseAndTheLinesPutEveryKeyInTheSameBucket(String table) {
        EntityName entity = EntityName.of(table);
        assertThat(source.tracks(entity)).isTrue();
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            ChangeTracking.KeyBuckets counted = source.keyBuckets(entity, null, null).orElseThrow();
            assertThat(counted.total()).isEqualTo(table.equals("by_int2") ? 6001 : 5000);
            ChangeTracking.Bucketing bucketing = counted.bucketing();

            CopyShape shape = source.copyShape(entity).orElseThrow();
            List<String> keys = table.equals("by_pair") ? List.of("tenant", "at") : List.of("k");
            CopyTextFormat.KeyReader reader = new PgCopyText().keyReader(shape.columns(), keys).orElseThrow();
            long[] inLines = new long[bucketing.buckets()];
            eachLine(entity, (bytes, start, length) -> {
                inLines[reader.bucket(bytes, start, length, bucketing)]++;
                assertThat(reader.keyHash(bytes, start, length)).isEqualTo(reader.key(bytes, start, length).hashCode());
            });
            assertThat(inLines).isEqualTo(counted.counts());
            assertThat(Arrays.stream(counted.counts()).filter(n -> n > 0).count()).as("keys spread over buckets").isGreaterThan(1);
        }
    }

    /**
     * A restore applies change layers to a base part by merging their keys in the order the lines
     * were written (their table's {@code ORDER BY} the key), where the key reader can tell that order:
     * integers (negative ones too), uuid, and keys of both; not text, dates or timestamps, whose order
     * is a collation's or has text forms out of order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"by_int2", "by_int8", "by_uuid", "by_int_uuid", "by_text", "by_time", "by_pair", "by_day_n"})
    void theKeyReaderTellsTheOrderOfTheLinesWhereItCan(String table) {
        EntityName entity = EntityName.of(table);
        CopyShape shape = source.copyShape(entity).orElseThrow();
        List<String> keys = switch (table) {
            case "by_pair" -> List.of("tenant", "at");
            case "by_day_n" -> List.of("d", "n");
            case "by_int_uuid" -> List.of("n", "u");
            default -> List.of("k");
        };
        CopyTextFormat.KeyReader reader = new PgCopyText().keyReader(shape.columns(), keys).orElseThrow();
        java.util.Comparator<String> order = reader.order();
        if (List.of("by_text", "by_time", "by_pair", "by_day_n").contains(table)) {
            assertThat(order).as("no order told for " + table).isNull();
            return;
        }
        assertThat(order).isNotNull();
        List<String> inDatabaseOrder = new java.util.ArrayList<>();
        try (PointInTime moment = source.holdAtThisMoment().orElseThrow()) {
            eachLine(entity, (bytes, start, length) -> inDatabaseOrder.add(reader.key(bytes, start, length)));
        }
        assertThat(inDatabaseOrder).hasSize(table.equals("by_int2") ? 6001 : 5000);
        for (int i = 1; i < inDatabaseOrder.size(); i++) {
            String before = inDatabaseOrder.get(i - 1), after = inDatabaseOrder.get(i);
            assertThat(order.compare(before, after)).as(before + " before " + after).isNegative();
            assertThat(order.compare(after, before)).as(after + " after " + before).isPositive();
            assertThat(order.compare(after, after)).isZero();
        }
        List<String> shuffled = new java.util.ArrayList<>(inDatabaseOrder);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.sort(order);
        assertThat(shuffled).containsExactlyElementsOf(inDatabaseOrder);
    }

    /** Each line (without its newline) of the entity's splits as the source copies them out. */
    private void eachLine(EntityName entity, ChangeTracking.LineCounter each) {
        for (Split split : source.splits(1)) {
            if (!split.entities().contains(entity)) continue;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            source.copyOut(split, out);
            byte[] bytes = out.toByteArray();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '\n') continue;
                each.line(bytes, start, i - start);
                start = i + 1;
            }
        }
    }
}
