package cutover.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JournalTest {
    @TempDir Path dir;

    @Test
    void appendsAndReadsBackInOrderSkippingATornLastLine() throws Exception {
        Journal journal = new Journal(dir);
        journal.append(new JournalEntry(Instant.parse("2026-01-01T00:00:00Z"), "migrate", "r1", JournalEntry.SUCCEEDED,
                "firestore-export:x.json", "postgresql://u:***@h/db", 1200, Map.of("read", 10, "written", 9), List.of("w"), null));
        journal.append(new JournalEntry(Instant.parse("2026-01-01T00:01:00Z"), "verify", "r2", JournalEntry.FAILED,
                null, null, 5, null, null, "TARGET_UNREACHABLE: down"));
        Files.writeString(journal.file(), "{\"time\":\"2026-01-01T00:0", StandardOpenOption.APPEND);

        List<JournalEntry> entries = journal.read();
        assertThat(entries).extracting(JournalEntry::command).containsExactly("migrate", "verify");
        assertThat(entries.get(0).details()).containsEntry("written", 9);
        assertThat(entries.get(0).time()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(entries.get(1).error()).contains("TARGET_UNREACHABLE");
    }

    @Test
    void concurrentAppendsNeverInterleave() throws Exception {
        Journal journal = new Journal(dir);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    journal.append(new JournalEntry(Instant.now(), "c" + id, "r" + i, JournalEntry.SUCCEEDED, null, null, i,
                            Map.of("payload", "x".repeat(2000)), List.of(), null));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertThat(journal.read()).hasSize(200);
    }
}
