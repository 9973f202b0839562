package cutover.connector;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What became in the target of a source's tables, by their names in the source (without schema),
 * for the schema objects bound to them ({@link CopyTextSink#makeSchemaObjects}): a table's triggers,
 * rules, policies, comments and grants are made on it only where it is the source's table as it was,
 * and it goes to the source's owner only where the run made it.
 *
 * @param moved         tables the plan renames (to the table given) or leaves out (empty)
 * @param kept          tables the target had before the run (the application's own): they keep their
 *                      own grants, policies, triggers, rules, comments and row-level security
 * @param fromPlanTypes tables made from the plan's types rather than as the source defined them (a
 *                      mapping edited): their columns may differ from those a trigger's function sets,
 *                      which only a write would show, so their triggers are not made
 * @param made          tables the run made under their source's names (an earlier attempt of it too):
 *                      they go to the role that owned them in the source; the others keep their owner
 */
public record TablesMade(Map<String, Optional<String>> moved, Set<String> kept, Set<String> fromPlanTypes, Set<String> made) {
    /** Every table as it was in the source, under its own name (a restore of a whole snapshot), of which the run made {@code made}. */
    public static TablesMade asTheyWere(Set<String> made) {
        return new TablesMade(Map.of(), Set.of(), Set.of(), made);
    }

    public TablesMade {
        moved = Map.copyOf(moved);
        kept = Set.copyOf(kept);
        fromPlanTypes = Set.copyOf(fromPlanTypes);
        made = Set.copyOf(made);
    }
}
