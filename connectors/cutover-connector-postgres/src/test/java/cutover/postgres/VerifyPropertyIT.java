package cutover.postgres;

import cutover.model.Key;
import cutover.model.Value;
import cutover.verify.Difference;
import cutover.verify.Digests;
import cutover.verify.RangeBisection;
import cutover.verify.TableVerdict;
import cutover.verify.VerifyProgress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random tables, copied to a second database, with random differences injected into the copy: the
 * bisection must name exactly those differences, no more and no fewer, whatever the key type and
 * whatever collation each side's key column has.
 */
class VerifyPropertyIT {
    static DatabasePair pair;
    static TestDatabase a, b;
    static Digests da, db;
    static final AtomicInteger tables = new AtomicInteger();
    /** Text keys: case, trailing spaces, accents and characters beyond the BMP, which collations order differently. */
    static final String[] KEY_PARTS = {"a", "A", "b", "B", " ", "é", "É", "e", "ß", "ss", "日", "🙂", "z", "Z", "0", "-", "_"};
    static final String[] COLLATIONS = {"", " COLLATE \"C\"", " COLLATE \"en-US-x-icu\"", " COLLATE \"sv-x-icu\""};

    @BeforeContainer
    static void start() {
        pair = new DatabasePair();
        a = pair.a;
        b = pair.b;
        da = pair.da;
        db = pair.db;
    }

    @AfterContainer
    static void stop() {
        pair.close();
    }

    enum KeyKind { BIGINT, TEXT, TEXT_AND_INT }

    /** One row: its key parts and its values (null = SQL NULL). */
    record Row(List<Object> key, Object[] values) {}

    static final String COLUMNS = "f float8, n numeric, at timestamptz, s text, j jsonb, ok boolean";

    @Property(tries = 12)
    void findsExactlyTheInjectedDifferences(@ForAll long seed) throws SQLException {
        Random random = new Random(seed);
        KeyKind kind = KeyKind.values()[random.nextInt(KeyKind.values().length)];
        String table = "t" + tables.incrementAndGet();
        String keyDdl = switch (kind) {
            case BIGINT -> "k bigint, PRIMARY KEY (k)";
            case TEXT -> "k text%s, PRIMARY KEY (k)";
            case TEXT_AND_INT -> "k text%s, k2 int, PRIMARY KEY (k, k2)";
        };
        a.sql("CREATE TABLE " + table + " (" + String.format(keyDdl, COLLATIONS[random.nextInt(COLLATIONS.length)]) + ", " + COLUMNS + ")");
        b.sql("CREATE TABLE " + table + " (" + String.format(keyDdl, COLLATIONS[random.nextInt(COLLATIONS.length)]) + ", " + COLUMNS + ")");

        Map<List<Object>, Row> rows = new LinkedHashMap<>();
        int count = random.nextInt(400);
        while (rows.size() < count) {
            List<Object> key = newKey(kind, random);
            rows.putIfAbsent(key, new Row(key, randomValues(random)));
        }
        insert(a, table, kind, rows.values());
        insert(b, table, kind, rows.values());

        // inject differences into B, each on its own key
        Map<String, String> expected = new TreeMap<>(); // key text -> "Missing" / "Extra" / "Changed [columns]"
        List<Row> all = new ArrayList<>(rows.values());
        java.util.Collections.shuffle(all, random);
        int changes = Math.min(all.size(), random.nextInt(12));
        try (Connection c = b.jdbc()) {
            for (int i = 0; i < changes; i++) {
                Row row = all.get(i);
                if (random.nextInt(3) == 0) {
                    delete(c, table, kind, row.key());
                    expected.put(keyText(row.key()), "Missing");
                } else {
                    int column = random.nextInt(6);
                    Object changed = mutate(column, row.values()[column], random);
                    update(c, table, kind, row.key(), column, changed);
                    expected.put(keyText(row.key()), "Changed " + List.of(columnName(column)));
                }
            }
            int extras = random.nextInt(5);
            for (int i = 0; i < extras; i++) {
                List<Object> key = newKey(kind, random);
                if (rows.containsKey(key) || expected.containsKey(keyText(key))) continue;
                insert(c, table, kind, new Row(key, randomValues(random)));
                expected.put(keyText(key), "Extra");
            }
        }

        RangeBisection.Options options = new RangeBisection.Options(1 + random.nextInt(16), 2 + random.nextInt(6), 1 + random.nextInt(20), 3, 1.0, 0);
        Map<String, String> found = new TreeMap<>();
        List<String> columns = da.table(table).orElseThrow().columnNames();
        TableVerdict verdict = new RangeBisection(da, db, options, VerifyProgress.NONE).compare(table, table, columns, d -> {
            String what = d instanceof Difference.Changed ch
                    ? "Changed " + ch.fields().stream().map(Difference.FieldDifference::column).toList()
                    : d.getClass().getSimpleName();
            assertThat(found.put(d.key().toString(), what)).as("key %s named twice", d.key()).isNull();
        });
        assertThat(found).as("seed %d, %s keys, options %s", seed, kind, options).isEqualTo(expected);
        assertThat(verdict.differences()).isEqualTo(expected.size());
        assertThat(verdict.sourceCount()).isEqualTo(rows.size());
        assertThat(verdict.equal()).isEqualTo(expected.isEmpty());
    }

