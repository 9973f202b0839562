package cutover.cli;

import cutover.journal.JournalEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run journals its start, then its end: a run killed with -9 writes no end, and the report shows
 * its start alone (it showed nothing of it); a run that ended shows its end only.
 */
class ReportTest {
    private static final Instant T = Instant.parse("2026-12-06T08:00:00Z");

    @Test
    void aStartWithoutItsEndIsShownAndOneWithItIsNot() {
        List<JournalEntry> entries = List.of(
                JournalEntry.started(T, "migrate", "m-1", "s", "t"),
                JournalEntry.started(T.plusSeconds(5), "migrate", "m-2", "s", "t"),
                new JournalEntry(T.plusSeconds(9), "migrate", "m-1", JournalEntry.SUCCEEDED, "s", "t", 9000, Map.of("read", 3), List.of(), null),
                JournalEntry.started(T.plusSeconds(20), "migrate", "m-1", "s", "t"),
                // killed, then another attempt that failed at once: the killed one's start stays
                JournalEntry.started(T.plusSeconds(30), "migrate", "m-3", "s", "t"),
                JournalEntry.started(T.plusSeconds(40), "migrate", "m-3", "s", "t"),
                new JournalEntry(T.plusSeconds(41), "migrate", "m-3", JournalEntry.FAILED, "s", "t", 1000, Map.of(), List.of(), "BACKUP_PASSPHRASE: none"));
        String md = ReportCommand.markdown(entries, Path.of(".cutover"));
        assertThat(md.lines().filter(l -> l.startsWith("| 2026"))).containsExactly(
                "| 2026-12-06 08:00:05Z | migrate | m-2 | no end recorded (stopped by a kill, or still running) | — | s | t |",
                "| 2026-12-06 08:00:09Z | migrate | m-1 | succeeded | 9.0 s | s | t |",
                "| 2026-12-06 08:00:20Z | migrate | m-1 | no end recorded (stopped by a kill, or still running) | — | s | t |",
                "| 2026-12-06 08:00:30Z | migrate | m-3 | no end recorded (stopped by a kill, or still running) | — | s | t |",
                "| 2026-12-06 08:00:41Z | migrate | m-3 | failed | 1.0 s | s | t |");
    }

    /** A backup's start names no run (its snapshot is named at its end): it ends at the next backup entry of its source and repository. */
    @Test
    void aBackupsStartEndsAtTheNextEntryOfItsSourceAndRepository() {
        List<JournalEntry> entries = List.of(
                JournalEntry.started(T, "backup", null, "db", "repo"),
                JournalEntry.started(T.plusSeconds(1), "backup", null, "other", "repo"),
                new JournalEntry(T.plusSeconds(2), "backup", "3f2a9c1e", JournalEntry.SUCCEEDED, "db", "repo", 2000, Map.of(), List.of(), null),
                JournalEntry.started(T.plusSeconds(10), "backup", null, "db", "repo")); // killed
        assertThat(ReportCommand.markdown(entries, Path.of(".cutover")).lines().filter(l -> l.startsWith("| 2026"))).containsExactly(
                "| 2026-12-06 08:00:01Z | backup | — | no end recorded (stopped by a kill, or still running) | — | other | repo |",
                "| 2026-12-06 08:00:02Z | backup | 3f2a9c1e | succeeded | 2.0 s | db | repo |",
                "| 2026-12-06 08:00:10Z | backup | — | no end recorded (stopped by a kill, or still running) | — | db | repo |");
    }
}
