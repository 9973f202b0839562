package cutover.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The total order of values: by kind first (numbers of all three kinds together, ordered by their
 * numeric value, NaN first, as Firestore does), then within the kind. Text orders by Unicode code
 * point, which is UTF-8 byte order and PostgreSQL's {@code COLLATE "C"}, so key order agrees between
 * Cutover and a database sorting in the C collation. Consistent with {@link Value#equals}.
 */
public final class ValueOrder {
    private ValueOrder() {}

    public static int compare(Value a, Value b) {
        int ra = rank(a.kind()), rb = rank(b.kind());
        if (ra != rb) return Integer.compare(ra, rb);
        return switch (a.kind()) {
            case NULL, JSON_NULL -> 0;
            case BOOL -> Boolean.compare(((Value.Bool) a).value(), ((Value.Bool) b).value());
            case INT64, FLOAT64, DECIMAL -> compareNumbers(a, b);
            case TIMESTAMP -> ((Value.Timestamp) a).value().compareTo(((Value.Timestamp) b).value());
            case DATE -> ((Value.Date) a).value().compareTo(((Value.Date) b).value());
            case TEXT -> compareCodePoints(((Value.Text) a).value(), ((Value.Text) b).value());
            case BYTES -> java.util.Arrays.compareUnsigned(((Value.Bytes) a).unsafeArray(), ((Value.Bytes) b).unsafeArray());
            case REFERENCE -> compareCodePoints(((Value.Reference) a).path(), ((Value.Reference) b).path());
            case GEOPOINT -> {
                Value.GeoPoint ga = (Value.GeoPoint) a, gb = (Value.GeoPoint) b;
                int c = Double.compare(ga.latitude(), gb.latitude());
                yield c != 0 ? c : Double.compare(ga.longitude(), gb.longitude());
            }
            case ARRAY -> compareLists(((Value.Array) a).values(), ((Value.Array) b).values());
            case MAP -> compareMaps(((Value.MapValue) a).fields(), ((Value.MapValue) b).fields());
        };
    }

    private static int rank(Value.Kind kind) {
        return switch (kind) {
            case INT64, FLOAT64, DECIMAL -> Value.Kind.INT64.ordinal();
            default -> kind.ordinal();
        };
    }

    private static int compareNumbers(Value a, Value b) {
        boolean nanA = a instanceof Value.Float64 f && Double.isNaN(f.value());
        boolean nanB = b instanceof Value.Float64 f && Double.isNaN(f.value());
        if (nanA || nanB) return nanA && nanB ? 0 : nanA ? -1 : 1;
        int c = compareNumeric(a, b);
        if (c != 0) return c;
        // Numerically equal but not equal values (1 vs 1.0, 1.0 vs 1.00, -0.0 vs 0.0): break the tie
        // deterministically so the order stays consistent with equals.
        c = Integer.compare(a.kind().ordinal(), b.kind().ordinal());
        if (c != 0) return c;
        return switch (a.kind()) {
            case FLOAT64 -> Double.compare(((Value.Float64) a).value(), ((Value.Float64) b).value());
            case DECIMAL -> Integer.compare(((Value.Decimal) a).value().scale(), ((Value.Decimal) b).value().scale());
            default -> 0;
        };
    }

    private static int compareNumeric(Value a, Value b) {
        if (a instanceof Value.Int64 x && b instanceof Value.Int64 y) return Long.compare(x.value(), y.value());
        if (a instanceof Value.Float64 x && b instanceof Value.Float64 y) {
            return x.value() == y.value() ? 0 : Double.compare(x.value(), y.value());
        }
        double da = asDouble(a), db = asDouble(b);
        if (Double.isInfinite(da) || Double.isInfinite(db)) {
            if (da != db) return Double.compare(da, db);
        }
        return exact(a).compareTo(exact(b));
    }

    private static double asDouble(Value v) {
        if (v instanceof Value.Int64 i) return i.value();
        if (v instanceof Value.Float64 f) return f.value();
        return ((Value.Decimal) v).value().doubleValue();
    }

    private static BigDecimal exact(Value v) {
        if (v instanceof Value.Int64 i) return BigDecimal.valueOf(i.value());
        if (v instanceof Value.Float64 f) return new BigDecimal(f.value());
        return ((Value.Decimal) v).value();
    }

    /** Compares by Unicode code point (UTF-16 order differs for characters above U+FFFF). */
    public static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int compareLists(List<Value> a, List<Value> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compare(a.get(i), b.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareMaps(Map<String, Value> a, Map<String, Value> b) {
        List<String> ka = sortedKeys(a), kb = sortedKeys(b);
        Iterator<String> ia = ka.iterator(), ib = kb.iterator();
        while (ia.hasNext() && ib.hasNext()) {
            String x = ia.next(), y = ib.next();
            int c = compareCodePoints(x, y);
            if (c != 0) return c;
            c = compare(a.get(x), b.get(y));
            if (c != 0) return c;
        }
        return Integer.compare(ka.size(), kb.size());
    }

    static List<String> sortedKeys(Map<String, Value> map) {
        List<String> keys = new ArrayList<>(map.keySet());
        keys.sort(ValueOrder::compareCodePoints);
        return keys;
    }
}
