package cutover.connector;

import cutover.model.Record;

import java.util.List;

/** Writes batches of one split. Not thread-safe. */
public interface SinkWriter extends AutoCloseable {
    /**
     * Writes the rows (each a {@link Record} whose entity is a table name and whose fields are
     * columns) by idempotent upsert on the primary key, and stores the checkpoint, in one
     * transaction. All or nothing: on failure nothing of the batch stays committed and a
     * {@link cutover.error.CutoverException} says whether trying again can help.
     */
    void write(List<Record> rows, Sink.Checkpoint checkpoint);

    @Override
    void close();
}
