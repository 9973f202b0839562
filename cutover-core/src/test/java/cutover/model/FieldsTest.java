package cutover.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class FieldsTest {
    /** Whatever names are put, in whatever order and how often, Fields behaves as a LinkedHashMap would. */
    @Property
    void behavesAsALinkedHashMap(@ForAll @Size(max = 60) List<@AlphaChars @StringLength(min = 1, max = 3) String> names) {
        Map<String, Value> expected = new LinkedHashMap<>();
        Fields.Builder builder = Fields.builder(2);
        for (int i = 0; i < names.size(); i++) {
            expected.put(names.get(i), Value.of((long) i));
            builder.put(names.get(i), Value.of((long) i));
            assertThat(builder.get(names.get(i))).isEqualTo(Value.of((long) i));
        }
        Fields fields = builder.build();
        assertThat(fields).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(new ArrayList<>(fields.keySet())).containsExactlyElementsOf(expected.keySet());
        List<String> visited = new ArrayList<>();
        fields.forEach((name, value) -> {
            visited.add(name);
            assertThat(value).isEqualTo(expected.get(name));
        });
        assertThat(visited).containsExactlyElementsOf(expected.keySet());
        for (String name : expected.keySet()) {
            assertThat(fields.get(name)).isEqualTo(expected.get(name));
            assertThat(fields.containsKey(name)).isTrue();
        }
        assertThat(fields.get("not-there")).isNull();
        assertThat(Fields.copyOf(expected)).isEqualTo(fields);
    }

    @Test
    void isImmutableAndTakenWithoutACopy() {
        Fields fields = Fields.builder(1).put("a", Value.of(1L)).build();
        assertThatThrownBy(() -> fields.put("b", Value.NULL)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.entrySet().iterator().next().setValue(Value.NULL)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Fields.copyOf(fields)).isSameAs(fields);
        assertThat(new Record(EntityName.of("t"), Key.of("k"), fields).fields()).isSameAs(fields);
        assertThat(new Value.MapValue(fields).fields()).isSameAs(fields);
    }

    @Test
    void aBuilderIsSpentByBuild() {
        Fields.Builder b = Fields.builder(1).put("a", Value.of(1L));
        b.build();
        assertThatThrownBy(() -> b.put("b", Value.NULL)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNullValueIsRefusedWithItsName() {
        assertThatThrownBy(() -> Fields.builder(1).put("age", null)).hasMessageContaining("age").hasMessageContaining("Value.NULL");
    }
}
