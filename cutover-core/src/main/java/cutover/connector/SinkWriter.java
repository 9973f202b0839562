package cutover.connector;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
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
     * {@link #write}, claiming in the same transaction each of {@code claims} for the source record
     * it names: a key that a claim of another record of this run holds (committed, or in a
     * transaction that commits first) fails the write with {@link KeysTaken}, nothing of it
     * committed. Claims are kept per run until {@link Sink#finish} or a reset of its checkpoints, so
     * a batch sent again after a failure finds its own claims, not another's.
     */
    default void write(List<Record> rows, List<KeyClaim> claims, Sink.Checkpoint checkpoint) {
        if (!claims.isEmpty()) {
            throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "this target cannot tell which source record wrote a row,"
                    + " so it cannot take tables whose key the plan makes of a record's fields (two records could become one row):"
                    + " key such tables by the source's own key", null, false);
        }
        write(rows, checkpoint);
    }

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

    /**
     * {@link #refused}, where a group whose row refers by the target's foreign key to a row the target
     * does not hold (nor an earlier group wrote) is refused too, with {@code RECORD_REFERENCE_MISSING},
     * rather than failing the probe: for the end of a run, when every record that could bring that
     * row has been written. Foreign keys are checked row by row here, deferred or not. Empty when the
     * writer cannot tell rows apart. By default {@link #refused}: a target that checks no foreign key
     * while rows load (SQLite's, checked when the run finishes) refuses no row for its parent (it
     * returned none, so a row a SQLite table's own UNIQUE or CHECK refused stopped the run's last pass).
     */
    default Map<Integer, RecordError> refusedOrOrphaned(List<List<Record>> groups) {
        return refused(groups);
    }

    /**
     * A transaction of trial writes, for a dry run: each {@link Trial#refused} call tries its groups as
     * {@link #refusedOrOrphaned} does, and the rows the target takes stay written for the calls after
     * it (a child tried after its parent meets it), until {@link Trial#close} rolls all of it back.
     * Nothing is committed. Empty where the writer cannot try rows so.
     */
    default java.util.Optional<Trial> trial() {
        return java.util.Optional.empty();
    }

    /** Trial writes in one transaction, rolled back on close ({@link #trial}). */
    interface Trial extends AutoCloseable {
        /** {@link #refusedOrOrphaned} of these groups, the ones taken kept for the next calls; a failure that is no row's ends the trial. */
        Map<Integer, RecordError> refused(List<List<Record>> groups);

        /**
         * {@link RowDeletion#delete} in the trial's transaction, after its writes (a restore's {@code
         * --delete}, foreseen): what would go and what the target would keep, rolled back on close.
         */
        default Map<String, RowDeletion.Deleted> delete(Map<cutover.model.Table, List<cutover.model.Key>> keys) {
            throw new UnsupportedOperationException("this target's trial does not delete rows");
        }

        /** Whether {@link #delete} is supported. */
        default boolean deletes() {
            return false;
        }

        /** Rolls every trial write back. */
        @Override
        void close();

        /** What the restore would do beside writing and deleting, as the trial saw it (a trigger or rule left on that ran), each a sentence. */
        default List<String> notes() {
            return List.of();
        }

        /** After {@link #close}: what the trial changed that a rollback does not undo (a sequence a default drew from), each a sentence. */
        default List<String> leftChanged() {
            return List.of();
        }
    }

    @Override
    void close();

    /**
     * A row's key in {@code table}, claimed for the source record it came from ({@code holder}, as
     * messages name it). {@code key} is a digest of the key's values: equal keys have equal digests.
     */
    record KeyClaim(String table, String key, String holder) {}

    /** A write refused because keys it claims are held by other records of the run: by claim index, the holder. */
    final class KeysTaken extends CutoverException {
        private final Map<Integer, String> holders;

        public KeysTaken(Map<Integer, String> holders) {
            super(ErrorCode.RECORD_DUPLICATE_KEY, holders.size() + " rows have a key another record of this run already wrote", null, false);
            this.holders = Map.copyOf(holders);
        }

        public Map<Integer, String> holders() { return holders; }
    }
}
