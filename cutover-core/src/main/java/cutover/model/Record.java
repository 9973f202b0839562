package cutover.model;

import java.util.Map;
import java.util.Objects;

/**
 * One document or row: the entity it belongs to, its key, and its fields in source order. The key
 * is not repeated among the fields of a Firestore document; a table row carries its key columns both
 * in {@code key} and in {@code fields}. {@code version} is the source's own version of the record
 * (a Firestore update time, a change's LSN) or null when the source has none.
 */
public record Record(EntityName entity, Key key, Map<String, Value> fields, String version) {
    public Record {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(key, "key");
        if (!(fields instanceof Fields)) {
            fields.forEach((name, value) -> Objects.requireNonNull(value, () -> "field " + name + " of " + entity + "/" + key + " is null; use Value.NULL"));
        }
        fields = Fields.copyOf(fields); // no copy when they are Fields already: immutable
    }

    public Record(EntityName entity, Key key, Map<String, Value> fields) {
        this(entity, key, fields, null);
    }

    /** The field's value, or null if the record has no such field (which differs from {@link Value#NULL}). */
    public Value get(String field) { return fields.get(field); }
}
