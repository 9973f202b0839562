package cutover.postgres;

import cutover.model.ColumnType;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An existing column of a native array type ({@code text[]}, {@code integer[]}, …) where the plan
 * has JSON for a field whose values are lists: the table a PostgreSQL table's snapshot came from,
 * restored over record by record ({@code restore --where-key}), or one made as the source defined
 * it. Such a column is accepted: each value is checked against its element type before its batch
 * is written ({@link PostgresSink#check}), so a value it cannot hold sets its one record aside, and
 * a list is written as PostgreSQL's array literal ({@code {"a","b c",NULL}}, nested braces for a
 * further dimension) instead of JSON. Elements of types the check can tell are checked; those of
 * the others (enums, intervals, network addresses, a length-limited varchar or char) are written as
 * their text, which the type's input reads or refuses when the row is written, so a refused row is
 * set aside with the server's reason (a table whose bulk load a refused row stopped goes record by
 * record: an acceptance run found every row with such an array set aside, written as JSON). An
 * element numeric(p,s) or timestamp(p) would round is refused before, as in a scalar column of
 * them; not a type whose modifier would round an element unseen otherwise (interval(p)). A
 * json or jsonb element is written as its JSON text; a null one is refused, since a value does not
 * tell a JSON {@code null} element from an SQL NULL one.
 */
record ArrayColumn(String type, String element, ColumnLimit elementLimit, int secondsDigits) implements ExistingColumnCheck {
    ArrayColumn(String type, String element) {
        this(type, element, null, -1);
    }

    private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");
    private static final Set<String> TEXTS = Set.of("text", "varchar", "citext");
    private static final Set<String> OTHERS = Set.of("float4", "float8", "numeric", "bool", "timestamptz", "timestamp", "date", "bytea", "uuid");
    private static final Set<String> JSON_TYPES = Set.of("json", "jsonb");
    /** Element types whose modifier refuses a value too long rather than rounding it. */
    private static final Set<String> LENGTH_LIMITED = Set.of("varchar", "bpchar");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The array column an existing column of {@code typname} (an array type: {@code _int4}) and modifier {@code typmod} is for the plan's {@code type}, if it takes its values. */
    static Optional<ArrayColumn> of(ColumnType type, String typname, int typmod) {
        if (type != ColumnType.JSON || !typname.startsWith("_")) return Optional.empty();
        String element = typname.substring(1);
        if (typmod >= 0 && element.equals("numeric")) { // numeric(p,s): an element it would round is refused, as in a scalar column of it
            return ColumnLimit.of(ColumnType.NUMERIC, "numeric", typmod).map(limit -> new ArrayColumn(limit.type() + "[]", element, limit, -1));
        }
        if (typmod >= 0 && (element.equals("timestamp") || element.equals("timestamptz"))) { // timestamp(p): the same for finer seconds
            return Optional.of(new ArrayColumn(element + "(" + typmod + ")[]", element, null, typmod));
        }
        if (typmod >= 0 && !LENGTH_LIMITED.contains(element)) return Optional.empty();
        return Optional.of(new ArrayColumn(element + "[]", element));
    }

    /** What is wrong with the value for this column, or null when it fits. */
    @Override
    public String problem(Value value) {
        if (!(value instanceof Value.Array array)) return "a " + kindName(value) + " is not a list, which " + type + " holds";
        if (dimensions(array) == null) return "lists of different lengths or depths cannot be written to " + type + " (a PostgreSQL array is rectangular)";
        return elementsProblem(array);
    }

    /** The lengths of a rectangular array's dimensions, outermost first, or null when it is not rectangular. */
    private static List<Integer> dimensions(Value.Array array) {
        List<Integer> inner = null;
        boolean values = false;
        for (Value v : array.values()) {
            if (v instanceof Value.Array sub) {
                List<Integer> d = dimensions(sub);
                if (values || d == null || (inner != null && !inner.equals(d))) return null;
                inner = d;
            } else {
                if (inner != null) return null;
                values = true;
            }
        }
        List<Integer> out = new ArrayList<>();
        out.add(array.values().size());
        if (inner != null) out.addAll(inner);
        return out;
    }

    private String elementsProblem(Value.Array array) {
        for (Value v : array.values()) {
            String p = v instanceof Value.Array inner ? elementsProblem(inner) : elementProblem(v);
            if (p != null) return p;
        }
        return null;
    }

    private String elementProblem(Value v) {
        if (v.kind() == Value.Kind.NULL) {
            return JSON_TYPES.contains(element) ? "a null element of " + type + " could be a JSON null or an SQL NULL, which the snapshot's"
                    + " value does not tell apart" : null;
        }
        if (JSON_TYPES.contains(element)) return null; // any value is a JSON document
        String beyond = ValueCheck.problem(v, false); // what PostgreSQL refuses in any column of the kind: infinite timestamps, NUL in text
        if (beyond != null) return beyond + ", as an element of " + type;
        boolean fits = switch (element) {
            // smallint and integer elements within their column's range, as ColumnLimit checks a scalar column of them
            case "int2", "int4", "int8" -> v instanceof Value.Int64
                    && ColumnLimit.of(ColumnType.BIGINT, element, -1).map(limit -> limit.problem(v) == null).orElse(true);
            case "float4", "float8" -> v instanceof Value.Float64 || v instanceof Value.Int64 || v instanceof Value.Decimal;
            // NaN and the infinities (PostgreSQL 14 on) a numeric holds, as a scalar column of one takes them
            case "numeric" -> v instanceof Value.Decimal || v instanceof Value.Int64 || v instanceof Value.Float64;
            case "bool" -> v instanceof Value.Bool;
            case "timestamptz", "timestamp" -> v instanceof Value.Timestamp;
            case "date" -> v instanceof Value.Date;
            case "bytea" -> v instanceof Value.Bytes;
            case "uuid" -> v instanceof Value.Text t && UUID.matcher(t.value()).matches();
            // text, varchar, citext; and the others' text, which their type's input reads (or refuses the row for)
            default -> v instanceof Value.Text;
        };
        if (!fits) return "a " + kindName(v) + " cannot be an element of " + type;
        if (elementLimit != null) {
            String rounded = elementLimit.problem(v);
            if (rounded != null) return rounded + ", as an element of " + type;
        }
        if (secondsDigits >= 0 && v instanceof Value.Timestamp t && t.value().getNano() % (long) Math.pow(10, 9 - secondsDigits) != 0) {
            return "the time " + t.value() + " has more digits of a second than " + type + " keeps (it would be rounded)";
        }
        return null;
    }

    private static String kindName(Value v) {
        return v.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The value as PostgreSQL's array literal, every element quoted (its type's input reads it), NULL for a null one; the value must fit. */
    void render(Value value, StringBuilder out) {
        render((Value.Array) value, out);
    }

    private void render(Value.Array array, StringBuilder out) {
        out.append('{');
        List<Value> values = array.values();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) out.append(',');
            Value v = values.get(i);
            if (v.kind() == Value.Kind.NULL) out.append("NULL");
            else if (v instanceof Value.Array inner) render(inner, out);
            else quoted(text(v), out);
        }
        out.append('}');
    }

    private String text(Value v) {
        if (JSON_TYPES.contains(element)) return cutover.model.JsonValues.toJson(v);
        StringBuilder sb = new StringBuilder();
        CopyText.render(v, element.equals("float4") || element.equals("float8") ? ColumnType.DOUBLE : ColumnType.TEXT, sb);
        return sb.toString();
    }

    private static void quoted(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') out.append('\\');
            out.append(c);
        }
        out.append('"');
    }
}
