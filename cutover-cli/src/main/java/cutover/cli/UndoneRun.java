package cutover.cli;

import cutover.journal.JournalEntry;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why a run's checkpoints no longer describe its target, if they do not. A checkpoint says "these
 * rows are in": after the target was restored (a rollback to the run's rollback point, with or
 * without --delete) or a table of the plan dropped, that is no longer so, and the run resumed would
 * skip the splits it had done and leave their rows out, or call itself finished over a target
 * that holds none of them. Such a run starts over, as {@code --restart} does.
 */
final class UndoneRun {
    private UndoneRun() {}

    /**
     * {@code journal}: the state folder's entries before this attempt; {@code target}: the plan's
     * target, redacted as the journal records it; {@code planTables} the tables the run writes,
     * {@code targetTables} those the target holds now.
     */
    static Optional<String> why(List<JournalEntry> journal, String runId, String target, boolean hasCheckpoints,
                                Collection<String> planTables, Set<String> targetTables) {
        if (!hasCheckpoints) return Optional.empty();
        Optional<String> gone = tablesGone(runId, planTables, targetTables, "as --restart does");
        if (gone.isPresent()) return gone;
        return restoredSince(journal, runId, target).map(restore -> "the target was restored from " + restore.source() + " at "
                + restore.time() + " (restore run " + restore.runId() + "), after run " + runId + " last wrote to it: what the run's"
                + " checkpoints say is there may not be, so it starts over (as --restart does)");
    }

    /** Said where a run that has checkpoints writes tables the target no longer holds: it starts over. */
    static Optional<String> tablesGone(String runId, Collection<String> planTables, Set<String> targetTables, String how) {
        List<String> gone = planTables.stream().filter(t -> !targetTables.contains(t)).distinct().sorted().toList();
        if (gone.isEmpty()) return Optional.empty();
        return Optional.of("run " + runId + " wrote " + String.join(", ", gone) + ", which the target no longer holds (dropped since):"
                + " the rows of the splits it had done would be left out, so it starts over (" + how + ")");
    }

    /** The first restore into {@code target} after the run's last attempt, which wrote over what it had written. */
    private static Optional<JournalEntry> restoredSince(List<JournalEntry> journal, String runId, String target) {
        int lastAttempt = -1;
        for (int i = 0; i < journal.size(); i++) {
            JournalEntry e = journal.get(i);
            if ("migrate".equals(e.command()) && runId.equals(e.runId())) lastAttempt = i;
        }
        if (lastAttempt < 0) return Optional.empty(); // its attempts are in another state folder's journal
        // every restore that began counts: a failed one had written part of its rows
        return journal.subList(lastAttempt + 1, journal.size()).stream()
                .filter(e -> "restore".equals(e.command()) && target.equals(e.target()))
                .findFirst();
    }
}
