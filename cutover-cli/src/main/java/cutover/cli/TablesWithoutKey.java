package cutover.cli;

import cutover.backup.EntitySnapshot;
import cutover.backup.Snapshot;
import cutover.connector.CopyTextSink;
import cutover.connector.Sink;
import cutover.model.EntityName;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A restore's plan with the tables that had no primary key left without one. A generated plan keys
 * an entity without key columns as it keys documents, by an {@code id} column of the record's key;
 * but a table without a primary key, stored as its database's own rows, goes back as it was (its
 * equal rows kept, no column added) into a sink that makes tables as their definitions say. In any
 * other sink it is keyed by each row's number in the snapshot, as {@code rowid}: SQLite makes that
 * the table's own rowid, not a column, so the table is as it was there (an application's inserts,
 * which name no key, work) and reads back keyed so. A table with a column of that name keys by a
 * column of its own, {@code row_number}.
 */
final class TablesWithoutKey {
    private TablesWithoutKey() {}

    /** The snapshot's entities stored as rows of a table without a primary key. */
    static List<String> in(Snapshot snapshot) {
        return snapshot.entities().stream().filter(TablesWithoutKey::keyless).map(EntitySnapshot::name).toList();
    }

    static Plan of(Plan plan, Snapshot snapshot, Sink sink) {
        List<EntityMapping> entities = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            Optional<EntitySnapshot> stored = snapshot.entity(EntityName.of(e.source())).filter(TablesWithoutKey::keyless);
            if (stored.isEmpty() || e.skip()) {
                entities.add(e);
            } else if (stored.get().definition() != null && sink instanceof CopyTextSink copy && copy.makesAsDefined(stored.get().definition())) {
                entities.add(e.withKey(List.of(), "the source table has no primary key: restored whole, as it was, into a new or empty table"));
            } else {
                // named apart from the table's columns (which may have an id that is no key)
                java.util.Set<String> taken = new java.util.HashSet<>();
                e.columns().forEach(c -> taken.add(c.name().toLowerCase(java.util.Locale.ROOT)));
                String key = taken.contains("rowid") ? "row_number" : "rowid";
                for (int n = 2; taken.contains(key); n++) key = "row_number_" + n;
                entities.add(e.withKey(List.of(key), "the source table has no primary key: " + key + " is each row's number in the snapshot"));
            }
        }
        return plan.withEntities(entities);
    }

    private static boolean keyless(EntitySnapshot e) {
        return e.copyText() != null && e.keyColumns().isEmpty();
    }
}
