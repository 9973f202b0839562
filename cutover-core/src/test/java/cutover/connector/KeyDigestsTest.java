package cutover.connector;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The key buckets' sums of hashes in decimal, added and compared: what BigInteger gives, at every size. */
class KeyDigestsTest {
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    @Property
    void a128BitSumIsWrittenAsItsDecimalValue(@ForAll long high, @ForAll long low) {
        BigInteger expected = BigInteger.valueOf(high).multiply(TWO_TO_64).add(new BigInteger(Long.toUnsignedString(low)));
        assertThat(KeyDigests.decimal(high, low)).isEqualTo(expected.toString());
    }

    @Property
    void aSumThatFitsInALongIsWrittenAsOne(@ForAll long value) {
        assertThat(KeyDigests.decimal(value >> 63, value)).isEqualTo(Long.toString(value));
    }

    @Property
    void plusMinusIsExactForShortAndLongNumbers(@ForAll @BigRange(min = "-1e25", max = "1e25") BigInteger a,
                                                @ForAll @BigRange(min = "-1e19", max = "1e19") BigInteger b,
                                                @ForAll long c) {
        String expected = a.add(b).subtract(BigInteger.valueOf(c)).toString();
        assertThat(KeyDigests.plusMinus(a.toString(), b.toString(), Long.toString(c))).isEqualTo(expected);
    }

    @Property
    void plusMinusAtTheEdgeOfTheFastPath(@ForAll @BigRange(min = "-99999999999999999", max = "999999999999999999") BigInteger a,
                                         @ForAll @BigRange(min = "-99999999999999999", max = "999999999999999999") BigInteger b,
                                         @ForAll @BigRange(min = "-99999999999999999", max = "999999999999999999") BigInteger c) {
        String expected = a.add(b).subtract(c).toString();
        assertThat(KeyDigests.plusMinus(a.toString(), b.toString(), c.toString())).isEqualTo(expected);
    }

    @Property
    void plusMinusOfWideNumbers(@ForAll @BigRange(min = "-1e37", max = "1e37") BigInteger a,
                                @ForAll @BigRange(min = "-1e37", max = "1e37") BigInteger b,
                                @ForAll @BigRange(min = "-1e37", max = "1e37") BigInteger c) {
        assertThat(KeyDigests.plusMinus(a.toString(), b.toString(), c.toString())).isEqualTo(a.add(b).subtract(c).toString());
    }

    @Property
    void aDifferenceIsTold(@ForAll @BigRange(min = "-1e30", max = "1e30") BigInteger a,
                           @ForAll @BigRange(min = "-1e30", max = "1e30") BigInteger b,
                           @ForAll @BigRange(min = "-2", max = "2") BigInteger off) {
        BigInteger difference = a.subtract(b).add(off);
        assertThat(KeyDigests.differenceIs(a.toString(), b.toString(), difference.toString())).isEqualTo(off.signum() == 0);
    }

    @Example
    void theFormOfADigestDoesNotMatter() {
        assertThat(KeyDigests.differenceIs("0012", "-0", "+12")).isTrue();
        assertThat(KeyDigests.differenceIs("170141183460469231731687303715884105727", "1", "170141183460469231731687303715884105726")).isTrue();
    }

    @Example
    void whatIsNotADigestIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyDigests.differenceIs("12a", "0", "0")).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("12a");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyDigests.differenceIs("-", "0", "0")).isInstanceOf(NumberFormatException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyDigests.differenceIs("1" + "0".repeat(39), "0", "0"))
                .isInstanceOf(NumberFormatException.class).hasMessageContaining("past 2^127");
    }
}
