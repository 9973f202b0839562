package cutover.backup;

import cutover.model.EntityName;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot as listed: its id (the SHA-256 of its manifest file), when it was taken, on which host,
 * of which source (its location without any password), its tags and entities. {@code totalBytes}
 * is the length of its record streams, {@code storedBytes} what its chunks take in the repository,
 * {@code addedBytes} and {@code addedChunks} what this snapshot stored that earlier ones had not.
 */
public record Snapshot(String id, Instant time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                       long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files,
                       cutover.model.NativeDefinition schema, SnapshotSet set) {
    public Snapshot {
        tags = List.copyOf(tags);
        entities = List.copyOf(entities);
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** A snapshot taken on its own ({@code set}: null). */
    public Snapshot(String id, Instant time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                    long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files,
                    cutover.model.NativeDefinition schema) {
        this(id, time, host, source, tags, entities, totalBytes, storedBytes, addedBytes, addedChunks, files, schema, null);
    }

    /** A snapshot of a source that held nothing beside its tables ({@code schema}: its views, sequences). */
    public Snapshot(String id, Instant time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                    long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files) {
        this(id, time, host, source, tags, entities, totalBytes, storedBytes, addedBytes, addedChunks, files, null);
    }

    /** A snapshot of records only. */
    public Snapshot(String id, Instant time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                    long totalBytes, long storedBytes, long addedBytes, int addedChunks) {
        this(id, time, host, source, tags, entities, totalBytes, storedBytes, addedBytes, addedChunks, List.of());
    }

    /** Every chunk the snapshot needs, records' and files' (what prune keeps and check looks for). */
    public java.util.LinkedHashSet<String> chunkIds() {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        entities.forEach(e -> out.addAll(e.chunks()));
        files.forEach(f -> out.addAll(f.chunks()));
        return out;
    }

    /** The ids of the list files its entities name ({@link ChunkList}): what prune keeps and check does not call garbage. */
    java.util.Set<String> chunkListIds() {
        java.util.Set<String> out = new java.util.HashSet<>();
        entities.forEach(e -> { if (e.chunkList() != null) out.add(e.chunkList().id()); });
        return out;
    }

    public long fileBytes() { return files.stream().mapToLong(FileEntry::size).sum(); }

    /** The first 8 hex digits of the id, as shown and as accepted by {@link Repository#snapshot(String)}. */
    public String shortId() { return id.substring(0, 8); }

    public long records() { return entities.stream().mapToLong(EntitySnapshot::records).sum(); }

    public Optional<EntitySnapshot> entity(EntityName name) {
        return entities.stream().filter(e -> e.name().equals(name.value())).findFirst();
    }

    /** The same snapshot restricted to these entities, for a partial restore; an unknown name is an error that lists the known ones. */
    public Snapshot only(java.util.Collection<String> names) {
        for (String n : names) {
            if (entities.stream().noneMatch(e -> e.name().equals(n))) {
                throw new cutover.error.CutoverException(cutover.error.ErrorCode.USAGE, "snapshot " + shortId() + " has no entity "
                        + n + "; it has: " + String.join(", ", entities.stream().map(EntitySnapshot::name).toList()));
            }
        }
        return new Snapshot(id, time, host, source, tags, entities.stream().filter(e -> names.contains(e.name())).toList(),
                totalBytes, storedBytes, addedBytes, addedChunks, files, schema, set);
    }

    static Snapshot of(BlobId id, ManifestFile m) {
        return new Snapshot(id.hex(), Instant.parse(m.time()), m.host(), m.source(), m.tags(), m.entities(),
                m.totalBytes(), m.storedBytes(), m.addedBytes(), m.addedChunks(), m.files(), m.schema(), m.set());
    }
}
