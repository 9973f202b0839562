package cutover.backup;

import cutover.model.EntityName;

import java.util.List;
import java.util.Map;

/**
 * One entity as a snapshot holds it: its records as one canonical stream (docs/backup-format.md,
 * "Record streams") cut into {@code chunks}, {@code bytes} long with SHA-256 {@code digest};
 * {@code fields} maps each field name seen, in first-seen order, to the value kinds seen for it.
 * Records the source could not decode are counted in {@code unreadable}, with a few samples
 * (key and reason), since they cannot be kept.
 */
public record EntitySnapshot(String name, List<String> keyColumns, long records, long bytes, String digest,
                             Map<String, List<String>> fields, List<String> chunks, long unreadable,
                             List<String> unreadableSamples) {
    public EntitySnapshot {
        keyColumns = List.copyOf(keyColumns);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        chunks = List.copyOf(chunks);
        unreadableSamples = List.copyOf(unreadableSamples);
    }

    public EntityName entityName() { return EntityName.of(name); }
}
