package cutover.migrate;

import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.List;
import java.util.Map;

/**
 * When to stop a run because too many records are being set aside: past a few percent, the plan is
 * usually wrong (a column typed bigint that holds text), and going on would only fill the dead-letter
 * file. The percentage is judged only after {@code minRecords} have been read, so a handful of early
 * rejects does not stop a large run.
 */
public record DeadLetterLimit(long maxRecords, double maxPercent, long minRecords) {
    public static final DeadLetterLimit NONE = new DeadLetterLimit(-1, -1, 0);

    /**
     * At a run's end, every split's set-aside records as the dead-letter file lists them ({@code
     * listed}) against what its checkpoint says it read: one error naming each split past the limit.
     */
    void checkSplits(Map<String, Long> listed, Map<String, cutover.connector.Sink.Checkpoint> checkpoints, List<Split> splits) {
        List<String> over = new java.util.ArrayList<>();
        for (Split split : splits) {
            cutover.connector.Sink.Checkpoint c = checkpoints.get(split.id());
            if (c == null) continue;
            try {
                check(listed.getOrDefault(split.id(), 0L), c.read(), split);
            } catch (CutoverException e) {
                over.add(split.id() + " (" + listed.getOrDefault(split.id(), 0L) + " of " + c.read() + ")");
            }
        }
        if (over.isEmpty()) return;
        throw new CutoverException(ErrorCode.DEAD_LETTER_LIMIT, "records set aside at the run's end (their parents missing) take these splits past"
                + " the limit of " + (maxRecords >= 0 ? maxRecords + " records" : String.format(java.util.Locale.ROOT, "%.1f%%", maxPercent))
                + ": " + String.join(", ", over) + "; every other record is written. Look at the dead-letter file for the reasons");
    }

    void check(long deadLettered, long read, Split split) {
        if (maxRecords >= 0 && deadLettered > maxRecords) {
            throw new CutoverException(ErrorCode.DEAD_LETTER_LIMIT, deadLettered + " records of split " + split.id()
                    + " went to the dead-letter file, more than the limit of " + maxRecords
                    + "; look at the dead-letter file for the reasons, fix the plan, and run again (committed batches stay)");
        }
        if (maxPercent >= 0 && read >= minRecords && read > 0 && 100.0 * deadLettered / read > maxPercent) {
            throw new CutoverException(ErrorCode.DEAD_LETTER_LIMIT, String.format(java.util.Locale.ROOT,
                    "%.1f%% of the %d records read from split %s went to the dead-letter file, more than the limit of %.1f%%;"
                            + " look at the dead-letter file for the reasons, fix the plan, and run again (committed batches stay)",
                    100.0 * deadLettered / read, read, split.id(), maxPercent));
        }
    }
}
