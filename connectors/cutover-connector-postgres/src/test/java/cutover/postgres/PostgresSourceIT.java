package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresSourceIT {
    static TestDatabase db;
    static Connector connector;
    static Source source;

    @BeforeAll
    static void start() {
        db = new TestDatabase();
        db.sql("CREATE TABLE items (id bigint PRIMARY KEY, label text, price numeric(10,2), tags text[], meta jsonb, at timestamp, "
                        + "small real, uid uuid, flag boolean)",
                "INSERT INTO items SELECT g, 'item ' || g, g * 1.25, ARRAY['t' || (g % 3), 'all'], "
                        + "jsonb_build_object('n', g, 'half', g / 2.0, 'list', jsonb_build_array(1, 'two', null, true), 'big', 123456789012345678901234567890), "
                        + "timestamp '2020-01-01 00:00:00' + g * interval '1 second', 0.1, md5(g::text)::uuid, g % 2 = 0 FROM generate_series(1, 1000) g",
                "CREATE TABLE pairs (a text, b int, v text, PRIMARY KEY (a, b))",
                "INSERT INTO pairs SELECT 'k' || (g % 7), g, 'v' || g FROM generate_series(1, 300) g",
                "CREATE TABLE loose (v text)", "INSERT INTO loose SELECT 'row ' || g FROM generate_series(1, 20) g",
                // no key, partitioned: each partition has a row at ctid (0,1); one partition in a schema of its own
                "CREATE TABLE spread (region text, v int) PARTITION BY LIST (region)",
                "CREATE TABLE spread_eu PARTITION OF spread FOR VALUES IN ('eu')",
                "CREATE TABLE spread_us PARTITION OF spread FOR VALUES IN ('us')",
                "CREATE SCHEMA elsewhere", "CREATE TABLE elsewhere.spread_asia PARTITION OF spread FOR VALUES IN ('asia')",
                "INSERT INTO spread SELECT (ARRAY['eu', 'us', 'asia'])[1 + g % 3], g FROM generate_series(1, 45) g",
                "ANALYZE");
        connector = db.open(Map.of("split-rows", "100", "fetch-size", "50"));
        source = TestDatabase.source(connector);
    }

    @AfterAll
    static void stop() {
        connector.close();
        db.close();
    }

    @Test
    void entitiesHaveEstimatesAndPrimaryKeys() {
        Map<String, EntityInfo> byName = new LinkedHashMap<>();
        for (EntityInfo e : source.entities()) byName.put(e.name().value(), e);
        assertThat(byName.keySet()).containsExactly("items", "loose", "pairs", "spread");
        assertThat(byName.get("items").estimatedCount()).isEqualTo(1000);
        assertThat(byName.get("items").estimatedBytes()).isPositive();
        assertThat(byName.get("items").keyColumns()).containsExactly("id");
        assertThat(byName.get("pairs").keyColumns()).containsExactly("a", "b");
        assertThat(byName.get("loose").keyColumns()).isEmpty();
    }

    @Test
    void splitsCoverEveryRowExactlyOnceInKeyOrderAndTheirIdsAreStable() {
        List<Split> splits = source.splits(4);
        assertThat(splits.stream().filter(s -> s.id().startsWith("items#"))).hasSize(4);
        assertThat(splits.stream().filter(s -> s.id().startsWith("pairs#"))).hasSizeBetween(2, 3);
        assertThat(splits).anySatisfy(s -> assertThat(s.id()).isEqualTo("loose"));
        assertThat(source.splits(4)).extracting(Split::id).isEqualTo(splits.stream().map(Split::id).toList());

        Map<String, List<Key>> keysByTable = new LinkedHashMap<>();
        for (Split split : splits) {
            List<Key> keys = readAll(split, Position.START);
            boolean keyless = split.id().equals("loose") || split.id().equals("spread");
            if (!keyless) assertThat(keys).isSorted(); // loose has no key: read in ctid order, keyed by ctid text
            keysByTable.computeIfAbsent(split.entities().iterator().next().value(), t -> new ArrayList<>()).addAll(keys);
        }
        assertThat(keysByTable.get("items")).hasSize(1000).doesNotHaveDuplicates();
        assertThat(keysByTable.get("pairs")).hasSize(300).doesNotHaveDuplicates();
        assertThat(keysByTable.get("loose")).hasSize(20).doesNotHaveDuplicates();
        assertThat(keysByTable.get("spread")).as("a partitioned table without a key: partition and ctid")
                .hasSize(45).doesNotHaveDuplicates()
                .contains(new Key(List.of(Value.of("spread_eu:(0,1)"))), new Key(List.of(Value.of("spread_us:(0,1)"))),
                        new Key(List.of(Value.of("elsewhere.spread_asia:(0,1)"))));
    }

    @Test
    void resumingFromAPositionReadsExactlyTheRest() {
        for (Split split : source.splits(3)) {
            List<Key> all = readAll(split, Position.START);
            Position mid;
            List<Key> firstPart = new ArrayList<>();
            try (RecordReader r = source.read(split, Position.START)) {
                for (int i = 0; i < all.size() / 3; i++) firstPart.add(((RecordReader.Ok) r.next()).record().key());
                mid = r.position();
            }
            assertThat(mid.ordinal()).isEqualTo(all.size() / 3);
            List<Key> rest = readAll(split, mid);
            List<Key> joined = new ArrayList<>(firstPart);
            joined.addAll(rest);
            assertThat(joined).as(split.id()).isEqualTo(all);
        }
    }

    @Test
    void valuesComeBackAsCutoverValues() {
        Split whole = source.splits(1).stream().filter(s -> s.id().equals("items")).findFirst().orElseThrow();
        Record r;
        try (RecordReader reader = source.read(whole, Position.START)) {
            r = ((RecordReader.Ok) reader.next()).record();
            assertThat(reader.position().token()).isEqualTo("[\"1\"]");
            assertThat(reader.position().ordinal()).isEqualTo(1);
        }
        assertThat(r.entity().value()).isEqualTo("items");
        assertThat(r.key()).isEqualTo(Key.of(Value.of(1L)));
        assertThat(r.fields().keySet()).containsExactly("id", "label", "price", "tags", "meta", "at", "small", "uid", "flag");
        assertThat(r.get("id")).isEqualTo(Value.of(1L));
        assertThat(r.get("label")).isEqualTo(Value.of("item 1"));
        assertThat(r.get("price")).isEqualTo(Value.of(new BigDecimal("1.25")));
        assertThat(r.get("tags")).isEqualTo(new Value.Array(List.of(Value.of("t1"), Value.of("all"))));
        assertThat(r.get("meta")).isEqualTo(new Value.MapValue(Map.of("n", Value.of(1L), "half", Value.of(new BigDecimal("0.50000000000000000000")), // jsonb's number as it holds it (g / 2.0: scale 20)
                "list", new Value.Array(List.of(Value.of(1L), Value.of("two"), Value.NULL, Value.of(true))),
                "big", Value.of(new BigDecimal("123456789012345678901234567890")))));
        assertThat(r.get("at")).isEqualTo(Value.of(Instant.parse("2020-01-01T00:00:01Z")));
        assertThat(r.get("small")).isEqualTo(Value.of(0.1));
        assertThat(r.get("uid")).isEqualTo(Value.of("c4ca4238-a0b9-2382-0dcc-509a6f75849b"));
        assertThat(r.get("flag")).isEqualTo(Value.of(false));
    }

    @Test
    void whatTheSinkWritesTheSourceReadsBack() {
        Sink sink = TestDatabase.sink(connector);
        var users = Fixtures.users("roundtrip");
        assertThat(sink.prepare("rt", List.of(users), true)).isEmpty();
        Record written = Fixtures.user("roundtrip", "u1", "Ann", 30);
        Map<String, Value> edge = new LinkedHashMap<>(written.fields());
        edge.put("id", Value.of("u2"));
        edge.put("name", Value.of("line\nbreak\ttab\\ and ünïcødé \uD83D\uDE00"));
        edge.put("score", Value.of(Double.NaN));
        edge.put("created", Value.of(ValueCheck.TIMESTAMP_MIN));
        edge.put("birthday", Value.of(LocalDate.of(-100, 3, 1)));
        edge.put("balance", Value.of(new BigDecimal("-0.000000000000000000001")));
        edge.put("profile", Value.NULL);
        Record edgeRow = new Record(users.entity(), Key.of("u2"), edge);
        Map<String, Value> last = new LinkedHashMap<>(written.fields());
        last.put("id", Value.of("u3"));
        last.put("created", Value.of(Instant.parse("+294276-12-31T23:59:59.999999999Z")));
        last.put("score", Value.of(Double.NEGATIVE_INFINITY));
        Record lastRow = new Record(users.entity(), Key.of("u3"), last);
        for (Record row : List.of(written, edgeRow, lastRow)) assertThat(sink.check(users, row)).isEmpty();
        try (SinkWriter w = sink.writer("rt", "s", List.of(users))) {
            w.write(List.of(written, edgeRow, lastRow), Fixtures.checkpoint(3, true));
        }
        try (Connector other = db.open(Map.of("schema", "roundtrip"))) {
            Source roundtrip = TestDatabase.source(other);
            List<Record> back = new ArrayList<>();
            try (RecordReader r = roundtrip.read(roundtrip.splits(1).get(0), Position.START)) {
                for (RecordReader.Item i = r.next(); i != null; i = r.next()) back.add(((RecordReader.Ok) i).record());
            }
            assertThat(back).hasSize(3);
            Map<String, Value> expected = new LinkedHashMap<>(written.fields());
            // PostgreSQL keeps microseconds: the nanoseconds are truncated
            expected.put("created", Value.of(Instant.parse("2024-05-06T07:08:09.123456Z")));
            // JSON numbers come back as Int64 when whole
            expected.put("profile", new Value.MapValue(Map.of("bio", Value.of("tab\there \"quoted\" back\\slash\nnew line"),
                    "tags", new Value.Array(List.of(Value.of("a"), Value.of(2L), Value.NULL)))));
            assertThat(back.get(0).fields()).isEqualTo(expected);
            assertThat(back.get(1).fields()).isEqualTo(edge);
            Map<String, Value> expectedLast = new LinkedHashMap<>(last);
            expectedLast.put("created", Value.of(Instant.parse("+294276-12-31T23:59:59.999999Z")));
            expectedLast.put("profile", expected.get("profile"));
            assertThat(back.get(2).fields()).isEqualTo(expectedLast);
        }
        // the range limits the check uses are the server's: one microsecond beyond is refused
        assertThat(db.one("SELECT '4714-11-24 00:00:00+00 BC'::timestamptz IS NOT NULL")).isEqualTo("t");
        assertThatSqlFails("SELECT '4714-11-23 23:59:59.999999+00 BC'::timestamptz");
        assertThatSqlFails("SELECT '294277-01-01 00:00:00+00'::timestamptz");
        assertThatSqlFails("SELECT E'a\\\\u0000b'::jsonb");
        assertThat(ChronoUnit.MICROS).isNotNull();
    }

    private static void assertThatSqlFails(String sql) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.query(sql)).hasMessageContaining("ERROR");
    }

    private static List<Key> readAll(Split split, Position from) {
        List<Key> keys = new ArrayList<>();
        Set<Long> seenOrdinals = new HashSet<>();
        try (RecordReader r = source.read(split, from)) {
            for (RecordReader.Item i = r.next(); i != null; i = r.next()) {
                keys.add(((RecordReader.Ok) i).record().key());
                assertThat(seenOrdinals.add(r.position().ordinal())).isTrue();
            }
            assertThat(r.position().ordinal()).isEqualTo(from.ordinal() + keys.size());
        }
        return keys;
    }
}
