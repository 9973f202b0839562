package cutover.verify;

import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Fields;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.plan.Plan;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random tables, a copy with random differences injected, and the comparison must name exactly
 * the injected ones: no miss, no false alarm, whatever the rows' order on either side.
 */
class StreamedComparisonProperties {
    static final List<String> COLUMNS = List.of("id", "n", "f", "d", "ts", "s", "j");
    static final List<ColumnType> TYPES = List.of(ColumnType.TEXT, ColumnType.BIGINT, ColumnType.DOUBLE, ColumnType.NUMERIC,
            ColumnType.TIMESTAMPTZ, ColumnType.TEXT, ColumnType.JSON);
    static final ComparedTable TABLE = new ComparedTable("t", List.of("id"), COLUMNS, TYPES);
    /** Keys whose order differs between collations: case, trailing spaces, accents, combining marks, astral characters. */
    static final List<String> KEY_STEMS = List.of("a", "A", "a ", "a  ", "B", "b", "é", "e\u0301", "Ä", "z", "😀", "ﬀ", "I", "ı");

    enum Change { MISSING, EXTRA, FIELD, TYPE, NULL_VS_ABSENT, ULP, MICROSECOND, SCALE, TEXT_CASE, TRAILING_SPACE }

    @Property(tries = 40)
    void namesExactlyTheInjectedDifferences(@ForAll("tables") List<Record> rows, @ForAll("changes") List<Change> changes,
                                            @ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int rowsPerRound) {
        Random random = new Random(seed);
        List<Record> target = new ArrayList<>(rows);
        Map<Key, Change> injected = new HashMap<>();
        for (Change change : changes) {
            if (change == Change.EXTRA) {
                Record extra = row("extra-" + injected.size() + KEY_STEMS.get(random.nextInt(KEY_STEMS.size())), random);
                target.add(extra);
                injected.put(extra.key(), change);
                continue;
            }
            if (target.isEmpty()) continue; // the one row was removed already
            int i = random.nextInt(target.size());
            Record r = target.get(i);
            if (injected.containsKey(r.key()) || r.key().toString().startsWith("extra-")) continue;
            injected.put(r.key(), change);
            if (change == Change.MISSING) target.remove(i);
            else target.set(i, changed(r, change));
        }
        Collections.shuffle(target, random);

        List<Difference> found = Collections.synchronizedList(new ArrayList<>());
        StreamedComparison.Result result = new StreamedComparison(List.of(TABLE), new ComparableValues(Plan.VerifyRules.DEFAULTS),
                new StreamedComparison.Options(1.0, seed, rowsPerRound), VerifyProgress.NONE)
                .compare(feed(rows), feed(target), Map.of("t", (long) rows.size()), found::add);

        Map<Key, String> named = new TreeMap<>();
        for (Difference d : found) assertThat(named.put(d.key(), kind(d))).as("named twice: " + d.key()).isNull();
        Map<Key, String> expected = new TreeMap<>();
        injected.forEach((k, c) -> expected.put(k, c == Change.MISSING ? "missing" : c == Change.EXTRA ? "extra" : "changed"));
        assertThat(named).isEqualTo(expected);
        for (Difference d : found) {
            if (d instanceof Difference.Changed c) assertThat(c.fields()).hasSize(1);
        }
        TableVerdict v = result.verdicts().get(0);
        assertThat(v.sourceCount()).isEqualTo(rows.size());
        assertThat(v.targetCount()).isEqualTo(target.size());
        assertThat(v.equal()).isEqualTo(injected.isEmpty());
        assertThat(v.sourceDigest().equals(v.targetDigest())).isEqualTo(injected.isEmpty());
    }

