package cutover.connector;

import cutover.error.RecordError;
import cutover.model.Record;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * An endpoint that keeps records as documents, as a source read them: every field and subcollection,
 * no plan and no tables (a Firestore export). A restore of a document source's snapshot writes it
 * back into one, to the old kind of endpoint; a database takes rows through a {@link Sink} instead.
 */
public interface DocumentTarget extends Capability {
    /**
     * Replaces what the target holds with every record of {@code source}, so that a failure or a crash
     * leaves the target as it was. A record the source cannot decode goes to {@code unreadable}, one
     * that the target's format cannot hold as it is (a value out of its range) to {@code refused},
     * with why; neither is written, and the rest are. {@code read} and {@code written} are told how
     * many records are read and written so far (a target may read everything before it writes).
     * With {@link IfNothingRead#KEEP}, a source that gives no record at all (a key pattern that
     * matched none) leaves the target as it is: not replaced, not made.
     */
    Written replaceWith(Source source, IfNothingRead ifNothingRead, Consumer<RecordReader.Unreadable> unreadable, Consumer<Refused> refused,
                        LongConsumer read, LongConsumer written);

    /**
     * {@link #replaceWith} without replacing anything: every record read, checked and written as it
     * would be, into a copy that is then dropped, so what would be written and set aside is known, and
     * what would stop the write stops this too. The target is left as it is (a dry run).
     */
    Written tryReplaceWith(Source source, IfNothingRead ifNothingRead, Consumer<RecordReader.Unreadable> unreadable, Consumer<Refused> refused,
                           LongConsumer read, LongConsumer written);

    /** What {@link #replaceWith} does when the source gives no record: replace the target with an empty one, or leave it as it is. */
    enum IfNothingRead { REPLACE, KEEP }

    /** Whether the target holds documents now, which {@link #replaceWith} would drop (a part of a snapshot written there would lose the rest). */
    boolean holdsDocuments();

    /**
     * What was written: the source's records, and the parent documents that the target's format
     * needed but the source did not hold (written empty: a subcollection needs its parent's place).
     */
    record Written(long records, long emptyParents) {}

    /** A record the target set aside, checked before anything was written: why, at record level (the field concerned). */
    record Refused(Record record, RecordError error) {}
}
