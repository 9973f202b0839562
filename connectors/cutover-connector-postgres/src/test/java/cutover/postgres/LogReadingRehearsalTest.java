package cutover.postgres;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogReadingRehearsalTest {

    @Test
    void aRoundTellsEveryMadeUpRowAndWritesThemInKeyOrderAsCopyWould() {
        for (int round = 0; round < 2; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(LogReadingRehearsal.rehearse(round, out)).isEqualTo(LogReadingRehearsal.ROWS);
            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
            assertThat(lines).hasSize(LogReadingRehearsal.ROWS);
            long last = -1;
            for (String line : lines) {
                String[] fields = line.split("\t", -1);
                assertThat(fields).as(line).hasSize(6);
                long id = Long.parseLong(fields[0]);
                assertThat(id).as("in key order").isGreaterThan(last);
                last = id;
                assertThat(fields[5]).matches("\\\\N|note\\\\t\\d+ with a \\\\\\\\ and a tab"); // NULL, or the tab and backslash escaped
            }
        }
    }
}
