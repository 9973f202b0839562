package cutover.migrate;

import cutover.connector.SinkWriter;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.model.ValueCodec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys a record's rows claim in the tables whose key the plan derives ({@link
 * RowMapper#tablesWithDerivedKeys}): without a claim, two records mapped onto one key are written as
 * one row, the later upsert overwriting the earlier, and nothing says so. A claim names the key by a
 * digest of its values as the target compares them (1.50 and 1.5 are one numeric, -0.0 and 0.0 one
 * double), and its record by entity and key.
 */
final class KeyClaims {
    private final Set<String> tables;
    private final Map<String, Table> tablesByName;

    KeyClaims(Set<String> tables, Map<String, Table> tablesByName) {
        this.tables = Set.copyOf(tables);
        this.tablesByName = tablesByName;
    }

    boolean any() { return !tables.isEmpty(); }

    /** The claims of one record's rows (one per row in a guarded table). */
    List<SinkWriter.KeyClaim> of(Record source, List<Record> rows) {
        if (tables.isEmpty()) return List.of();
        List<SinkWriter.KeyClaim> out = new ArrayList<>(1);
        for (Record row : rows) {
            String table = row.entity().value();
            if (tables.contains(table)) out.add(new SinkWriter.KeyClaim(table, digest(keyOf(tablesByName.get(table), row)), holder(source)));
        }
        return out;
    }

    /** How messages name the record a claim is for. */
    static String holder(Record source) {
        return source.entity() + " " + source.key();
    }

    private static List<Value> keyOf(Table table, Record row) {
        List<Value> key = new ArrayList<>(table.primaryKey().size());
        for (String column : table.primaryKey()) {
            Value v = row.get(column);
            key.add(v == null ? Value.NULL : v);
        }
        return key;
    }

    static String digest(List<Value> key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try {
            ValueCodec.encodeKey(new Key(key.stream().map(KeyClaims::asCompared).toList()), bytes);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value in the one form the values equal to it in a key column share. */
    private static Value asCompared(Value v) {
        if (v instanceof Value.Decimal d) {
            BigDecimal stripped = d.value().signum() == 0 ? BigDecimal.ZERO : d.value().stripTrailingZeros();
            return Value.of(stripped);
        }
        if (v instanceof Value.Float64 f && f.value() == 0.0) return Value.of(0.0);
        return v;
    }
}
