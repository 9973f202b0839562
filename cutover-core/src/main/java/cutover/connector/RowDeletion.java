package cutover.connector;

import cutover.model.Key;
import cutover.model.Table;

import java.util.List;
import java.util.Map;

/**
 * A sink that deletes rows by key: a restore with {@code --delete} removes the rows only the target
 * holds, so that its tables hold what the snapshot held (restic's {@code restore --delete}).
 */
public interface RowDeletion {
    /**
     * Deletes the rows of {@code table} with these keys (values of the plan's key columns, in order)
     * in one transaction, the table's triggers as quiet as the restore's writes keep them. A row the
     * target will not let go (another table's row refers to it) is kept: its key is in {@link
     * Deleted#kept}, with the server's reason, and the others are deleted all the same.
     */
    default Deleted delete(Table table, List<Key> keys) {
        return delete(Map.of(table, keys)).get(table.name());
    }

    /**
     * {@link #delete(Table, List)} of rows of several tables together, in one transaction: rows of two
     * tables referring to each other (a team and its owner) go, where table by table each holds the
     * other. By table name, what went and what was kept.
     */
    Map<String, Deleted> delete(Map<Table, List<Key>> keys);

    /**
     * Why the rows only the target holds could not be found and deleted in these tables, each a
     * sentence naming its table (a privilege the role lacks, a policy that would hide rows from its
     * reads), or none. Asked before the restore writes: a deletion that cannot run stops the restore
     * before its rows go in, not after.
     */
    List<String> cannotDelete(List<Table> tables);

    /**
     * The foreign keys referring to {@code table} whose check makes each row deleted cost a read of
     * the referring table (PostgreSQL's, without an index on the referring columns), each a sentence
     * naming it and what would make it fast; none where deleting costs no such read.
     */
    default List<String> slowReferences(Table table) {
        return List.of();
    }

    /** What the deletions so far did beside deleting (a trigger or rule left on that ran), each a sentence; none where nothing. */
    default List<String> deletionWarnings() {
        return List.of();
    }

    /**
     * From now on, a table without a key that holds rows is emptied before the snapshot's are loaded
     * into it, rather than refused: with no key to match rows by, "only the snapshot's rows" is all of
     * them again. Where the target cannot, it says so as before.
     */
    default void replacesTablesWithoutKey() {}

    /** The tables without a key emptied so far, by the plan's name, with how many rows each held. */
    default Map<String, Long> replacedWhole() {
        return Map.of();
    }

    /** How many rows went, and the keys of those the target kept, each with why. */
    record Deleted(long deleted, Map<Key, String> kept) {}
}
