package cutover.connector;

/**
 * The digests of {@link ChangeTracking.KeyBuckets}: sums of 64-bit key hashes, written in decimal as
 * PostgreSQL writes a numeric sum, added and compared exactly as 128-bit two's complement integers
 * (a bucket of 2^63 keys would be needed to pass 2^127). Not through BigInteger: a sum of ten hashes
 * passes a long more often than not, so a 1% change converted hundreds a run, and C2 compiled
 * BigInteger's division (its toString) for 30-100 ms beside a scheduled process's first incremental
 * (JFR, thirteenth and fifteenth sessions).
 */
public final class KeyDigests {
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private KeyDigests() {}

    /** The integer {@code high:low} (two's complement, 128 bits) in decimal. */
    public static String decimal(long high, long low) {
        if (high == (low >> 63)) return Long.toString(low); // it fits in a long
        boolean negative = high < 0;
        if (negative) { // its magnitude, 2^127 at most: an unsigned 128-bit number
            low = -low;
            high = ~high + (low == 0 ? 1 : 0);
        }
        int[] limbs = {(int) (high >>> 32), (int) high, (int) (low >>> 32), (int) low}; // most significant first
        char[] digits = new char[40];
        int at = digits.length;
        boolean rest;
        do { // divides the limbs by 10^9: the remainder is the next nine digits, from the right
            long remainder = 0;
            rest = false;
            for (int i = 0; i < limbs.length; i++) {
                long current = (remainder << 32) | (limbs[i] & LOW_32);
                limbs[i] = (int) (current / 1_000_000_000L);
                remainder = current % 1_000_000_000L;
                rest |= limbs[i] != 0;
            }
            for (int d = 0; d < 9 && (rest || remainder != 0); d++) { // all nine, but for the leading group
                digits[--at] = (char) ('0' + remainder % 10);
                remainder /= 10;
            }
        } while (rest);
        if (negative) digits[--at] = '-';
        return new String(digits, at, digits.length - at);
    }

    /** {@code a + b - c}, of decimal digests; in a long where none has more than 18 digits (no overflow then). */
    public static String plusMinus(String a, String b, String c) {
        if (a.length() <= 18 && b.length() <= 18 && c.length() <= 18) return Long.toString(Long.parseLong(a) + Long.parseLong(b) - Long.parseLong(c));
        Wide x = Wide.parse(a), y = Wide.parse(b), z = Wide.parse(c);
        Wide sum = x.plus(y).minus(z);
        return decimal(sum.high, sum.low);
    }

    /** Whether {@code a - b} is {@code difference}, of decimal digests, whatever their form (a leading zero, a "-0"). */
    public static boolean differenceIs(String a, String b, String difference) {
        Wide d = Wide.parse(a).minus(Wide.parse(b)), expected = Wide.parse(difference);
        return d.high == expected.high && d.low == expected.low;
    }

    /** A 128-bit two's complement integer. */
    private record Wide(long high, long low) {
        /** A decimal integer, optionally signed, of magnitude below 2^127. */
        static Wide parse(String s) {
            boolean negative = s.startsWith("-");
            int from = negative || s.startsWith("+") ? 1 : 0;
            if (from == s.length()) throw new NumberFormatException("not a digest: \"" + s + "\"");
            long high = 0, low = 0;
            for (int i = from; i < s.length(); i++) {
                int digit = s.charAt(i) - '0';
                if (digit < 0 || digit > 9) throw new NumberFormatException("not a digest: \"" + s + "\"");
                // (high:low) * 10 + digit, the low word in 32-bit halves so that its carry is exact
                long lo = (low & LOW_32) * 10 + digit;
                long hi = (low >>> 32) * 10 + (lo >>> 32);
                long carry = hi >>> 32;
                low = (hi << 32) | (lo & LOW_32);
                if (high > (Long.MAX_VALUE - carry) / 10) throw new NumberFormatException("a digest past 2^127: \"" + s + "\"");
                high = high * 10 + carry;
            }
            return negative ? new Wide(0, 0).minus(new Wide(high, low)) : new Wide(high, low);
        }

        Wide plus(Wide o) {
            long sum = low + o.low;
            return new Wide(high + o.high + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0), sum);
        }

        Wide minus(Wide o) {
            return new Wide(high - o.high - (Long.compareUnsigned(low, o.low) < 0 ? 1 : 0), low - o.low);
        }
    }
}
