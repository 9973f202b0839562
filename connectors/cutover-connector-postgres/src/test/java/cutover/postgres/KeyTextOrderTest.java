package cutover.postgres;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Integer keys compared from their text as the numbers they are; uuid as its text; other types not at all ({@code KeyBucketIT} checks against the server's own order). */
class KeyTextOrderTest {
    @Property(tries = 2000)
    void integersCompareAsTheirValues(@ForAll long a, @ForAll long b) {
        assertThat(Integer.signum(KeyTextOrder.compareIntegers(Long.toString(a), Long.toString(b)))).isEqualTo(Long.compare(a, b));
    }

    @Property(tries = 1000)
    void keysOfAnIntegerAndAUuidCompareFieldByField(@ForAll int a, @ForAll long uuidA, @ForAll int b, @ForAll long uuidB) {
        Comparator<String> order = KeyTextOrder.of(List.of("int4", "uuid"));
        String ua = new java.util.UUID(uuidA, 1).toString(), ub = new java.util.UUID(uuidB, 1).toString();
        int expected = a != b ? Integer.compare(a, b) : ua.compareTo(ub);
        assertThat(Integer.signum(order.compare(a + "\t" + ua, b + "\t" + ub))).isEqualTo(Integer.signum(expected));
    }

    @Test
    void noOrderIsToldForTypesThatSortByACollationOrWhoseTextIsOutOfOrder() {
        assertThat(KeyTextOrder.of(List.of("text"))).isNull();
        assertThat(KeyTextOrder.of(List.of("int8", "varchar"))).isNull();
        assertThat(KeyTextOrder.of(List.of("date"))).isNull();
        assertThat(KeyTextOrder.of(List.of("timestamptz"))).isNull();
        assertThat(KeyTextOrder.of(List.of())).isNull();
        assertThat(KeyTextOrder.of(List.of("int2"))).isNotNull();
    }
}
