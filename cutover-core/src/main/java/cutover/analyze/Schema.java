package cutover.analyze;

import cutover.model.EntityName;

import java.util.List;
import java.util.Optional;

/**
 * What {@code analyze} found in a source: every entity with its counts and the statistics of every
 * field. It is the input of plan generation and is written as the JSON of {@code analyze --json}.
 */
public record Schema(String source, List<EntitySchema> entities) {
    public Schema {
        entities = List.copyOf(entities);
    }

    public Optional<EntitySchema> entity(EntityName name) {
        return entities.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * True when references to {@code target} could be checked because the source has that entity
     * (perhaps empty). A reference's {@code dangling} count only covers such targets; references to
     * an entity the source does not have are reported as "not in source" and never as dangling.
     */
    public boolean targetInSource(EntityName target) {
        return entity(target).isPresent();
    }
}
