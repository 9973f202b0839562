package cutover.postgres;

import cutover.model.ColumnType;
import cutover.model.Value;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CopyTextTest {
    @Test
    void encodesEveryPlaneOfUnicodeAsUtf8AndStreamsInChunks() throws Exception {
        String text = "aé€😀\u0001";
        assertThat(row(List.of(Value.of(text)), List.of(ColumnType.TEXT))).isEqualTo(text + "\n");
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        int[] chunks = {0};
        CopyText t = new CopyText((bytes, length) -> { sent.write(bytes, 0, length); chunks[0]++; });
        String big = "x".repeat(1000);
        for (int i = 0; i < 200; i++) { t.value(Value.of(big), ColumnType.TEXT, true); t.endRow(); }
        t.flush();
        assertThat(sent.size()).isEqualTo(200 * 1001);
        assertThat(chunks[0]).isGreaterThan(1);
    }

    private static String row(List<Value> values, List<ColumnType> types) {
        CopyText t = new CopyText();
        try {
            for (int i = 0; i < values.size(); i++) t.value(values.get(i), types.get(i), i == 0);
            t.endRow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new String(t.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void escapesDelimitersAndBackslashesAndWritesNullAsBackslashN() {
        assertThat(row(List.of(Value.of("a\tb\nc\\d\re"), Value.NULL), List.of(ColumnType.TEXT, ColumnType.TEXT)))
                .isEqualTo("a\\tb\\nc\\\\d\\re\t\\N\n");
    }

    @Test
    void timestampsInUtcTruncatedToMicrosWithBcYears() {
        StringBuilder sb = new StringBuilder();
        CopyText.timestamp(Instant.parse("2024-02-29T23:59:59.123456789Z"), sb);
        assertThat(sb).hasToString("2024-02-29 23:59:59.123456+00");
        sb.setLength(0);
        CopyText.timestamp(Instant.parse("-4713-11-24T00:00:00Z"), sb);
        assertThat(sb).hasToString("4714-11-24 00:00:00.000000+00 BC");
        sb.setLength(0);
        CopyText.timestamp(Instant.parse("+294276-12-31T23:59:59.999999999Z"), sb);
        assertThat(sb).hasToString("294276-12-31 23:59:59.999999+00");
        sb.setLength(0);
        CopyText.date(LocalDate.of(0, 1, 1), sb);
        assertThat(sb).hasToString("0001-01-01 BC");
    }

    @Test
    void bytesAsHexPointAsLongitudeLatitudeJsonEscaped() {
        String line = row(List.of(Value.of(new byte[] {0, (byte) 0xff, 0x10}), new Value.GeoPoint(48.85, 2.35),
                        new Value.MapValue(Map.of("q", Value.of("say \"hi\"\n")))),
                List.of(ColumnType.BYTES, ColumnType.GEOPOINT, ColumnType.JSON));
        assertThat(line).isEqualTo("\\\\x00ff10\t(2.35,48.85)\t{\"q\":\"say \\\\\"hi\\\\\"\\\\n\"}\n");
    }

    @Test
    void doublesAsPostgresSpellsThem() {
        assertThat(row(List.of(Value.of(Double.NaN), Value.of(Double.NEGATIVE_INFINITY), Value.of(1e300), Value.of(true)),
                List.of(ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.BOOLEAN)))
                .isEqualTo("NaN\t-Infinity\t1.0E300\tt\n");
    }

    @Test
    void refusesUnpairedSurrogatesRatherThanWritingAQuestionMark() {
        assertThat(row(List.of(Value.of("ok \uD83D\uDE00")), List.of(ColumnType.TEXT))).isEqualTo("ok \uD83D\uDE00\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> row(List.of(Value.of("bad \uD83D")), List.of(ColumnType.TEXT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired");
    }
}
