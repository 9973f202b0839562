package cutover.connector;

import cutover.error.RecordError;
import cutover.model.Record;

import java.util.List;
import java.util.Map;

/** Writes batches of one split. Not thread-safe. */
public interface SinkWriter extends AutoCloseable {
    /**
     * Writes the rows (each a {@link Record} whose entity is a table name and whose fields are
     * columns) by idempotent upsert on the primary key, and stores the checkpoint, in one
     * transaction. All or nothing: on failure nothing of the batch stays committed and a
     * {@link cutover.error.CutoverException} says whether trying again can help.
     */
    void write(List<Record> rows, Sink.Checkpoint checkpoint);

    /**
     * After {@link #write} failed with {@link cutover.error.ErrorCode#TARGET_ROWS_REFUSED}: which of
     * these groups of rows (each group the rows of one source record, in batch order) the target
     * refuses, by index, each with the target's reason. Found by writing the groups in order in one
     * transaction that is rolled back, so a group may depend on an earlier one (a unique value taken
     * by a record before it is refused in the later). Nothing is committed. Empty when the writer
     * cannot tell rows apart.
     */
    default Map<Integer, RecordError> refused(List<List<Record>> groups) {
        return Map.of();
    }

    @Override
    void close();
}
