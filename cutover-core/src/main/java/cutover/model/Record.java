package cutover.model;

import java.util.Map;
import java.util.Objects;

/**
 * One document or row: the entity it belongs to, its key, and its fields in source order. The key
 * is not repeated among the fields of a Firestore document; a table row carries its key columns both
 * in {@code key} and in {@code fields}. {@code version} is the source's own version of the record
 * (a Firestore update time, a change's LSN) or null when the source has none. {@code asWritten} is
 * the row as its source wrote it in its bulk text format, where it was read from one and mapped
 * column for column, or null: how the values were written, not part of the record's value, so
 * records are equal without it.
 */
public record Record(EntityName entity, Key key, Map<String, Value> fields, String version, RowText asWritten) {
    public Record {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(key, "key");
        if (!(fields instanceof Fields)) {
            fields.forEach((name, value) -> Objects.requireNonNull(value, () -> "field " + name + " of " + entity + "/" + key + " is null; use Value.NULL"));
        }
        fields = Fields.copyOf(fields); // no copy when they are Fields already: immutable
    }

    public Record(EntityName entity, Key key, Map<String, Value> fields, String version) {
        this(entity, key, fields, version, null);
    }

    public Record(EntityName entity, Key key, Map<String, Value> fields) {
        this(entity, key, fields, null, null);
    }

    /** This record carrying {@code text}, the line it was read from (its fields are not copied). */
    public Record withAsWritten(RowText text) {
        return new Record(entity, key, fields, version, text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && entity.equals(r.entity) && key.equals(r.key) && fields.equals(r.fields) && Objects.equals(version, r.version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entity, key, fields, version);
    }

    @Override
    public String toString() {
        return "Record[entity=" + entity + ", key=" + key + ", fields=" + fields + ", version=" + version + "]";
    }

    /** The field's value, or null if the record has no such field (which differs from {@link Value#NULL}). */
    public Value get(String field) { return fields.get(field); }
}
