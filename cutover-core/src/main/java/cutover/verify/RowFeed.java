package cutover.verify;

import cutover.model.Record;

/**
 * One side of a streamed comparison: every row of the compared tables, read in any order, maybe on
 * several threads, and as many times as the comparison asks (a second pass reads only the rows of
 * the buckets that differed, but the side is read whole again).
 */
public interface RowFeed {
    /** The side for messages: a location, never with a password. */
    String describe();

    /** Reads every row once; returns when all are read. {@code out} is called from several threads. */
    void read(Rows out);

    interface Rows {
        /** A row of a compared table; its entity is the table's name. */
        void row(String table, Record row);

        /**
         * A source record that yields no row: the plan refuses it or the source cannot decode it, so
         * a migration set it aside in its dead-letter file and the target is not expected to hold it.
         */
        default void refused(String entity, String key, String reason) {}
    }
}
