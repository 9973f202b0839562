package cutover.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** jqwik generators of every kind of Value, nested to a small depth; shared by property tests. */
public final class Values {
    private Values() {}

    public static Arbitrary<Value> any() { return any(2); }

    public static Arbitrary<Value> any(int depth) {
        Arbitrary<Value> scalar = Arbitraries.oneOf(List.of(
                Arbitraries.just(Value.NULL),
                Arbitraries.of(true, false).map(Value::of),
                Arbitraries.longs().map(Value::of),
                doubles().map(Value::of),
                decimals().map(Value::of),
                instants().map(Value::of),
                Arbitraries.longs().between(LocalDate.MIN.toEpochDay() / 2, LocalDate.MAX.toEpochDay() / 2).map(d -> Value.of(LocalDate.ofEpochDay(d))),
                Arbitraries.strings().ofMaxLength(20).map(Value::of),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(Value::of),
                Combinators.combine(Arbitraries.doubles().between(-90, 90), Arbitraries.doubles().between(-180, 180)).as(Value.GeoPoint::new),
                documentPaths().map(Value.Reference::new)));
        if (depth == 0) return scalar;
        Arbitrary<Value> inner = any(depth - 1);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalar),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(Value.Array::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), inner).ofMaxSize(4).map(m -> new Value.MapValue(m))));
    }

    public static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE),
                Arbitraries.longs().map(Double::longBitsToDouble)));
    }

    public static Arbitrary<BigDecimal> decimals() {
        return Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
                Arbitraries.integers().between(-5, 20)).as(BigDecimal::new);
    }

    public static Arbitrary<Instant> instants() {
        return Combinators.combine(
                Arbitraries.longs().between(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(), Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
    }

    public static Arbitrary<String> documentPaths() {
        Arbitrary<String> id = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(6);
        return Combinators.combine(id, id, id, id, Arbitraries.of(1, 2)).as((c1, d1, c2, d2, depth) -> depth == 1 ? c1 + "/" + d1 : c1 + "/" + d1 + "/" + c2 + "/" + d2);
    }

    public static Arbitrary<Map<String, Value>> fields() {
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(10), any(1)).ofMaxSize(6).map(LinkedHashMap::new);
    }
}
