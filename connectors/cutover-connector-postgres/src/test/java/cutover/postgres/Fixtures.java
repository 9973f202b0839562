package cutover.postgres;

import cutover.connector.Position;
import cutover.connector.Sink;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.ForeignKey;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plan tables and rows shared by the sink tests: users (every column type), posts (a foreign key), tags (key only). */
final class Fixtures {
    private Fixtures() {}

    static Table users(String schema) {
        return new Table(schema + ".users", List.of(
                new Column("id", ColumnType.TEXT, false), new Column("name", ColumnType.TEXT, false),
                new Column("age", ColumnType.BIGINT, true), new Column("score", ColumnType.DOUBLE, true),
                new Column("balance", ColumnType.NUMERIC, true), new Column("active", ColumnType.BOOLEAN, true),
                new Column("created", ColumnType.TIMESTAMPTZ, true), new Column("birthday", ColumnType.DATE, true),
                new Column("avatar", ColumnType.BYTES, true), new Column("profile", ColumnType.JSON, true),
                new Column("home", ColumnType.GEOPOINT, true)), List.of("id"), List.of(), true);
    }

    static Table posts(String schema) {
        return new Table(schema + ".posts", List.of(new Column("id", ColumnType.TEXT, false), new Column("author", ColumnType.TEXT, true),
                new Column("title", ColumnType.TEXT, true)), List.of("id"),
                List.of(new ForeignKey(List.of("author"), schema + ".users", List.of("id"))), false);
    }

    static Table tags(String schema) {
        return new Table(schema + ".tags", List.of(new Column("post", ColumnType.TEXT, false), new Column("tag", ColumnType.TEXT, false)),
                List.of("post", "tag"), List.of(), false);
    }

    static List<Table> all(String schema) { return List.of(users(schema), posts(schema), tags(schema)); }

    static Record user(String schema, String id, String name, long age) {
        Map<String, Value> f = new LinkedHashMap<>();
        f.put("id", Value.of(id));
        f.put("name", Value.of(name));
        f.put("age", Value.of(age));
        f.put("score", Value.of(age * 1.5));
        f.put("balance", Value.of(new BigDecimal("1234567890.0123456789")));
        f.put("active", Value.of(age % 2 == 0));
        f.put("created", Value.of(Instant.parse("2024-05-06T07:08:09.123456789Z")));
        f.put("birthday", Value.of(LocalDate.of(1990, 1, 2)));
        f.put("avatar", Value.of(new byte[] {1, 2, (byte) 0xfe, '\\', '\n'}));
        f.put("profile", new Value.MapValue(Map.of("bio", Value.of("tab\there \"quoted\" back\\slash\nnew line"),
                "tags", new Value.Array(List.of(Value.of("a"), Value.of(2), Value.NULL)))));
        f.put("home", new Value.GeoPoint(48.8566, 2.3522));
        return new Record(users(schema).entity(), Key.of(id), f);
    }

    static Record post(String schema, String id, String author, String title) {
        Map<String, Value> f = new LinkedHashMap<>();
        f.put("id", Value.of(id));
        f.put("author", author == null ? Value.NULL : Value.of(author));
        f.put("title", Value.of(title));
        return new Record(posts(schema).entity(), Key.of(id), f);
    }

    static Record tag(String schema, String post, String tag) {
        return new Record(tags(schema).entity(), Key.of(post, tag), Map.of("post", Value.of(post), "tag", Value.of(tag)));
    }

    static Sink.Checkpoint checkpoint(long ordinal, boolean done) {
        return new Sink.Checkpoint(new Position(ordinal, "[\"" + ordinal + "\"]"), ordinal, ordinal, 0, 0, done);
    }
}
