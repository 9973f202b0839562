package cutover.postgres;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The key counts' sums of hashes in decimal: the long fast paths give what BigInteger gives, at every size. */
class DecimalSumsTest {
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    @Property
    void a128BitSumIsWrittenAsItsDecimalValue(@ForAll long high, @ForAll long low) {
        BigInteger expected = BigInteger.valueOf(high).multiply(TWO_TO_64).add(new BigInteger(Long.toUnsignedString(low)));
        assertThat(LineKeyCounting.decimal(high, low)).isEqualTo(expected.toString());
    }

    @Property
    void aSumThatFitsInALongIsWrittenAsOne(@ForAll long value) {
        assertThat(LineKeyCounting.decimal(value >> 63, value)).isEqualTo(Long.toString(value));
    }

    @Property
    void plusMinusIsExactForShortAndLongNumbers(@ForAll @BigRange(min = "-1e25", max = "1e25") BigInteger a,
                                                @ForAll @BigRange(min = "-1e19", max = "1e19") BigInteger b,
                                                @ForAll long c) {
        String expected = a.add(b).subtract(BigInteger.valueOf(c)).toString();
        assertThat(LineKeyCounting.plusMinus(a.toString(), b.toString(), Long.toString(c))).isEqualTo(expected);
    }

    @Property
    void plusMinusAtTheEdgeOfTheFastPath(@ForAll @BigRange(min = "-99999999999999999", max = "999999999999999999") BigInteger a,
                                         @ForAll @BigRange(min = "-99999999999999999", max = "999999999999999999") BigInteger b,
                                         @ForAll @BigRange(min = "-99999999999999999", max = "999999999999999999") BigInteger c) {
        String expected = a.add(b).subtract(c).toString();
        assertThat(LineKeyCounting.plusMinus(a.toString(), b.toString(), c.toString())).isEqualTo(expected);
    }
}
