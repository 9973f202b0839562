package cutover.connector;

import cutover.model.EntityName;

import java.util.Objects;
import java.util.Set;

/**
 * A part of a source that one reader reads on its own, in order: a table's key range, an export
 * file. Its {@code id} is stable across runs over the same source, so a checkpoint written by one
 * run is found by the next. {@code entities} lists what it may yield (a file can hold several);
 * empty when that is not known before the split is read (an export file not scanned yet).
 */
public record Split(String id, Set<EntityName> entities, long estimatedCount, String description) {
    public Split {
        Objects.requireNonNull(id, "id");
        entities = Set.copyOf(entities);
        Objects.requireNonNull(description, "description");
    }
}
