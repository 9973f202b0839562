package cutover.postgres;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogReadingRehearsalTest {

    @Test
    void eachRoundTellsItsChangesAndWritesTheirRowsInKeyOrderAsCopyWould() {
        LogReadingRehearsal rehearsal = new LogReadingRehearsal();
        String first = null;
        for (int round = 0; round < 3; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(rehearsal.round(out)).isEqualTo(LogReadingRehearsal.WRITTEN);
            String written = out.toString(StandardCharsets.UTF_8);
            String[] lines = written.split("\n");
            // the round's updates and inserts, not its deletes
            assertThat(lines).hasSize(LogReadingRehearsal.WRITTEN);
            long last = -1;
            int inserted = 0;
            for (String line : lines) {
                String[] fields = line.split("\t", -1);
                assertThat(fields).as(line).hasSize(6);
                long id = Long.parseLong(fields[0]);
                assertThat(id).as("in key order").isGreaterThan(last);
                last = id;
                if (id >= 1_000_000) inserted++;
                assertThat(fields[5]).matches("\\\\N|note\\\\t\\d+ with a \\\\\\\\ and a tab"); // NULL, or the tab and backslash escaped
            }
            assertThat(inserted).isEqualTo(LogReadingRehearsal.ROWS / LogReadingRehearsal.EVERY);
            // each round the same changes after the last moment: the same rows, none left over from the round before
            if (first == null) first = written;
            else assertThat(written).isEqualTo(first);
        }
    }
}