    static List<Object> newKey(KeyKind kind, Random random) {
        return switch (kind) {
            case BIGINT -> List.of(random.nextLong() >> random.nextInt(64));
            case TEXT -> List.of(randomText(random));
            case TEXT_AND_INT -> List.of(randomText(random), random.nextInt(5));
        };
    }

    static String randomText(Random random) {
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) s.append(KEY_PARTS[random.nextInt(KEY_PARTS.length)]);
        return s.toString();
    }

    static String keyText(List<Object> key) {
        List<Value> parts = new ArrayList<>();
        for (Object o : key) parts.add(o instanceof String s ? Value.of(s) : Value.of(((Number) o).longValue()));
        return new Key(parts).toString();
    }

    static String columnName(int column) { return List.of("f", "n", "at", "s", "j", "ok").get(column); }

    static Object[] randomValues(Random random) {
        Object[] v = new Object[6];
        v[0] = random.nextInt(8) == 0 ? null : random.nextBoolean() ? random.nextDouble() * 1e6 : (double) random.nextInt(3) - 1;
        v[1] = random.nextInt(8) == 0 ? null : BigDecimal.valueOf(random.nextInt(100_000), random.nextInt(4));
        v[2] = random.nextInt(8) == 0 ? null : OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .plus(random.nextLong() % 1_000_000_000_000_000L, ChronoUnit.MICROS);
        v[3] = random.nextInt(8) == 0 ? null : random.nextInt(8) == 0 ? "" : randomText(random);
        v[4] = random.nextInt(8) == 0 ? null : "{\"n\": " + random.nextInt(100) + "}";
        v[5] = random.nextInt(8) == 0 ? null : random.nextBoolean();
        return v;
    }

    /** A value that differs from {@code old} the way migrations tend to differ: a little, or in kind. */
    static Object mutate(int column, Object old, Random random) {
        if (old == null) return fallback(column); // NULL vs value
        if (random.nextInt(5) == 0) return null; // value vs NULL
        return switch (column) {
            case 0 -> {
                double d = (Double) old;
                yield d == 0 ? (1 / d > 0 ? -0.0 : 0.0) : random.nextBoolean() ? Math.nextUp(d) : Math.nextDown(d); // ±1 ulp, -0 vs 0
            }
            case 1 -> ((BigDecimal) old).setScale(((BigDecimal) old).scale() + 1); // 1.5 vs 1.50
            case 2 -> ((OffsetDateTime) old).plus(random.nextBoolean() ? 1 : -1, ChronoUnit.MICROS);
            case 3 -> {
                String s = (String) old;
                int how = random.nextInt(3);
                if (how == 0 || s.isEmpty()) yield s + " "; // trailing space
                if (how == 1 && !s.toUpperCase().equals(s)) yield s.toUpperCase();
                yield s.equals(s.toLowerCase()) ? s + "é" : s.toLowerCase();
            }
            case 4 -> {
                String j = (String) old;
                yield j.replaceAll(": (\\d+)", ": \"$1\""); // a number became a string: a changed type
            }
            default -> !(Boolean) old;
        };
    }

    static Object fallback(int column) {
        return switch (column) {
            case 0 -> 0.0;
            case 1 -> BigDecimal.ONE;
            case 2 -> OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
            case 3 -> "";
            case 4 -> "{}";
            default -> false;
        };
    }

    static void insert(TestDatabase db, String table, KeyKind kind, Iterable<Row> rows) throws SQLException {
        try (Connection c = db.jdbc()) {
            c.setAutoCommit(false);
            for (Row r : rows) insert(c, table, kind, r);
            c.commit();
        }
    }

    static void insert(Connection c, String table, KeyKind kind, Row row) throws SQLException {
        String keys = kind == KeyKind.TEXT_AND_INT ? "?, ?" : "?";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (" + keys + ", ?, ?, ?, ?, ?::jsonb, ?)")) {
            int i = 1;
            for (Object k : row.key()) ps.setObject(i++, k);
            for (Object v : row.values()) ps.setObject(i++, v);
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, String table, KeyKind kind, List<Object> key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + keyCondition(kind))) {
            for (int i = 0; i < key.size(); i++) ps.setObject(i + 1, key.get(i));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static void update(Connection c, String table, KeyKind kind, List<Object> key, int column, Object value) throws SQLException {
        String cast = column == 4 ? "?::jsonb" : "?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + columnName(column) + " = " + cast + " WHERE " + keyCondition(kind))) {
            ps.setObject(1, value);
            for (int i = 0; i < key.size(); i++) ps.setObject(i + 2, key.get(i));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static String keyCondition(KeyKind kind) {
        return kind == KeyKind.TEXT_AND_INT ? "k = ? AND k2 = ?" : "k = ?";
    }
}
