package cutover.analyze;

import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.model.ValueCodec;
import cutover.model.Values;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedSizeTest {

    @Property(tries = 1000)
    void sizeOfAValueIsTheLengthOfItsEncoding(@ForAll("values") Value value) {
        assertThat(EncodedSize.of(value)).isEqualTo(ValueCodec.encode(value).length);
    }

    @Property(tries = 300)
    void sizeOfARecordIsTheLengthOfItsEncoding(@ForAll("values") Value a, @ForAll("values") Value b, @ForAll String entity, @ForAll String id) {
        Record r = new Record(EntityName.of("e" + entity), Key.of(Value.of(id), a), Map.of("f" + id, a, "g", b));
        assertThat(EncodedSize.of(r)).isEqualTo(ValueCodec.encodeRecord(r).length);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Value> values() {
        return Arbitraries.oneOf(Values.any(2), Arbitraries.strings().ofMaxLength(200).map(Value::of),
                Arbitraries.strings().withCharRange('\uD800', '\uDFFF').ofMaxLength(5).map(Value::of));
    }
}
