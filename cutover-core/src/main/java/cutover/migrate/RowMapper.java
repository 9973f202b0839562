package cutover.migrate;

import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;

import java.util.List;

/**
 * Turns a source record into the rows of target tables, as a plan says. Thread-safe: the pipeline
 * maps on several threads. A record maps to one or more rows (a child table per array, when the
 * plan asks for one), is skipped because the plan leaves its entity out, or fails with a reason
 * that sends it to the dead-letter file.
 */
public interface RowMapper {
    /** Every table the rows can go to, parents before children. */
    List<Table> tables();

    Mapped map(Record source);

    /**
     * The table the records of {@code entity} go to as they are, when each record is one row whose
     * columns are exactly {@code fields}, each the field of its name, with nothing computed (no
     * transform, default, reference, key part or child table); else empty. A sink may then load
     * the source's bulk text into it without mapping a record ({@link cutover.connector.CopyTextSink}).
     */
    default java.util.Optional<Table> copiesAsIs(cutover.model.EntityName entity, List<String> fields) {
        return java.util.Optional.empty();
    }

    /**
     * Whether the mapper leaves every record of {@code entity} out (a plan that skips it or does not
     * map it): a migration then does not read it where the source can tell its splits apart.
     */
    default boolean leavesOut(cutover.model.EntityName entity) {
        return false;
    }

    /** The table an entity's records are written to (its own rows; a child table's aside), empty when the mapper does not say. */
    default java.util.Optional<String> tableOf(cutover.model.EntityName entity) {
        return java.util.Optional.empty();
    }

    /**
     * The table of {@code entity} when it has no primary key (one made as its source table, which had
     * none, defined it): its rows load only whole, as the source's bulk text ({@link #copiesAsIs}),
     * since nothing tells them apart to resume or upsert by. Empty for a keyed table.
     */
    default java.util.Optional<Table> tableWithoutKey(cutover.model.EntityName entity) {
        return java.util.Optional.empty();
    }

    /**
     * The tables where two records may map onto one key: those whose key is not each record's own key
     * in the source ({@code sourceKeyColumns}: an entity's primary key columns, empty for documents
     * keyed by path), as a lowercased email or a post's id without its user's, and those of entities
     * whose own keys may repeat ({@code keysMayRepeat}). A migration guards their keys (a row has one
     * source record; the others are set aside). Empty where every key is the source's, kept apart.
     */
    default java.util.Set<String> tablesWithDerivedKeys(java.util.function.Function<cutover.model.EntityName, List<String>> sourceKeyColumns,
                                                        java.util.function.Predicate<cutover.model.EntityName> keysMayRepeat) {
        return java.util.Set.of();
    }

    /**
     * {@link #map}, with a mapper bug (any exception) turned into a {@link Failed} record that names
     * it: a record must not be dropped, and one odd record must not stop a run. Migrate sets such a
     * record aside; verify counts it as refused, as the migration did.
     */
    default Mapped mapGuarded(Record source) {
        try {
            return map(source);
        } catch (RuntimeException e) {
            return new Failed(RecordError.of(ErrorCode.RECORD_TRANSFORM_FAILED, null,
                    "mapping failed unexpectedly: " + e));
        }
    }

    sealed interface Mapped permits Rows, Skipped, Failed {}

    /** The rows, each a Record whose entity is its table's name and whose fields are its columns. */
    record Rows(List<Record> rows) implements Mapped {
        public Rows { rows = List.copyOf(rows); }
    }

    record Skipped(String why) implements Mapped {}

    record Failed(RecordError error) implements Mapped {}
}
