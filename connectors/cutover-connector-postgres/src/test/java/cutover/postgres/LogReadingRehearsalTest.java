package cutover.postgres;

import cutover.model.Value;
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
            // every line tallied as a layer's part tallies it: ids integers, payloads text or NULL, amounts decimals
            long nulls = java.util.Arrays.stream(lines).filter(l -> l.endsWith("\t\\N")).count();
            assertThat(rehearsal.kinds().get("id")).containsExactly(java.util.Map.entry(Value.Kind.INT64, (long) LogReadingRehearsal.WRITTEN));
            assertThat(rehearsal.kinds().get("amount")).containsExactly(java.util.Map.entry(Value.Kind.DECIMAL, (long) LogReadingRehearsal.WRITTEN));
            assertThat(rehearsal.kinds().get("payload")).containsOnly(java.util.Map.entry(Value.Kind.TEXT, LogReadingRehearsal.WRITTEN - nulls),
                    java.util.Map.entry(Value.Kind.NULL, nulls));
            // each round the same changes after the last moment: the same rows, none left over from the round before
            if (first == null) first = written;
            else assertThat(written).isEqualTo(first);
        }
    }
}
