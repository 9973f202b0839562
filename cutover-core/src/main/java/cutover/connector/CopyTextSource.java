package cutover.connector;

import cutover.model.EntityName;

import java.io.OutputStream;
import java.util.Optional;

/**
 * A source that can also give a table's rows in its database's bulk text format ({@link CopyTextFormat}),
 * far cheaper to produce and to store than records decoded one value at a time: a backup keeps those
 * bytes as they are. The rows and their order are exactly those {@link Source#read} gives the split.
 */
public interface CopyTextSource extends Source {
    /**
     * The format and columns of the entity's lines, or empty when the entity is read as records only
     * (a table without a primary key, or with a column type the format does not decode).
     */
    Optional<CopyShape> copyShape(EntityName entity);

    /**
     * The definitions of these entities' tables as their database would make them again (types,
     * defaults, sequences, indexes, constraints), read together; an entity without one is left out.
     */
    default java.util.Map<EntityName, cutover.model.NativeDefinition> definitions(java.util.Collection<EntityName> entities) {
        return java.util.Map.of();
    }

    /**
     * What the source holds beside its tables, as its database would make it again (a schema's views
     * and its sequences no column uses); empty when there is nothing of the kind.
     */
    default Optional<cutover.model.NativeDefinition> schemaObjects() {
        return Optional.empty();
    }

    /**
     * {@link #schemaObjects()} without those bound to the tables {@code leftOut} names (their
     * triggers, rules, policies, comments, grants): what a copy of the other tables holds.
     */
    default Optional<cutover.model.NativeDefinition> schemaObjects(java.util.Collection<EntityName> leftOut) {
        return schemaObjects();
    }

    /**
     * Writes the split's rows (of one entity that has a {@link #copyShape}) in key order, one line
     * each, at the held moment if one is ({@link Source#holdAtThisMoment()}); returns how many.
     * A source that checks what it gives (a backup's digests) throws when the check fails at the
     * end, after the lines: whoever loads them must not commit before this returns.
     */
    long copyOut(Split split, OutputStream out);
}
