package cutover.analyze;

import cutover.model.EntityName;

/**
 * Hears how far {@link Analyzer} has read. Called from the reading threads, several at once when
 * splits are read in parallel, so an implementation must be thread-safe; it should also be quick.
 */
@FunctionalInterface
public interface AnalyzeListener {
    AnalyzeListener NONE = (entity, recordsSeen, estimatedTotal) -> {};

    /**
     * {@code recordsSeen} records (unreadable ones included) of {@code entity} have been read so far
     * across all splits; {@code estimatedTotal} is the source's estimate, -1 when it has none.
     */
    void progress(EntityName entity, long recordsSeen, long estimatedTotal);
}
