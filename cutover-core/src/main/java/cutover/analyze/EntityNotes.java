package cutover.analyze;

import cutover.model.EntityName;

import java.util.List;
import java.util.Objects;

/**
 * What the report says about an entity beyond its {@link EntitySchema}: up to five unreadable
 * records as examples, and how many distinct field paths were seen but not listed because the entity
 * had more than {@link AnalyzeOptions#maxFieldPaths()} (listed are the shallowest, then in code point
 * order). {@code unlistedPathsCapped} means the count stopped at its own limit and is a lower bound.
 */
public record EntityNotes(EntityName entity, List<UnreadableSample> unreadableSamples, long unlistedPaths,
                          boolean unlistedPathsCapped) {
    public EntityNotes {
        Objects.requireNonNull(entity, "entity");
        unreadableSamples = List.copyOf(unreadableSamples);
    }

    public static EntityNotes none(EntityName entity) { return new EntityNotes(entity, List.of(), 0, false); }

    public boolean isEmpty() { return unreadableSamples.isEmpty() && unlistedPaths == 0 && !unlistedPathsCapped; }
}
