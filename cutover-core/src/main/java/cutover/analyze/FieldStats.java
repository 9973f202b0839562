package cutover.analyze;

import cutover.model.EntityName;
import cutover.model.Value;

import java.util.List;
import java.util.Map;

/**
 * Statistics of one field path in one entity. {@code path} has one element for a top-level field and
 * more for a field inside a map ({@code [address, city]}); names may contain dots, hence a list.
 * {@code present} counts the records that have the field (a NULL value included), so
 * {@code entityCount - present} records lack it. {@code kinds} counts each value kind seen, NULL
 * included. {@code references} says where reference values point and how many point nowhere.
 */
public record FieldStats(List<String> path, long present, Map<Value.Kind, Long> kinds,
                         long minInt, long maxInt, int maxTextLength, int maxArrayLength,
                         List<ReferenceStats> references, List<String> examples) {
    public FieldStats {
        path = List.copyOf(path);
        kinds = Map.copyOf(kinds);
        references = List.copyOf(references);
        examples = List.copyOf(examples);
    }

    public long nulls() { return kinds.getOrDefault(Value.Kind.NULL, 0L); }

    /** The kinds seen other than NULL. */
    public List<Value.Kind> nonNullKinds() {
        return kinds.keySet().stream().filter(k -> k != Value.Kind.NULL).sorted().toList();
    }

    /** True when the field holds values of more than one non-null kind (a number here, a string there). */
    public boolean hasConflict() { return nonNullKinds().size() > 1; }

    /** Where the references of a field point: the target entity, how many, and how many name a missing document. */
    public record ReferenceStats(EntityName target, long count, long dangling) {}
}
