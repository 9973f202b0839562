package cutover.migrate;

import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.model.ValueCodec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * digest of its values as the target compares them ({@link Sink#keyAsCompared}: in PostgreSQL 1.50 and
 * 1.5 are one numeric), and its record by entity and key.
 */
final class KeyClaims {
    private final Set<String> tables;
    private final Map<String, Table> tablesByName;
    private final Sink sink;
    private final String split;

    /** The claims of one split's records ({@code split}: its id, part of how a claim names its record). */
    KeyClaims(Set<String> tables, Map<String, Table> tablesByName, Sink sink, String split) {
        this.tables = Set.copyOf(tables);
        this.tablesByName = tablesByName;
        this.sink = sink;
        this.split = split;
    }

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

    /** The row's key values, each as the target compares it. */
    private List<Value> keyOf(Table table, Record row) {
        List<Value> key = new ArrayList<>(table.primaryKey().size());
        for (String column : table.primaryKey()) {
            Value v = row.get(column);
            ColumnType type = table.column(column).map(Column::type).orElse(ColumnType.TEXT);
            key.add(sink.keyAsCompared(type, v == null ? Value.NULL : v));
        }
        return key;
    }

    /**
     * How a claim names its record, as messages show it: entity, key and split (two files of a folder
     * of exports may each hold a document of one key; a record is read by the same split every time).
     */
    String holder(Record source) {
        return source.entity() + " " + source.key() + " (" + split + ")";
    }

    /** The first 16 bytes of the SHA-256 of the key's canonical encoding, in hex: small in the target's index, and no two keys of a run share one. */
    static String digest(List<Value> key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try {
            ValueCodec.encodeKey(new Key(key), bytes);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()), 0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
