package cutover.journal;

import cutover.connector.Location;
import cutover.error.CutoverException;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the journal: a command that ran (or failed), on what, with which counts and results.
 * {@code details} carries command-specific figures (per-entity counts, checksums, warnings) as plain
 * JSON-able values. Locations are stored redacted.
 */
public record JournalEntry(Instant time, String command, String runId, String status, String source, String target,
                           long durationMillis, Map<String, Object> details, List<String> warnings, String error) {
    public JournalEntry {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String SUCCEEDED_WITH_REJECTS = "succeeded-with-rejects";
    /** A run that began: its own entry follows when it ends, so one without one was stopped by a kill (or still runs). */
    public static final String STARTED = "started";

    /** The entry a run writes as it begins, before anything is written. */
    public static JournalEntry started(Instant started, String command, String runId, String source, String target) {
        return new JournalEntry(started, command, runId, STARTED, source, target, 0, Map.of(), List.of(), null);
    }

    /**
     * A command that started at {@code started} and failed now with {@code e}: no details, and the
     * error as code and message with any credentials in the message redacted, since the journal is
     * read by people who may not hold them.
     */
    public static JournalEntry failed(Instant started, String command, String runId, String source, String target, CutoverException e) {
        return new JournalEntry(started, command, runId, FAILED, source, target, Duration.between(started, Instant.now()).toMillis(),
                Map.of(), List.of(), e.code() + ": " + Location.redact(e.getMessage()));
    }
}
