package cutover.connector;

import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Record;

/**
 * Reads one split in order. Not thread-safe: one reader, one thread. A record the source cannot
 * decode (an unknown type marker, a duplicate key) comes back as {@link Item.Unreadable}, so it can
 * be set aside while the rest moves on; a failure of the whole source throws a
 * {@link cutover.error.CutoverException}.
 */
public interface RecordReader extends AutoCloseable {

    sealed interface Item permits Ok, Unreadable {}

    record Ok(Record record) implements Item {}

    /**
     * A record that could not be decoded: its entity and key as far as they are known, the record's
     * raw text as read (for the dead-letter file), and why.
     */
    record Unreadable(EntityName entity, String key, String raw, RecordError error) implements Item {}

    /** The next item, or null at the end of the split. */
    Item next();

    /** The position after the last item returned by {@link #next()}. */
    Position position();

    @Override
    void close();
}
