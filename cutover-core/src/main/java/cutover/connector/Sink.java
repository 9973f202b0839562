package cutover.connector;

import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An endpoint that rows can be written to, idempotently and resumably. A batch of rows and the
 * checkpoint of the split they came from commit together, so a crash never loses or repeats a row.
 */
public interface Sink extends Capability {

    /** What the target is like before anything is written. */
    TargetInfo describe();

    /**
     * Makes the target ready for these tables: creates the missing ones (when {@code create}) and
     * checks existing ones. Foreign keys are not created here but in {@link #finish}, since splits load
     * in any order. Returns the problems found, each naming the table and column; empty when ready.
     */
    List<String> prepare(String runId, List<Table> tables, boolean create);

    /**
     * The problems {@link #prepare} would return, without changing the target: what a dry run says
     * before it forecasts rows. A sink that cannot tell without writing says none. Throws {@link
     * NotCheckable} where the role may only read the target (a dry run of a production database
     * by a read-only role): the dry run then compares rows without it, and says so.
     */
    default List<String> wouldPrepare(String runId, List<Table> tables, boolean create) {
        return List.of();
    }

    /**
     * {@link #wouldPrepare}'s problems, and how the tables it would make would differ from their
     * source's definitions (a type or an extension the target lacks: a column made text): what a
     * restore into a new database warns of once it made them, foreseen. A sink that cannot tell says
     * none.
     */
    default Rehearsal rehearsePrepare(String runId, List<Table> tables, boolean create) {
        return new Rehearsal(wouldPrepare(runId, tables, create), List.of());
    }

    /** What {@link #rehearsePrepare} found: the problems that would stop the run, the differences it would warn of. */
    record Rehearsal(List<String> problems, List<String> differences) {
        public Rehearsal {
            problems = List.copyOf(problems);
            differences = List.copyOf(differences);
        }
    }

    /** {@link #wouldPrepare} could not check the target: its role may not make or write what a restore makes and writes. */
    final class NotCheckable extends cutover.error.CutoverException {
        public NotCheckable(String message, Throwable cause) {
            super(cutover.error.ErrorCode.TARGET_WRITE_FAILED, message, cause, false);
        }
    }

    /**
     * For each of these tables that exists, the others of them it refers to by a foreign key of the
     * target's own (one to itself left out): which must be loaded first. Empty where the target
     * holds no such keys while rows load.
     */
    default java.util.Map<String, java.util.Set<String>> parentsByForeignKey(List<Table> tables) {
        return java.util.Map.of();
    }

    /** The target's tables that hold rows of these tables (partitions), named as {@link TargetInfo#tables} names them; none where there are none. */
    default java.util.Set<String> partitionsOf(List<Table> tables) {
        return java.util.Set.of();
    }

    /**
     * From now on, the rows written do not fire the target's own triggers, where the sink can keep
     * them quiet: a restore puts rows back as they were (an audit trigger would log each again, an
     * {@code updated_at} one rewrite it, one that changes a value change it twice). Called by a
     * restore before it writes, and by a migration from a database (its rows are what its own
     * triggers made); a migration of documents' rows go through the target's triggers as the
     * application's would, unless told otherwise.
     */
    default void keepTriggersQuiet() {}

    /**
     * The rules of the target's existing tables that may refuse rows no check here foretells (a
     * CHECK or UNIQUE constraint, a trigger), each a sentence naming its table: what a dry run
     * cannot forecast, since only writing tells (the rows they refuse are set aside then).
     */
    default List<String> rulesOfItsOwn(List<Table> tables) {
        return List.of();
    }

    /**
     * {@link #rulesOfItsOwn(List)}, where the rows of the tables named in {@code tried} were written in
     * a transaction that was rolled back ({@link SinkWriter#trial}), which told which they refuse: of
     * those, only what no refusal tells (triggers kept quiet or firing).
     */
    default List<String> rulesOfItsOwn(List<Table> tables, java.util.Set<String> tried) {
        return rulesOfItsOwn(tables.stream().filter(t -> !tried.contains(t.name())).toList());
    }

    /**
     * A value the target cannot store in this column (text with NUL for PostgreSQL, a number out of
     * range), found before writing so that only this record is set aside.
     */
    Optional<RecordError> check(Table table, Record row);

    /**
     * A key column's value as this target's unique index compares it, so that two values it holds
     * as one key are equal here: PostgreSQL's numeric 1.50 and 1.5, instants within one microsecond
     * (it keeps no finer); SQLite keeps a decimal's text, so 1.50 and 1.5 stay two. Keys a migration
     * claims are compared in this form.
     */
    default cutover.model.Value keyAsCompared(cutover.model.ColumnType type, cutover.model.Value value) {
        return value instanceof cutover.model.Value.Float64 f && f.value() == 0.0 ? cutover.model.Value.of(0.0) : value;
    }

    /** The checkpoints of a run, by split id, as committed with the last batch of each split. */
    Map<String, Checkpoint> checkpoints(String runId);

    /** Forgets a run's checkpoints, so the next run with this id starts from the beginning. */
    void resetCheckpoints(String runId);

    /**
     * Forgets the checkpoints of these splits of a run alone, so that they are read again from the
     * start (their table was dropped and made again); the run's other splits keep theirs.
     */
    void forgetCheckpoints(String runId, java.util.Set<String> splitIds);

    /** Opens a writer for one split. One writer per thread. */
    SinkWriter writer(String runId, String splitId, List<Table> tables);

    /**
     * After every split is done: adds the foreign keys and whatever else needs all rows in place.
     * Returns warnings (rows whose parent is missing, for example), never drops a row.
     */
    List<String> finish(String runId, List<Table> tables);

    /** A split's committed position and the counts of what was done up to it. */
    record Checkpoint(Position position, long read, long written, long deadLettered, long skipped, boolean done) {}
}
