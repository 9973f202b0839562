package cutover.cli;

import cutover.journal.Journal;
import cutover.journal.JournalEntry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshots a migration can be rolled back to: the source and the target (null when the target
 * was empty) as they were before the run first wrote, in one repository. Kept in the journal as a
 * {@code rollback-points} entry the moment they are taken, so a run killed later still has them.
 */
record RollbackPoints(String repository, String sourceSnapshot, String targetSnapshot, boolean reused, java.time.Instant taken) {
    static final String JOURNAL_COMMAND = "rollback-points";

    Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("repository", repository);
        d.put("sourceSnapshot", sourceSnapshot);
        d.put("targetSnapshot", targetSnapshot);
        d.put("reused", reused);
        return d;
    }

    /** The rollback points the run {@code runId} took most recently, if any. */
    static Optional<RollbackPoints> latest(Journal journal, String runId) {
        List<JournalEntry> entries = journal.read();
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (!JOURNAL_COMMAND.equals(e.command()) || !runId.equals(e.runId()) || !JournalEntry.SUCCEEDED.equals(e.status())) continue;
            Object repo = e.details().get("repository"), source = e.details().get("sourceSnapshot");
            if (repo == null || source == null) continue;
            Object target = e.details().get("targetSnapshot");
            return Optional.of(new RollbackPoints(repo.toString(), source.toString(), target == null ? null : target.toString(), true, e.time()));
        }
        return Optional.empty();
    }

    String describe() {
        String s = "rollback points in " + repository + ": source snapshot " + sourceSnapshot.substring(0, 8) + ", target ";
        s += targetSnapshot == null ? "was empty (no snapshot)" : "snapshot " + targetSnapshot.substring(0, 8);
        // which attempt: the first one's, or a start-over's (acceptance run 25: one after a rollback was named the first's)
        return reused ? s + " (taken by an earlier attempt of this run, at " + taken + ")" : s;
    }
}
