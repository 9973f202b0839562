package cutover.connector;

import java.util.List;

/**
 * An endpoint that records can be read from. Splits are read in parallel, each by its own reader,
 * and each can be resumed from a {@link Position} that an earlier reader of the same split returned.
 */
public interface Source extends Capability {
    /** The entities this source holds, with estimates. May scan a file source once. */
    List<EntityInfo> entities();

    /**
     * The splits covering every record of the source exactly once. {@code parallelism} is a hint:
     * a database splits a large table into about that many key ranges per table; a file is one split.
     */
    List<Split> splits(int parallelism);

    /** Opens a reader positioned after {@code from} ({@link Position#START} for the beginning). */
    RecordReader read(Split split, Position from);
}
