package cutover.verify;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.model.ColumnType;
import cutover.model.JsonValues;
import cutover.model.Value;
import cutover.plan.Plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a value to the form both sides of a plan's comparison can agree on, by the plan's verify
 * rules and the column's type: timestamps truncated to the precision the target keeps, doubles
 * rounded when the plan says so, and a JSON column's value as canonical JSON text (keys sorted,
 * numbers exact), because the target hands back parsed JSON where the source had a map or array.
 * Everything else is compared exactly as it is: a numeric's scale, a double's last bit, text case.
 */
public final class ComparableValues {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Plan.VerifyRules rules;

    public ComparableValues(Plan.VerifyRules rules) { this.rules = rules; }

    public Value normalize(ColumnType type, Value v) {
        // SQL NULL and a JSON column's document null are each their own form: shown apart, as json_null, where they differ
        if (v == null || v.kind() == Value.Kind.NULL || v.kind() == Value.Kind.JSON_NULL) return v;
        if (type == ColumnType.JSON) return Value.of(canonicalJson(JsonValues.toJson(v)));
        if (v instanceof Value.Timestamp t && rules.timestampUnit() != java.time.temporal.ChronoUnit.NANOS) {
            return Value.of(t.value().truncatedTo(rules.timestampUnit()));
        }
        if (v instanceof Value.Float64 f && rules.floatDigits() > 0 && Double.isFinite(f.value()) && f.value() != 0) {
            return Value.of(new BigDecimal(f.value()).round(new MathContext(rules.floatDigits(), RoundingMode.HALF_EVEN)).doubleValue());
        }
        return v;
    }

    /** JSON text with object keys sorted and numbers in their plain exact form, so equal JSON is equal text. */
    static String canonicalJson(String text) {
        try {
            StringBuilder s = new StringBuilder();
            write(JSON.readTree(text), s);
            return s.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(JsonNode n, StringBuilder s) {
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            s.append('{');
            String sep = "";
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                s.append(sep).append('"').append(JsonStringEncoder.getInstance().quoteAsString(e.getKey())).append("\":");
                write(e.getValue(), s);
                sep = ",";
            }
            s.append('}');
        } else if (n.isArray()) {
            s.append('[');
            String sep = "";
            for (JsonNode e : n) {
                s.append(sep);
                write(e, s);
                sep = ",";
            }
            s.append(']');
        } else if (n.isNumber()) {
            s.append(n.decimalValue().stripTrailingZeros().toPlainString());
        } else {
            s.append(n.toString());
        }
    }
}
