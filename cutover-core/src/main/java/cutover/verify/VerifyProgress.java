package cutover.verify;

/** Progress of a verification, for progress bars and the journal. Called from several threads. */
public interface VerifyProgress {
    VerifyProgress NONE = new VerifyProgress() {};

    /** A table's comparison starts; {@code estimatedRows} is -1 when unknown. */
    default void tableStarted(String table, long estimatedRows) {}

    /** {@code rows} more rows of the table are accounted for (digested or compared). */
    default void rowsCompared(String table, long rows) {}

    default void tableDone(TableVerdict verdict) {}
}
