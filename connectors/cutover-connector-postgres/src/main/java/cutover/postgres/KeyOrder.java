package cutover.postgres;

import cutover.model.Value;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * How range queries order a table's first key column, the same way on every server whatever its
 * collation: numbers, uuids, dates, timestamps and booleans in their natural order; every other type
 * (text above all) by its text form in the C collation, which orders UTF-8 by byte and so by code
 * point, as {@link cutover.model.ValueOrder} does. Where the column's own collation is already C,
 * the bare column is compared, so its index serves the ranges; otherwise a range query scans.
 */
final class KeyOrder {
    private static final Set<String> NATURAL = Set.of("int2", "int4", "int8", "numeric", "float4", "float8", "uuid", "date",
            "timestamp", "timestamptz", "bool");
    private static final Set<String> INTEGER = Set.of("int2", "int4", "int8");

    private final DigestTable.Column key;
    private final boolean natural;
    private final boolean collationIsC;
    private final String keyHash;

    KeyOrder(DigestTable table, boolean dateBin) {
        this.key = table.firstKey();
        this.natural = NATURAL.contains(key.typname());
        this.collationIsC = table.keyCollationIsC();
        List<DigestTable.Column> keys = table.primaryKey().stream().map(k -> table.column(k).orElseThrow()).toList();
        this.keyHash = "(" + RowHash.expression(keys, "src", dateBin) + " & 9223372036854775807)";
    }

    /**
     * The bucket of the row aliased {@code src} among {@code buckets}, by a hash of its whole key (the
     * row hash of the key columns, made non-negative): how a range whose rows share one value of the
     * first key column is cut. Both sides compute it alike wherever their dialects are equal.
     */
    String keyBucket(int buckets) { return "(" + keyHash + " % " + buckets + ")"; }

    /** True for integer keys, whose split points can be placed by arithmetic between min and max. */
    boolean integer() { return INTEGER.contains(key.typname()); }

    /** Natural-order key types of fixed width, whose arrays {@code width_bucket} searches in log time. */
    private static final Set<String> FIXED_WIDTH = Set.of("int2", "int4", "int8", "float4", "float8", "uuid", "date", "timestamp",
            "timestamptz", "bool");

    /**
     * An expression giving the number of the range a row falls in among those {@code bounds}
     * (ascending) cut: 0 below the first bound, i from the i-th on. For fixed-width keys this is
     * {@code width_bucket}; over an array of text or numeric it walks the array from its start at
     * every step of its search, so 4,096 text bounds cost 22 s on 1M rows; those keys get a binary
     * search written out as nested {@code CASE}s instead (12 comparisons for 4,096 bounds).
     */
    String bucket(String alias, List<Value> bounds, List<Object> params) {
        String key = expression(alias);
        if (!searchesInSql()) {
            String[] text = new String[bounds.size()];
            for (int i = 0; i < text.length; i++) text[i] = boundText(bounds.get(i));
            params.add(text);
            return "width_bucket(" + key + ", CAST(? AS " + boundType() + "[]))";
        }
        return search(key, bounds, 0, bounds.size(), params);
    }

    /** Ranges lo..hi (numbers); bound i - 1 starts range i. Parameters in the order their marks appear. */
    private String search(String key, List<Value> bounds, int lo, int hi, List<Object> params) {
        if (lo == hi) return Integer.toString(lo);
        int mid = (lo + hi + 1) / 2;
        params.add(boundText(bounds.get(mid - 1)));
        String below = "CASE WHEN " + key + " < CAST(? AS " + boundType() + ") THEN ";
        String left = search(key, bounds, lo, mid - 1, params);
        return below + left + " ELSE " + search(key, bounds, mid, hi, params) + " END";
    }

    /**
     * True when {@link #bucket} writes its search out as SQL: JIT must then be off for the query,
     * since LLVM takes minutes over thousands of nested comparisons that run in microseconds.
     */
    boolean searchesInSql() { return !(natural && FIXED_WIDTH.contains(key.typname())); }

    /** True when range conditions on {@link #expression} can use the primary key's index. */
    boolean usesIndex() { return natural || (collationIsC && key.typname().equals("text")); }

    /** The expression range conditions compare, for the row aliased {@code alias}. */
    String expression(String alias) {
        String column = alias + "." + TableName.quote(key.name());
        if (natural) return column;
        if (collationIsC && key.typname().equals("text")) return column;
        return "(" + column + "::text COLLATE \"C\")";
    }

    /** The type bound parameters are cast to (sent as text): the key's type without modifiers, or text. */
    String boundType() { return natural ? key.baseType() : "text"; }

    /** A bound as PostgreSQL's input text for {@link #boundType()}. */
    static String boundText(Value v) {
        if (v instanceof Value.Text t) return t.value();
        if (v instanceof Value.Decimal d) return d.value().toPlainString();
        if (v instanceof Value.Timestamp t) return t.value().toString(); // ISO-8601 with Z; a timestamp without zone ignores the Z
        if (v instanceof Value.Float64 f) return Double.isNaN(f.value()) ? "NaN" : Double.toString(f.value());
        return v.toString(); // Int64, Date, Bool: their toString is PostgreSQL's input form
    }

    /** Reads a bound selected as {@link #expression}: decoded by its type when natural, else its text. */
    Value readBound(ResultSet rs, int column) throws SQLException {
        if (natural) return PgValues.read(rs, column, key.typname());
        String s = rs.getString(column);
        return s == null ? Value.NULL : Value.of(s);
    }
}
