package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.Position;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.model.Values;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Values written by the sink come back from the source as they were, column type by column type. */
class RoundTripTest {

    record Case(ColumnType type, List<Value> values) {}

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.of(ColumnType.class).flatMap(type ->
                Arbitraries.oneOf(List.of(Arbitraries.just(Value.NULL), valuesOf(type))).list().ofMinSize(1).ofMaxSize(12)
                        .map(values -> new Case(type, values)));
    }

    private static Arbitrary<Value> valuesOf(ColumnType type) {
        if (type == ColumnType.JSON) return jsonNative(2);
        return Values.any(0).filter(v -> v.kind() == type.valueKind());
    }

    /** What JSON holds as it is: null, bool, int64, finite float64, text, arrays and maps of them. */
    static Arbitrary<Value> jsonNative(int depth) {
        Arbitrary<Value> scalar = Arbitraries.oneOf(List.of(
                Arbitraries.just(Value.NULL),
                Arbitraries.of(true, false).map(Value::of),
                Arbitraries.longs().map(Value::of),
                Values.doubles().filter(d -> !d.isNaN() && !d.isInfinite()).map(Value::of),
                Arbitraries.strings().ofMaxLength(12).map(Value::of)));
        if (depth == 0) return scalar;
        Arbitrary<Value> inner = jsonNative(depth - 1);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalar),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(Value.Array::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), inner).ofMaxSize(4).map(m -> new Value.MapValue(m))));
    }

    @Property(tries = 150)
    void everyValueComesBackAsItWasWritten(@ForAll("cases") Case c) {
        Table table = new Table("t", List.of(new Column("id", ColumnType.BIGINT, false), new Column("v", c.type(), true)),
                List.of("id"), List.of(), false);
        Path dir = TestFiles.tempDir();
        try (Connector connector = TestFiles.open(dir.resolve("rt.db"))) {
            Sink sink = TestFiles.sink(connector);
            assertThat(sink.prepare("r", List.of(table), true)).isEmpty();
            Map<Long, Value> expected = new LinkedHashMap<>();
            List<Record> rows = new ArrayList<>();
            for (int i = 0; i < c.values().size(); i++) {
                Value v = c.values().get(i);
                Record row = row(table, i, v);
                Optional<RecordError> refused = sink.check(table, row);
                if (refused.isPresent()) {
                    // the one thing SQLite cannot store: text that is not valid UTF-16 (a lone surrogate)
                    assertThat(refused.get().code()).isEqualTo(ErrorCode.RECORD_INVALID_TEXT);
                    assertThat(RowCheck.unpairedSurrogate(cutover.model.JsonValues.toJson(v))).isNotNegative();
                    continue;
                }
                rows.add(row);
                expected.put((long) i, storedForm(v, c.type()));
            }
            try (var w = sink.writer("r", "s", List.of(table))) {
                w.write(rows, new Sink.Checkpoint(new Position(rows.size(), ""), rows.size(), rows.size(), 0, 0, true));
            }
            Source source = TestFiles.source(connector);
            Map<Long, Value> actual = new LinkedHashMap<>();
            for (Record r : TestFiles.readAll(source, TestFiles.split(source, "t"), Position.START)) {
                actual.put(((Value.Int64) r.get("id")).value(), r.get("v"));
            }
            assertThat(actual).isEqualTo(expected);
        } finally {
            TestFiles.delete(dir);
        }
    }

    /** The value as SQLite keeps it: exact, except that a REAL column stores -0.0 as 0. */
    private static Value storedForm(Value v, ColumnType type) {
        if (type == ColumnType.DOUBLE && v instanceof Value.Float64 f && Double.compare(f.value(), -0.0) == 0) return Value.of(0.0);
        return v;
    }

    private static Record row(Table table, long id, Value v) {
        Map<String, Value> fields = new LinkedHashMap<>();
        fields.put("id", Value.of(id));
        fields.put("v", v);
        return new Record(table.entity(), Key.of(Value.of(id)), fields);
    }

    @Example
    void specialValuesSurvive() {
        Object[][] cases = {
                {ColumnType.DOUBLE, Value.of(Double.NaN)}, {ColumnType.DOUBLE, Value.of(Double.NEGATIVE_INFINITY)},
                {ColumnType.NUMERIC, Value.of(new BigDecimal("1.50"))}, {ColumnType.NUMERIC, Value.of(new BigDecimal("1E+3"))},
                {ColumnType.NUMERIC, Value.of(new BigDecimal("-0.0000001"))},
                // PostgreSQL's numeric NaN and infinities, read as floats: kept in a numeric column as their text
                {ColumnType.NUMERIC, Value.of(Double.NaN)}, {ColumnType.NUMERIC, Value.of(Double.POSITIVE_INFINITY)},
                {ColumnType.NUMERIC, Value.of(Double.NEGATIVE_INFINITY)},
                {ColumnType.TEXT, Value.of("nul\0inside, emoji \uD83D\uDE00, 007")}, {ColumnType.BYTES, Value.of(new byte[0])},
                {ColumnType.TIMESTAMPTZ, Value.of(Instant.parse("0001-01-01T00:00:00.000000001Z"))},
                {ColumnType.GEOPOINT, new Value.GeoPoint(Double.NaN, -180)},
                {ColumnType.JSON, Value.of(1.0)}, {ColumnType.JSON, Value.of("123")},
        };
        for (Object[] c : cases) {
            ColumnType type = (ColumnType) c[0];
            Value v = (Value) c[1];
            assertThat(writeAndRead(type, v)).as("%s in a %s column", v, type).isEqualTo(v);
        }
    }

    @Example
    void valuesJsonCannotHoldComeBackAsJsonRendersThem() {
        assertThat(writeAndRead(ColumnType.JSON, new Value.Reference("users/alice"))).isEqualTo(Value.of("users/alice"));
        assertThat(writeAndRead(ColumnType.JSON, Value.of(Instant.parse("2024-05-01T12:00:00Z")))).isEqualTo(Value.of("2024-05-01T12:00:00Z"));
        assertThat(writeAndRead(ColumnType.JSON, Value.of(Double.NaN))).isEqualTo(Value.of("NaN"));
        assertThat(writeAndRead(ColumnType.JSON, new Value.GeoPoint(1.5, 2)))
                .isEqualTo(new Value.MapValue(Map.of("latitude", Value.of(1.5), "longitude", Value.of(2.0))));
    }

    @Example
    void timestampsAreStoredAsSortableIsoText() {
        Path dir = TestFiles.tempDir();
        try (Connector connector = TestFiles.open(dir.resolve("ts.db"))) {
            Table table = new Table("t", List.of(new Column("id", ColumnType.BIGINT, false), new Column("v", ColumnType.TIMESTAMPTZ, true)),
                    List.of("id"), List.of(), false);
            Sink sink = TestFiles.sink(connector);
            sink.prepare("r", List.of(table), true);
            try (var w = sink.writer("r", "s", List.of(table))) {
                w.write(List.of(row(table, 1, Value.of(Instant.parse("2024-05-01T12:00:00Z")))), new Sink.Checkpoint(new Position(1, ""), 1, 1, 0, 0, true));
            }
            assertThat(TestFiles.count(dir.resolve("ts.db"), "SELECT count(*) FROM t WHERE v = '2024-05-01T12:00:00.000000000Z'")).isEqualTo(1);
        } finally {
            TestFiles.delete(dir);
        }
    }

    private static Value writeAndRead(ColumnType type, Value v) {
        Path dir = TestFiles.tempDir();
        try (Connector connector = TestFiles.open(dir.resolve("one.db"))) {
            Table table = new Table("t", List.of(new Column("id", ColumnType.BIGINT, false), new Column("v", type, true)),
                    List.of("id"), List.of(), false);
            Sink sink = TestFiles.sink(connector);
            assertThat(sink.prepare("r", List.of(table), true)).isEmpty();
            Record row = row(table, 1, v);
            assertThat(sink.check(table, row)).isEmpty();
            try (var w = sink.writer("r", "s", List.of(table))) {
                w.write(List.of(row), new Sink.Checkpoint(new Position(1, ""), 1, 1, 0, 0, true));
            }
            Source source = TestFiles.source(connector);
            List<Record> read = TestFiles.readAll(source, TestFiles.split(source, "t"), Position.START);
            assertThat(read).hasSize(1);
            assertThat(read.get(0).entity()).isEqualTo(EntityName.of("t"));
            return read.get(0).get("v");
        } finally {
            TestFiles.delete(dir);
        }
    }
}
