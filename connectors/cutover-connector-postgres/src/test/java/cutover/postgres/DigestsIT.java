package cutover.postgres;

import cutover.model.Key;
import cutover.model.Value;
import cutover.verify.Difference;
import cutover.verify.Digests;
import cutover.verify.HashedRow;
import cutover.verify.KeyRange;
import cutover.verify.RangeBisection;
import cutover.verify.RangeDigest;
import cutover.verify.TableVerdict;
import cutover.verify.VerifyProgress;
import cutover.error.CutoverException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PostgreSQL's digests and the bisection over them, on two scratch databases of the test server. */
class DigestsIT {
    static DatabasePair pair;
    static TestDatabase a, b;
    static Digests da, db;
    /** Small levels, so that a few hundred rows go through every level of the bisection. */
    static final RangeBisection.Options SMALL = new RangeBisection.Options(8, 4, 5, 3, 1.0, 0);

    @BeforeAll
    static void start() {
        pair = new DatabasePair();
        a = pair.a;
        b = pair.b;
        da = pair.da;
        db = pair.db;
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    static void both(String... sql) {
        a.sql(sql);
        b.sql(sql);
    }

    static List<Difference> compare(String table, RangeBisection.Options options) {
        List<Difference> found = new ArrayList<>();
        new RangeBisection(da, db, options, VerifyProgress.NONE).compare(table, table, da.table(table).orElseThrow().columnNames(), found::add);
        return found;
    }

    @Test
    void twoServersOfOneVersionShareADialect() {
        assertThat(da.dialect()).startsWith("postgresql/typed-column-hash/1 probe=").isEqualTo(db.dialect());
    }

    @Test
    void equalTablesHaveEqualDigestsAndNoDifference() {
        both("CREATE TABLE same (id bigint PRIMARY KEY, name text, price numeric, at timestamptz, ok boolean, doc jsonb, f float8)",
                "INSERT INTO same SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END, g / 8.0, timestamptz '2024-01-01 00:00:00+00' "
                        + "+ g * interval '1.000001 second', g % 2 = 0, jsonb_build_object('g', g), g / 3.0 FROM generate_series(1, 1000) g");
        List<Difference> found = new ArrayList<>();
        AtomicLong compared = new AtomicLong();
        VerifyProgress progress = new VerifyProgress() {
            @Override
            public void rowsCompared(String table, long rows) { compared.addAndGet(rows); }
        };
        TableVerdict v = new RangeBisection(da, db, SMALL, progress).compare("same", "same", da.table("same").orElseThrow().columnNames(), found::add);
        assertThat(found).isEmpty();
        assertThat(v.equal()).isTrue();
        assertThat(v.sourceCount()).isEqualTo(1000);
        assertThat(v.sourceDigest()).isEqualTo(v.targetDigest()).startsWith("1000:");
        assertThat(compared.get()).isEqualTo(1000);
    }

    @Test
    void digestsOfRangesAddUpToTheWholeAndRowsCarryTheSameHashes() {
        a.sql("CREATE TABLE parts (id int PRIMARY KEY, v text)", "INSERT INTO parts SELECT g, 'v' || g FROM generate_series(1, 500) g");
        List<String> cols = List.of("id", "v");
        List<Value> bounds = da.splitPoints("parts", KeyRange.ALL, 5);
        assertThat(bounds).containsExactly(Value.of(101), Value.of(201), Value.of(301), Value.of(401));
        List<RangeDigest> ranges = da.digests("parts", cols, KeyRange.ALL, bounds);
        RangeDigest whole = da.digests("parts", cols, KeyRange.ALL, List.of()).get(0);
        assertThat(ranges).hasSize(5).allSatisfy(r -> assertThat(r.count()).isEqualTo(100));
        assertThat(ranges.stream().mapToLong(RangeDigest::sum).sum()).isEqualTo(whole.sum());
        long[] sum = {0};
        List<HashedRow> rows = new ArrayList<>();
        da.rows("parts", cols, List.of(ranges.get(2).range()), rows::add);
        rows.forEach(r -> sum[0] += r.hash());
        assertThat(rows).hasSize(100);
        assertThat(sum[0]).isEqualTo(ranges.get(2).sum());
        assertThat(rows.get(0).row().key().parts().get(0)).isInstanceOf(Value.Int64.class);

        // keys and hashes of two ranges at once carry the same hashes; rows picked by hash are those rows
        List<KeyRange> two = List.of(ranges.get(1).range(), ranges.get(3).range());
        Map<Key, Long> hashes = new java.util.HashMap<>();
        da.hashes("parts", cols, two, h -> hashes.put(h.key(), h.hash()));
        assertThat(hashes).hasSize(200);
        assertThat(hashes.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ranges.get(1).sum() + ranges.get(3).sum());
        Key k150 = Key.of(Value.of(150L)), k350 = Key.of(Value.of(350L));
        List<HashedRow> picked = new ArrayList<>();
        da.rowsWithHashes("parts", cols, two, new long[] {hashes.get(k150), hashes.get(k350)}, picked::add);
        assertThat(picked).extracting(r -> r.row().key()).containsExactlyInAnyOrder(k150, k350);
        assertThat(picked).allSatisfy(r -> assertThat(r.hash()).isEqualTo(hashes.get(r.row().key())));
    }

    @Test
    void differencesThatAFoldedOrTypeBlindHashWouldMiss() {
        both("CREATE TABLE edge (id int PRIMARY KEY, big bigint, n numeric, f float8, r real, at timestamptz, t timestamp, d date, s text, j jsonb, by bytea)");
        String row = "INSERT INTO edge VALUES (%d, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)";
        a.sql(String.format(row, 1, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 2, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "''", "'1'", "'\\x00'"),
                String.format(row, 3, "0", "1.5", "0.1", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 4, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 5, "0", "1.5", "0.0", "1.5", "'2239-12-31 23:59:59.999998+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 6, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 7, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'infinity'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 8, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'{\"a\": 1}'", "'\\x00'"),
                String.format(row, 9, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 10, "0", "1.5", "0.0", "1.5", "'1500-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 11, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 12, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 13, "0", "1.5", "0.0", "1.5", "'2000-01-01 00:00:00.000001+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 14, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2000-01-01 00:00:00.000001'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 15, "0", "1.5", "0.0", "1.5", "'infinity'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"));
        b.sql(String.format(row, 1, "4294967297", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 2, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "NULL", "'1'", "'\\x00'"),
                String.format(row, 3, "0", "1.5", "0.1::float8 + 1.3877787807814457e-17", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 4, "0", "1.50", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 5, "0", "1.5", "0.0", "1.5", "'2239-12-31 23:59:59.999999+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 6, "0", "1.5", "'-0'", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 7, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'-infinity'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 8, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'{\"a\": \"1\"}'", "'\\x00'"),
                String.format(row, 9, "0", "1.5", "0.0", "1.5000001", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 10, "0", "1.5", "0.0", "1.5", "'1500-01-01 00:00:00.000001+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 11, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00.000001'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 12, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x0000'"),
                String.format(row, 13, "0", "1.5", "0.0", "1.5", "'2000-01-01 01:11:34.967296+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 14, "0", "1.5", "0.0", "1.5", "'2024-01-01 00:00:00+00'", "'2000-01-01 01:11:34.967296'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"),
                String.format(row, 15, "0", "1.5", "0.0", "1.5", "'2000-01-01 00:35:47.483648+00'", "'2024-01-01 00:00:00'", "'2024-01-01'", "'x'", "'1'", "'\\x00'"));
        Map<Integer, List<String>> changed = new TreeMap<>();
        for (Difference d : compare("edge", SMALL)) {
            assertThat(d).isInstanceOf(Difference.Changed.class);
            changed.put((int) ((Value.Int64) d.key().parts().get(0)).value(),
                    ((Difference.Changed) d).fields().stream().map(Difference.FieldDifference::column).toList());
        }
        assertThat(changed).containsExactlyEntriesOf(new TreeMap<>(Map.ofEntries(
                Map.entry(1, List.of("big")),   // 0 and 2^32+1 fold to the same 32 bits in hashint8extended
                Map.entry(2, List.of("s")),     // '' vs NULL
                Map.entry(3, List.of("f")),     // one ulp
                Map.entry(4, List.of("n")),     // 1.5 vs 1.50: equal numbers, different scale
                Map.entry(5, List.of("at")),    // one microsecond near the end of the exact span
                Map.entry(6, List.of("f")),     // 0 vs -0
                Map.entry(7, List.of("d")),     // infinity vs -infinity
                Map.entry(8, List.of("j")),     // a number became a string
                Map.entry(9, List.of("r")),     // real: a float4 step
                Map.entry(10, List.of("at")),   // one microsecond outside the exact span (hashed by text)
                Map.entry(11, List.of("t")),    // timestamp without zone, one microsecond
                Map.entry(12, List.of("by")),
                // 1 µs and 2^32 µs after 2000 (and +infinity and 2^31 µs) fold alike in the type's own hash
                Map.entry(13, List.of("at")),
                Map.entry(14, List.of("t")),
                Map.entry(15, List.of("at")))));
        assertThat(a.one("SELECT timestamp_hash_extended(timestamp '2000-01-01 00:00:00.000001', 7) "
                + "= timestamp_hash_extended(timestamp '2000-01-01 01:11:34.967296', 7)")).isEqualTo("t");
    }

    @Test
    void textKeysAreCutInCodePointOrderWhateverTheCollation() {
        a.sql("CREATE TABLE words (k text PRIMARY KEY, v int)");
        b.sql("CREATE TABLE words (k text COLLATE \"en-US-x-icu\" PRIMARY KEY, v int)");
        String[] keys = {"a", "A", "b", "B", "b ", "b  ", "é", "e", "E", "z", "Z", "ß", "日本", "🙂", "ab", "aB", "Ab", "a b", " a", "ä", "0", "_"};
        for (int i = 0; i < keys.length; i++) {
            both("INSERT INTO words VALUES ('" + keys[i] + "', " + i + ")");
        }
        // the ICU collation orders these differently from the C collation, yet every range holds the same rows
        assertThat(a.query("SELECT k FROM words ORDER BY k")).isNotEqualTo(b.query("SELECT k FROM words ORDER BY k"));
        List<Value> bounds = da.splitPoints("words", KeyRange.ALL, 6);
        assertThat(db.digests("words", List.of("k", "v"), KeyRange.ALL, bounds)).isEqualTo(da.digests("words", List.of("k", "v"), KeyRange.ALL, bounds));
        assertThat(compare("words", SMALL)).isEmpty();

        a.sql("DELETE FROM words WHERE k = 'b  '");
        b.sql("UPDATE words SET v = -1 WHERE k = 'é'", "UPDATE words SET v = -1 WHERE k = 'B'", "INSERT INTO words VALUES ('b   ', 99)");
        List<String> found = compare("words", SMALL).stream().map(d -> d.getClass().getSimpleName() + " " + d.key()).sorted().toList();
        assertThat(found).containsExactly("Changed B", "Changed é", "Extra b  ", "Extra b   ");
    }

    @Test
    void keysAtTheEndsOfTheirTypesAreCutAndCompared() {
        both("CREATE TABLE ends_ts (at timestamptz PRIMARY KEY, v text)",
                "INSERT INTO ends_ts SELECT timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour', 'v' || g FROM generate_series(1, 300) g",
                "INSERT INTO ends_ts VALUES ('infinity', 'last'), ('-infinity', 'first'), ('1500-06-01 00:00:00+00', 'old')",
                "CREATE TABLE ends_f (x float8 PRIMARY KEY, v text)",
                "INSERT INTO ends_f SELECT g / 7.0, 'v' || g FROM generate_series(1, 300) g",
                "INSERT INTO ends_f VALUES ('NaN', 'nan'), ('Infinity', 'inf'), ('-Infinity', '-inf'), ('-0', 'zero')");
        b.sql("UPDATE ends_ts SET v = 'changed' WHERE at = 'infinity'", "DELETE FROM ends_ts WHERE at = '-infinity'",
                "UPDATE ends_ts SET v = 'changed' WHERE at = '2024-01-05 00:00:00+00'",
                "UPDATE ends_f SET v = 'changed' WHERE x = 'NaN'", "DELETE FROM ends_f WHERE x = '-Infinity'", "UPDATE ends_f SET v = 'c' WHERE x = 10.0 / 7.0");
        assertThat(compare("ends_ts", SMALL)).extracting(d -> d.getClass().getSimpleName()).containsExactlyInAnyOrder("Changed", "Missing", "Changed");
        assertThat(compare("ends_f", SMALL)).extracting(d -> d.getClass().getSimpleName()).containsExactlyInAnyOrder("Changed", "Missing", "Changed");
    }

    @Test
    void aTenantThatBoundsCannotCutIsCutByKeyHash() {
        // one tenant: every row shares the first key column, by an integer (indexed ranges) or a text (this server's
        // collation is not C, so its ranges scan, and up to 50,000 rows of them are read together: 60,000 are too many)
        for (String tenant : List.of("int", "text")) {
            String table = "tenant_" + tenant;
            both("CREATE TABLE " + table + " (tenant " + tenant + ", id uuid, v text, PRIMARY KEY (tenant, id))",
                    "INSERT INTO " + table + " SELECT '7', md5(g::text)::uuid, 'v' || g FROM generate_series(1, " + (tenant.equals("int") ? 3000 : 60_000) + ") g");
            b.sql("UPDATE " + table + " SET v = 'changed' WHERE id = md5('100')::uuid", "DELETE FROM " + table + " WHERE id = md5('2000')::uuid",
                    "INSERT INTO " + table + " VALUES ('7', md5('extra')::uuid, 'new')");
            TimedDigests ta = new TimedDigests(da), tb = new TimedDigests(db);
            Map<Value, String> found = new java.util.HashMap<>();
            new RangeBisection(ta, tb, SMALL, VerifyProgress.NONE).compare(table, table, da.table(table).orElseThrow().columnNames(),
                    d -> found.put(d.key().parts().get(1), d.getClass().getSimpleName()));
            assertThat(found).as(tenant).containsExactlyInAnyOrderEntriesOf(Map.of(Value.of(a.one("SELECT md5('100')::uuid")), "Changed",
                    Value.of(a.one("SELECT md5('2000')::uuid")), "Missing", Value.of(a.one("SELECT md5('extra')::uuid")), "Extra"));
            assertThat(ta.calls("bucketDigests")).as(tenant).isPositive();
        }
    }

    @Test
    void compositeKeysCutOnTheFirstColumnAndMatchOnTheWholeKey() {
        both("CREATE TABLE pairs (a text, b int, v text, PRIMARY KEY (a, b))",
                "INSERT INTO pairs SELECT 'k' || (g % 3), g, 'v' || g FROM generate_series(1, 300) g");
        b.sql("UPDATE pairs SET v = 'changed' WHERE a = 'k1' AND b = 100", "DELETE FROM pairs WHERE a = 'k2' AND b = 200");
        List<Difference> found = compare("pairs", SMALL);
        assertThat(found).hasSize(2);
        assertThat(found).anySatisfy(d -> {
            assertThat(d).isInstanceOf(Difference.Changed.class);
            assertThat(d.key()).isEqualTo(new Key(List.of(Value.of("k1"), Value.of(100))));
        });
        assertThat(found).anySatisfy(d -> {
            assertThat(d).isInstanceOf(Difference.Missing.class);
            assertThat(d.key()).isEqualTo(new Key(List.of(Value.of("k2"), Value.of(200))));
        });
    }

    @Test
    void aSampleComparesAFractionOfTheRangesChosenBySeed() {
        both("CREATE TABLE big (id bigint PRIMARY KEY, v text)", "INSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 10000) g");
        RangeBisection.Options options = new RangeBisection.Options(100, 4, 50, 3, 1.0, 0).sampled(0.1, 42);
        TableVerdict first = new RangeBisection(da, db, options, VerifyProgress.NONE).compare("big", "big", List.of("id", "v"), d -> {});
        TableVerdict again = new RangeBisection(da, db, options, VerifyProgress.NONE).compare("big", "big", List.of("id", "v"), d -> {});
        assertThat(first.sampled()).isEqualTo(0.1);
        assertThat(first.sourceCount()).isEqualTo(1000);
        assertThat(first.sourceDigest()).isEqualTo(again.sourceDigest()).isEqualTo(first.targetDigest());
        b.sql("UPDATE big SET v = 'changed'"); // every range differs, so the sample finds exactly its own rows
        List<Difference> found = new ArrayList<>();
        TableVerdict changed = new RangeBisection(da, db, options, VerifyProgress.NONE).compare("big", "big", List.of("id", "v"), found::add);
        assertThat(changed.changed()).isEqualTo(1000);
        assertThat(found).hasSize(1000);
    }

    @Test
    void withNoColumnListedOnlyKeysAndCountsAreCompared() {
        both("CREATE TABLE keysonly (id uuid PRIMARY KEY, v text)",
                "INSERT INTO keysonly SELECT md5(g::text)::uuid, 'v' || g FROM generate_series(1, 200) g");
        b.sql("UPDATE keysonly SET v = 'other'", "DELETE FROM keysonly WHERE id = md5('7')::uuid");
        List<Difference> found = new ArrayList<>();
        new RangeBisection(da, db, SMALL, VerifyProgress.NONE).compare("keysonly", "keysonly", List.of(), found::add);
        assertThat(found).singleElement().isInstanceOf(Difference.Missing.class)
                .satisfies(d -> assertThat(d.key()).isEqualTo(Key.of(Value.of("8f14e45f-ceea-167a-5a36-dedd4bea2543"))));
    }

    @Test
    void numericAndTimestampKeysAreCutInTheirNaturalOrder() {
        both("CREATE TABLE prices (p numeric PRIMARY KEY, v text)", "INSERT INTO prices SELECT round(g / 4.0 - 50, 2), 'v' || g FROM generate_series(1, 400) g",
                "CREATE TABLE events (at timestamptz PRIMARY KEY, v text)",
                "INSERT INTO events SELECT timestamptz '2024-01-01 00:00:00+00' + g * interval '1.000001 second', 'v' || g FROM generate_series(1, 400) g");
        b.sql("UPDATE prices SET v = 'changed' WHERE p = -12.25", "DELETE FROM prices WHERE p = 49.75",
                "UPDATE events SET v = 'changed' WHERE at = timestamptz '2024-01-01 00:01:40.0001+00'");
        assertThat(compare("prices", SMALL).stream().map(d -> d.getClass().getSimpleName() + " " + d.key()).sorted().toList())
                .containsExactly("Changed -12.25", "Missing 49.75");
        assertThat(compare("events", SMALL)).singleElement().isInstanceOf(Difference.Changed.class);
    }

    @Test
    void differentColumnTypesAreRefusedNotMisreportedUnlessTheyHashAlike() {
        a.sql("CREATE TABLE typed (id int PRIMARY KEY, v int)");
        b.sql("CREATE TABLE typed (id int PRIMARY KEY, v numeric)");
        assertThatThrownBy(() -> compare("typed", SMALL)).isInstanceOf(CutoverException.class)
                .hasMessageContaining("column v of typed is integer in the source but numeric in the target");
        // an integer and a bigint, a varchar(n) and a text hold the same values alike: compared by digest
        a.sql("CREATE TABLE widened (id int PRIMARY KEY, n int, s varchar(20))",
                "INSERT INTO widened SELECT g, g * 1000, 's' || g FROM generate_series(1, 200) g");
        b.sql("CREATE TABLE widened (id bigint PRIMARY KEY, n bigint, s text)",
                "INSERT INTO widened SELECT g, g * 1000, 's' || g FROM generate_series(1, 200) g",
                "UPDATE widened SET n = 3000000000 WHERE id = 50", "UPDATE widened SET s = 's150 ' WHERE id = 150");
        assertThat(compare("widened", SMALL)).extracting(d -> d.key().parts().get(0) + " " + ((Difference.Changed) d).fields().get(0).column())
                .containsExactlyInAnyOrder("50 n", "150 s");
        assertThat(da.holdsAlike("integer", "bigint")).isTrue();
        assertThat(da.holdsAlike("bigint", "integer")).as("narrower: a value may not fit").isFalse();
        assertThat(da.holdsAlike("text", "character varying(20)")).as("bounded: a text may not fit").isFalse();
    }
}
