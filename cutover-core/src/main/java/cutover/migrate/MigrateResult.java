package cutover.migrate;

import cutover.model.EntityName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a migration did. {@code read = written + deadLettered + skipped} always holds for the totals,
 * which count every attempt of the run (a resumed run adds to what the interrupted one committed);
 * {@code thisAttempt} counts per entity what this invocation moved. {@code splitsCopiedAsText} of
 * the splits were loaded as the source's bulk text ({@link BulkCopy}), the others record by record.
 * {@code leftOut} names the source's entities the mapper leaves out, known before reading: they were
 * not read, so their records are in no count (those of a split holding others too are read, and skipped).
 */
public record MigrateResult(String runId, Totals totals, Map<EntityName, MigrationProgress.Snapshot> thisAttempt,
                            int splits, int splitsResumed, int splitsAlreadyDone, int splitsCopiedAsText, long rowsWritten,
                            List<String> warnings, Path deadLetterFile, Duration duration, List<EntityName> leftOut) {
    public MigrateResult {
        thisAttempt = Map.copyOf(thisAttempt);
        warnings = List.copyOf(warnings);
        leftOut = List.copyOf(leftOut);
    }

    /** The same result with one more warning for the user. */
    public MigrateResult withWarning(String warning) {
        List<String> more = new java.util.ArrayList<>(warnings);
        more.add(warning);
        return new MigrateResult(runId, totals, thisAttempt, splits, splitsResumed, splitsAlreadyDone, splitsCopiedAsText, rowsWritten,
                more, deadLetterFile, duration, leftOut);
    }

    public record Totals(long read, long written, long deadLettered, long skipped) {
        /** Nothing moved yet. */
        public static final Totals NONE = new Totals(0, 0, 0, 0);

        public boolean balanced() { return read == written + deadLettered + skipped; }

        Totals plus(Totals o) {
            return new Totals(read + o.read, written + o.written, deadLettered + o.deadLettered, skipped + o.skipped);
        }
    }
}
