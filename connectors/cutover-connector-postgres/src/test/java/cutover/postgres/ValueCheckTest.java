package cutover.postgres;

import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ValueCheckTest {
    private static final Table T = new Table("t", List.of(new Column("id", ColumnType.TEXT, false), new Column("v", ColumnType.TEXT, true),
            new Column("n", ColumnType.NUMERIC, true), new Column("at", ColumnType.TIMESTAMPTZ, true), new Column("doc", ColumnType.JSON, true)),
            List.of("id"), List.of(), false);

    private static Optional<RecordError> check(String field, Value v) {
        Map<String, Value> fields = new LinkedHashMap<>();
        fields.put("id", Value.of("k"));
        fields.put(field, v);
        return ValueCheck.check(T, new Record(T.entity(), Key.of("k"), fields));
    }

    @Test
    void nulInTextOrInsideJsonIsInvalidText() {
        assertThat(check("v", Value.of("a\0b"))).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RECORD_INVALID_TEXT);
            assertThat(e.field()).isEqualTo("v");
        });
        assertThat(check("doc", new Value.MapValue(Map.of("x", new Value.Array(List.of(Value.of("ok\0")))))))
                .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_INVALID_TEXT));
        assertThat(check("doc", new Value.MapValue(Map.of("bad\0key", Value.of(1)))))
                .hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("doc"));
    }

    @Test
    void loneSurrogatesAreInvalidButPairsAreFine() {
        assertThat(check("v", Value.of("x\uD83D"))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_INVALID_TEXT));
        assertThat(check("v", Value.of("\uDE00x"))).isPresent();
        assertThat(check("v", Value.of("smile \uD83D\uDE00"))).isEmpty();
    }

    @Test
    void numbersAndTimestampsBeyondPostgresAreOutOfRange() {
        assertThat(check("n", Value.of(new BigDecimal("1E+131072")))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_VALUE_OUT_OF_RANGE));
        assertThat(check("n", Value.of(new BigDecimal("1E-16384")))).isPresent();
        assertThat(check("n", Value.of(new BigDecimal("1E+131071")))).isEmpty();
        assertThat(check("at", Value.of(Instant.parse("+294277-01-01T00:00:00Z")))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_VALUE_OUT_OF_RANGE));
        assertThat(check("at", Value.of(Instant.parse("-4713-11-23T23:59:59.999999Z")))).isPresent();
        assertThat(check("at", Value.of(Instant.parse("-4713-11-24T00:00:00Z")))).isEmpty();
        // inside JSON a timestamp is a string, so any instant fits
        assertThat(check("doc", Value.of(Instant.parse("+294277-01-01T00:00:00Z")))).isEmpty();
    }

    @Test
    void wrongKindIsTypeMismatchAndMissingRequiredIsReported() {
        assertThat(check("v", Value.of(5))).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
            assertThat(e.reason()).contains("t.v").contains("INT64");
        });
        Record noId = new Record(T.entity(), Key.of("k"), Map.of("v", Value.of("x")));
        assertThat(ValueCheck.check(T, noId)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_MISSING_REQUIRED));
    }
}
