package cutover.cli;

import cutover.error.CutoverException;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Records a command on a backup repository that is neither a backup nor a restore (forget, prune,
 * check, repair, unlock) in the state folder's journal, as those are: {@code cutover report} tells
 * what was done here, which snapshots a forget removed and when. The command's work is done when it
 * is recorded, so a journal that cannot be written is warned of, not the command's failure (a check
 * run where the state folder cannot be made still answers).
 */
final class RepositoryJournal {
    /** What a command ended with: its figures, its warnings, and for one that found a problem (a check's damage), the problem. */
    record Outcome(Map<String, Object> details, List<String> warnings, String problem) {
        static Outcome of(Map<String, Object> details, List<String> warnings) {
            return new Outcome(details, warnings, null);
        }
    }

    private final Journal journal;
    private final String command;
    private final String repository;

    RepositoryJournal(StateOptions state, RepoOptions repo, String command) {
        this.journal = new Journal(state.state);
        this.command = command;
        this.repository = repo.recorded();
    }

    /** Runs the command, and records how it ended: with its outcome, or failed with its error (which is then thrown on). */
    <T> T run(Supplier<T> body, java.util.function.Function<T, Outcome> outcome) {
        Instant started = Instant.now();
        T result;
        try {
            result = body.get();
        } catch (CutoverException e) {
            append(JournalEntry.failed(started, command, null, repository, null, e));
            throw e;
        }
        Outcome o = outcome.apply(result);
        append(new JournalEntry(started, command, null, o.problem() == null ? JournalEntry.SUCCEEDED : JournalEntry.FAILED, repository, null,
                Duration.between(started, Instant.now()).toMillis(), o.details(), o.warnings(), o.problem()));
        return result;
    }

    private void append(JournalEntry entry) {
        try {
            journal.append(entry);
        } catch (CutoverException e) {
            System.err.println("warning: " + command + " is not recorded in the journal: " + e.getMessage());
        }
    }
}