    @Property(tries = 15)
    void whatThePrecisionRulesAllowIsNoDifference(@ForAll("tables") List<Record> rows, @ForAll long seed) {
        Random random = new Random(seed);
        List<Record> target = new ArrayList<>();
        for (Record r : rows) {
            Fields.Builder f = Fields.builder(COLUMNS.size());
            r.fields().forEach(f::put);
            // below a microsecond, which the default rule truncates; and the JSON's keys in another order
            f.put("ts", Value.of(((Value.Timestamp) r.get("ts")).value().plusNanos(random.nextInt(1000) - ((Value.Timestamp) r.get("ts")).value().getNano() % 1000)));
            Map<String, Value> reversed = new java.util.LinkedHashMap<>();
            List<Map.Entry<String, Value>> entries = new ArrayList<>(((Value.MapValue) r.get("j")).fields().entrySet());
            Collections.reverse(entries);
            entries.forEach(e -> reversed.put(e.getKey(), e.getValue()));
            f.put("j", new Value.MapValue(reversed));
            target.add(new Record(r.entity(), r.key(), f.build()));
        }
        List<Difference> found = Collections.synchronizedList(new ArrayList<>());
        StreamedComparison.Result result = new StreamedComparison(List.of(TABLE), new ComparableValues(Plan.VerifyRules.DEFAULTS),
                StreamedComparison.Options.DEFAULTS, VerifyProgress.NONE).compare(feed(rows), feed(target), Map.of(), found::add);
        assertThat(found).isEmpty();
        assertThat(result.verdicts().get(0).equal()).isTrue();
    }

    @Provide
    Arbitrary<List<Record>> tables() {
        return Arbitraries.integers().between(1, 400).flatMap(n -> Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            List<Record> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) rows.add(row(KEY_STEMS.get(random.nextInt(KEY_STEMS.size())) + i, random));
            return rows;
        }));
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return Arbitraries.of(Change.class).list().ofMaxSize(12);
    }

    static Record row(String id, Random random) {
        Fields.Builder f = Fields.builder(COLUMNS.size());
        f.put("id", Value.of(id));
        f.put("n", random.nextInt(4) == 0 ? Value.NULL : Value.of(random.nextLong()));
        f.put("f", Value.of(random.nextDouble() * 1000));
        f.put("d", Value.of(BigDecimal.valueOf(random.nextInt(100000), 2)));
        f.put("ts", Value.of(Instant.ofEpochSecond(1_600_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000L)));
        f.put("s", Value.of("text " + random.nextInt(50)));
        Map<String, Value> j = new java.util.LinkedHashMap<>();
        j.put("a", Value.of(random.nextInt(10)));
        j.put("b", Value.of("x" + random.nextInt(10)));
        f.put("j", new Value.MapValue(j));
        return new Record(EntityName.of("t"), Key.of(id), f.build());
    }

    static Record changed(Record r, Change change) {
        Fields.Builder f = Fields.builder(COLUMNS.size());
        r.fields().forEach((name, value) -> {
            if (change == Change.NULL_VS_ABSENT && name.equals("n")) return; // dropped below, or made NULL
            f.put(name, value);
        });
        switch (change) {
            case FIELD -> f.put("s", Value.of(((Value.Text) r.get("s")).value() + "!"));
            case TYPE -> f.put("s", Value.of(((Value.Text) r.get("s")).value().length()));
            case NULL_VS_ABSENT -> { if (r.get("n").kind() != Value.Kind.NULL) f.put("n", Value.NULL); } // NULL where a value was, or absent where NULL was
            case ULP -> f.put("f", Value.of(Math.nextUp(((Value.Float64) r.get("f")).value())));
            case MICROSECOND -> f.put("ts", Value.of(((Value.Timestamp) r.get("ts")).value().plusNanos(1000)));
            case SCALE -> f.put("d", Value.of(((Value.Decimal) r.get("d")).value().setScale(((Value.Decimal) r.get("d")).value().scale() + 1)));
            case TEXT_CASE -> f.put("s", Value.of(((Value.Text) r.get("s")).value().toUpperCase()));
            case TRAILING_SPACE -> f.put("s", Value.of(((Value.Text) r.get("s")).value() + " "));
            default -> throw new IllegalArgumentException(change.name());
        }
        return new Record(r.entity(), r.key(), f.build());
    }

    static String kind(Difference d) {
        return d instanceof Difference.Missing ? "missing" : d instanceof Difference.Extra ? "extra" : "changed";
    }

    /** A side read in the order given, twice as often as the comparison asks. */
    static RowFeed feed(List<Record> rows) {
        return new RowFeed() {
            @Override public String describe() { return "memory"; }
            @Override public void read(Rows out) { rows.forEach(r -> out.row(r.entity().value(), r)); }
        };
    }
}
