package cutover.connector;

import java.util.List;
import java.util.Optional;

/**
 * An endpoint that records can be read from. Splits are read in parallel, each by its own reader,
 * and each can be resumed from a {@link Position} that an earlier reader of the same split returned.
 */
public interface Source extends Capability {
    /** The entities this source holds, with estimates. May scan a file source once. */
    List<EntityInfo> entities();

    /**
     * What the source can tell of its entities without reading them all (a database's statistics), or
     * empty when only a full pass would tell (a JSON export not yet scanned): a migration uses it for
     * its progress bars and must not read a large export twice just to draw them.
     */
    default Optional<List<EntityInfo>> quickEstimates() {
        return Optional.of(entities());
    }

    /**
     * What of the endpoint this source does not read, each a sentence a user can act on (a database's
     * other schemas, its views): a backup warns of them, since a backup of the source is then not a
     * backup of all of it. Empty where it reads everything. Fails where what the location names is
     * not there (a database's schema misspelt): a backup of it would hold nothing, every run.
     */
    default List<String> leftOut() {
        return List.of();
    }

    /**
     * What holding the last moment ({@link #holdAtThisMoment}) could not do that a reader of what
     * was read at it should know (a database's tables not locked against TRUNCATE while read).
     * Empty by default.
     */
    default List<String> momentWarnings() {
        return List.of();
    }

    /**
     * The columns of the entity's primary key, where the source is a database's tables; empty where
     * records are keyed by their path (documents) or by their place. Asked without reading the records
     * (by default, of {@link #quickEstimates}): a migration tells by it which tables the plan keys as
     * the source does.
     */
    default List<String> keyColumns(cutover.model.EntityName entity) {
        return quickEstimates().orElse(List.of()).stream().filter(e -> e.name().equals(entity)).findFirst()
                .map(EntityInfo::keyColumns).orElse(List.of());
    }

    /**
     * True when two records of the entity may have one key, the source not keeping them apart: a
     * folder of JSON exports, each file an export of its own, may hold one document twice. A migration
     * then claims the keys of the entity's table, as it does for a key the plan derives.
     */
    default boolean keysMayRepeat(cutover.model.EntityName entity) {
        return false;
    }

    /**
     * True when the entity's records have no key of their own and are keyed by where they are stored
     * (a PostgreSQL table without a primary key, keyed by ctid): another copy of the same rows keys
     * them otherwise, so a comparison matches such rows by their content.
     */
    default boolean keyedByPlace(cutover.model.EntityName entity) {
        return false;
    }

    /**
     * Holds the source at this moment until the returned handle is closed: readers opened meanwhile,
     * and the digests of the same connector, all see the data as it is now, so a backup of several
     * tables read in parallel splits is one consistent image of the database. Empty where the source
     * cannot (a file, which nothing changes during a read, or a database without that facility).
     * A reader resumed later, after the handle is closed, reads the present.
     */
    default Optional<PointInTime> holdAtThisMoment() {
        return Optional.empty();
    }

    /**
     * The splits covering every record of the source exactly once. {@code parallelism} is a hint:
     * a database splits a large table into about that many key ranges per table; a file is one split.
     */
    List<Split> splits(int parallelism);

    /**
     * The {@link #splits} but those of entities all in {@code skipped}, for a reader that needs no
     * others (a backup that reuses or layers them): a database then plans no key ranges for them.
     * A split whose entities are not known before it is read (an export file not scanned yet) may
     * hold any, so it is kept.
     */
    default List<Split> splitsExcept(int parallelism, java.util.Set<cutover.model.EntityName> skipped) {
        return splits(parallelism).stream().filter(s -> s.entities().isEmpty() || !skipped.containsAll(s.entities())).toList();
    }

    /** Opens a reader positioned after {@code from} ({@link Position#START} for the beginning). */
    RecordReader read(Split split, Position from);
}
