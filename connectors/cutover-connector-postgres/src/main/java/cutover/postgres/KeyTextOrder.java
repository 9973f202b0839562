package cutover.postgres;

import java.util.Comparator;
import java.util.List;

/**
 * The order of {@code ORDER BY} a table's key, told from the keys' COPY text (each key column's text
 * as written, joined by tabs) for the column types whose order does not depend on the database:
 * integers (their text has no leading zeros, and a minus sign for negatives) and uuid (lowercase
 * hex, whose order is the bytes' order, which is how PostgreSQL sorts uuid). Any other type sorts by
 * a collation or has text forms out of order (a date BC, {@code infinity}): no order is told.
 */
final class KeyTextOrder {
    private KeyTextOrder() {}

    /** The order of keys of columns of these types, or null when one of them is not an integer or a uuid. */
    static Comparator<String> of(List<String> keyTypes) {
        if (keyTypes.isEmpty()) return null;
        boolean[] integer = new boolean[keyTypes.size()];
        for (int i = 0; i < integer.length; i++) {
            String type = keyTypes.get(i);
            integer[i] = KeyBucket.INTEGERS.contains(type);
            if (!integer[i] && !type.equals("uuid")) return null;
        }
        if (integer.length == 1) return integer[0] ? KeyTextOrder::compareIntegers : Comparator.naturalOrder();
        return (a, b) -> compareFields(a, b, integer);
    }

    /** Integers' text compared as the numbers they are, without parsing them. */
    static int compareIntegers(String a, String b) {
        return compareIntegers(a, 0, a.length(), b, 0, b.length());
    }

    private static int compareIntegers(String a, int aFrom, int aTo, String b, int bFrom, int bTo) {
        boolean negativeA = aTo > aFrom && a.charAt(aFrom) == '-';
        boolean negativeB = bTo > bFrom && b.charAt(bFrom) == '-';
        if (negativeA != negativeB) return negativeA ? -1 : 1;
        int byDigits = Integer.compare(aTo - aFrom, bTo - bFrom); // more digits, further from zero
        if (byDigits == 0) byDigits = compareText(a, aFrom, aTo, b, bFrom);
        return negativeA ? -byDigits : byDigits;
    }

    /** Two ranges of the same length, char by char. */
    private static int compareText(String a, int aFrom, int aTo, String b, int bFrom) {
        for (int i = aFrom, j = bFrom; i < aTo; i++, j++) {
            int d = a.charAt(i) - b.charAt(j);
            if (d != 0) return d;
        }
        return 0;
    }

    private static int compareFields(String a, String b, boolean[] integer) {
        int aFrom = 0, bFrom = 0;
        for (int field = 0; field < integer.length; field++) {
            int aTo = field == integer.length - 1 ? a.length() : a.indexOf('\t', aFrom);
            int bTo = field == integer.length - 1 ? b.length() : b.indexOf('\t', bFrom);
            if (aTo < 0 || bTo < 0) throw new IllegalArgumentException("a key of " + integer.length + " columns has fewer: " + (aTo < 0 ? a : b));
            int c;
            if (integer[field]) {
                c = compareIntegers(a, aFrom, aTo, b, bFrom, bTo);
            } else {
                int common = Math.min(aTo - aFrom, bTo - bFrom);
                c = compareText(a, aFrom, aFrom + common, b, bFrom);
                if (c == 0) c = Integer.compare(aTo - aFrom, bTo - bFrom);
            }
            if (c != 0) return c;
            aFrom = aTo + 1;
            bFrom = bTo + 1;
        }
        return 0;
    }
}
