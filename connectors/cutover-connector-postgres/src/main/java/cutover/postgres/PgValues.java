package cutover.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.model.Value;
import org.postgresql.geometric.PGpoint;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a column of a result set as a Cutover {@link Value}, by its PostgreSQL type:
 * int2/int4/int8/oid → Int64; numeric → Decimal (NaN and ±Infinity → Float64); float4/float8 → Float64
 * (float4 through its text form, so 0.1 stays 0.1); bool → Bool; timestamptz → Timestamp;
 * timestamp without zone → Timestamp read as UTC; date → Date; bytea → Bytes; json/jsonb → parsed
 * (objects → maps, arrays → arrays, integers → Int64 or Decimal beyond 64 bits, other numbers →
 * Float64); point → GeoPoint with x as longitude and y as latitude; arrays → Array of their elements.
 * Any other type (uuid, text, varchar, enums, inet, interval…) → Text in PostgreSQL's own text form.
 */
final class PgValues {
    private static final JsonFactory JSON = new JsonFactory();

    private PgValues() {}

    static Value read(ResultSet rs, int column, String type) throws SQLException {
        switch (type) {
            case "int2", "int4", "int8", "oid" -> {
                long v = rs.getLong(column);
                return rs.wasNull() ? Value.NULL : Value.of(v);
            }
            case "float4", "float8" -> {
                String s = rs.getString(column);
                return s == null ? Value.NULL : Value.of(Double.parseDouble(s));
            }
            case "numeric" -> {
                String s = rs.getString(column);
                if (s == null) return Value.NULL;
                if (s.equals("NaN") || s.endsWith("Infinity")) return Value.of(Double.parseDouble(s));
                return Value.of(new BigDecimal(s));
            }
            case "bool" -> {
                boolean v = rs.getBoolean(column);
                return rs.wasNull() ? Value.NULL : Value.of(v);
            }
            case "timestamptz" -> {
                OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                return t == null ? Value.NULL : Value.of(t.toInstant());
            }
            case "timestamp" -> {
                LocalDateTime t = rs.getObject(column, LocalDateTime.class);
                return t == null ? Value.NULL : Value.of(t.toInstant(ZoneOffset.UTC));
            }
            case "date" -> {
                LocalDate d = rs.getObject(column, LocalDate.class);
                return d == null ? Value.NULL : Value.of(d);
            }
            case "bytea" -> {
                byte[] b = rs.getBytes(column);
                return b == null ? Value.NULL : Value.of(b);
            }
            case "json", "jsonb" -> {
                String s = rs.getString(column);
                return s == null ? Value.NULL : parseJson(s);
            }
            case "point" -> {
                Object o = rs.getObject(column);
                if (o == null) return Value.NULL;
                PGpoint p = (PGpoint) o;
                return new Value.GeoPoint(p.y, p.x);
            }
            default -> {
                if (type.startsWith("_")) {
                    Array array = rs.getArray(column);
                    return array == null ? Value.NULL : readArray(array, type.substring(1));
                }
                String s = rs.getString(column);
                return s == null ? Value.NULL : Value.of(s);
            }
        }
    }

    private static Value readArray(Array array, String elementType) throws SQLException {
        List<Value> values = new ArrayList<>();
        try (ResultSet rs = array.getResultSet()) {
            boolean nested = rs.getMetaData().getColumnType(2) == java.sql.Types.ARRAY; // a row of a multidimensional array
            while (rs.next()) {
                Array inner = nested ? rs.getArray(2) : null;
                values.add(nested ? (inner == null ? Value.NULL : readArray(inner, elementType)) : read(rs, 2, elementType));
            }
        } finally {
            array.free();
        }
        return new Value.Array(values);
    }

    /** A json or jsonb value: the document {@code null} is {@link Value#JSON_NULL}, not SQL NULL; a null within it is {@link Value#NULL}. */
    static Value parseJson(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            p.nextToken();
            if (p.currentToken() == JsonToken.VALUE_NULL) return Value.JSON_NULL;
            return json(p);
        } catch (IOException e) {
            // the server stored it as json, so this means a bug, not bad data
            throw new IllegalStateException("cannot parse JSON from PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static Value json(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    fields.put(name, json(p));
                }
                return new Value.MapValue(fields);
            }
            case START_ARRAY -> {
                List<Value> values = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) values.add(json(p));
                return new Value.Array(values);
            }
            case VALUE_STRING -> { return Value.of(p.getText()); }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? Value.of(new BigDecimal(p.getBigIntegerValue())) : Value.of(p.getLongValue());
            }
            // jsonb keeps a number as numeric, its digits and scale with it (2.50 stays 2.50): a double would not
            case VALUE_NUMBER_FLOAT -> { return Value.of(p.getDecimalValue()); }
            case VALUE_TRUE -> { return Value.of(true); }
            case VALUE_FALSE -> { return Value.of(false); }
            case VALUE_NULL -> { return Value.NULL; }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }
}
