package cutover.analyze;

import cutover.model.EntityName;

import java.util.List;
import java.util.Objects;

/**
 * The {@link Schema} with the notes that belong in the report but not in the schema: examples of
 * unreadable records, field paths left unlisted, and the unreadable records whose entity the source
 * could not tell ({@code unreadableWithoutEntity}; they are in no entity's count).
 */
public record AnalyzeResult(Schema schema, List<EntityNotes> notes, long unreadableWithoutEntity,
                            List<UnreadableSample> unreadableWithoutEntitySamples) {
    public AnalyzeResult {
        Objects.requireNonNull(schema, "schema");
        notes = List.copyOf(notes);
        unreadableWithoutEntitySamples = List.copyOf(unreadableWithoutEntitySamples);
    }

    public static AnalyzeResult of(Schema schema) { return new AnalyzeResult(schema, List.of(), 0, List.of()); }

    public EntityNotes notes(EntityName entity) {
        return notes.stream().filter(n -> n.entity().equals(entity)).findFirst().orElse(EntityNotes.none(entity));
    }
}
