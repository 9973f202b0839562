package cutover.model;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueCodecTest {

    @Provide
    Arbitrary<Value> values() { return Values.any(); }

    @Property(tries = 2000)
    void roundTrips(@ForAll("values") Value value) {
        assertThat(ValueCodec.decode(ValueCodec.encode(value))).isEqualTo(value);
    }

    @Property(tries = 2000)
    void equalValuesEncodeEqualAndDifferentValuesDiffer(@ForAll("values") Value a, @ForAll("values") Value b) {
        boolean sameBytes = java.util.Arrays.equals(ValueCodec.encode(a), ValueCodec.encode(b));
        assertThat(sameBytes).as("%s vs %s", a, b).isEqualTo(a.equals(b));
    }

    @Property(tries = 1000)
    void orderIsConsistentWithEquals(@ForAll("values") Value a, @ForAll("values") Value b) {
        assertThat(a.compareTo(b) == 0).as("%s vs %s", a, b).isEqualTo(a.equals(b));
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
    }

    @Property(tries = 500)
    void mapEncodingIgnoresInsertionOrder(@ForAll("values") Value a, @ForAll("values") Value b) {
        Map<String, Value> ab = new LinkedHashMap<>();
        ab.put("a", a);
        ab.put("b", b);
        Map<String, Value> ba = new LinkedHashMap<>();
        ba.put("b", b);
        ba.put("a", a);
        assertThat(ValueCodec.encode(new Value.MapValue(ab))).isEqualTo(ValueCodec.encode(new Value.MapValue(ba)));
    }

    @Test
    void distinguishesTheEdgeCasesEqualityPromises() {
        assertThat(ValueCodec.encode(Value.of(-0.0))).isNotEqualTo(ValueCodec.encode(Value.of(0.0)));
        assertThat(ValueCodec.encode(Value.of(Double.NaN))).isEqualTo(ValueCodec.encode(Value.of(Double.longBitsToDouble(0x7ff8000000000001L))));
        assertThat(ValueCodec.encode(Value.of(new BigDecimal("1.0")))).isNotEqualTo(ValueCodec.encode(Value.of(new BigDecimal("1.00"))));
        assertThat(ValueCodec.encode(Value.of(1L))).isNotEqualTo(ValueCodec.encode(Value.of(1.0)));
        assertThat(ValueCodec.encode(Value.of("users/a"))).isNotEqualTo(ValueCodec.encode(new Value.Reference("users/a")));
        assertThat(ValueCodec.encode(Value.NULL)).isNotEqualTo(ValueCodec.encode(Value.of("")));
        // lone surrogates stay distinct instead of collapsing to '?'
        assertThat(ValueCodec.encode(Value.of("\uD800"))).isNotEqualTo(ValueCodec.encode(Value.of("\uDBFF")));
        assertThat(ValueCodec.encode(Value.of(Instant.ofEpochSecond(0, 1)))).isNotEqualTo(ValueCodec.encode(Value.of(Instant.ofEpochSecond(0, 0))));
    }

    @Test
    void encodesToTheDocumentedBytes() {
        assertThat(ValueCodec.encode(Value.of(1L))).containsExactly(0x03, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(ValueCodec.encode(Value.of("é"))).containsExactly(0x08, 2, 0xC3, 0xA9);
        assertThat(ValueCodec.encode(new Value.Array(List.of(Value.NULL, Value.of(true))))).containsExactly(0x0C, 2, 0x00, 0x02);
        assertThat(ValueCodec.encode(Value.JSON_NULL)).containsExactly(0x0E);
    }

    @Test
    void aJsonNullIsNotSqlNull() {
        assertThat(ValueCodec.decode(ValueCodec.encode(Value.JSON_NULL))).isEqualTo(Value.JSON_NULL).isNotEqualTo(Value.NULL);
        assertThat(Value.JSON_NULL.compareTo(Value.NULL)).isPositive();
        assertThat(cutover.model.JsonValues.toJson(Value.JSON_NULL)).isEqualTo("null");
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {0x7F})).hasMessageContaining("unknown value tag");
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {0x03, 1})).hasMessageContaining("not a valid encoded value");
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {0x00, 0x00})).hasMessageContaining("trailing");
    }

    @Property(tries = 300)
    void recordsRoundTrip(@ForAll("values") Value v) throws Exception {
        Record r = new Record(EntityName.of("users/*/posts"), Key.of("u1", "p1"), Map.of("f", v));
        Record back = ValueCodec.decodeRecord(new java.io.ByteArrayInputStream(ValueCodec.encodeRecord(r)));
        assertThat(back).isEqualTo(r);
    }
}
