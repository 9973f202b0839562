package cutover.backup;

import cutover.connector.CopyShape;
import cutover.model.EntityName;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers the parts of one entity as the readers of a backup finish them, in any order, and puts
 * them in the order of the splits they came from. Thread-safe: every reader of a backup adds to it.
 */
final class EntityParts {
    static final int UNREADABLE_SAMPLES = 20;

    private final EntityName name;
    private List<String> keyColumns;
    private final TreeMap<Integer, PartStream.Result> parts = new TreeMap<>();
    private final List<String> unreadableSamples = new ArrayList<>();
    private long unreadable;
    private CopyShape copyText;
    private boolean coarse;

    EntityParts(EntityName name, List<String> keyColumns) {
        this.name = name;
        this.keyColumns = List.copyOf(keyColumns);
    }

    EntityName name() { return name; }

    synchronized void keyColumns(List<String> columns) {
        if (!columns.isEmpty()) this.keyColumns = List.copyOf(columns);
    }

    /** The entity's parts are rows in this bulk text format, not record streams. */
    synchronized void copyText(CopyShape format) {
        this.copyText = format;
    }

    /** Cut the entity's parts with the coarse chunker ({@link ChunkerParams#coarse()}). */
    synchronized void coarse() {
        this.coarse = true;
    }

    synchronized boolean isCoarse() { return coarse; }

    synchronized void add(int order, PartStream.Result part) {
        if (parts.putIfAbsent(order, part) != null) throw new IllegalStateException("part " + order + " of " + name + " was added twice");
    }

    synchronized void unreadable(String key, String reason) {
        unreadable++;
        if (unreadableSamples.size() < UNREADABLE_SAMPLES) unreadableSamples.add((key == null ? "?" : key) + ": " + reason);
    }

    /** Finished parts put together, in order: what the manifest lists of them. */
    record Assembled(List<EntityPart> parts, List<String> chunks, long records, long bytes, Map<String, List<String>> fields,
                     Map<String, Map<String, Long>> kindCounts) {}

    static Assembled assemble(java.util.Collection<PartStream.Result> parts) {
        List<EntityPart> list = new ArrayList<>();
        List<String> chunks = new ArrayList<>();
        Map<String, EnumMap<Value.Kind, Long>> kinds = new LinkedHashMap<>();
        long records = 0, bytes = 0;
        for (PartStream.Result r : parts) {
            list.add(r.part());
            chunks.addAll(r.chunkIds());
            records += r.part().records();
            bytes += r.part().bytes();
            // merged in part order, so "first seen" is first seen in the entity's stream
            r.kinds().forEach((field, counts) -> counts.forEach((kind, n) ->
                    kinds.computeIfAbsent(field, f -> new EnumMap<>(Value.Kind.class)).merge(kind, n, Long::sum)));
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Map<String, Map<String, Long>> kindCounts = new LinkedHashMap<>();
        kinds.forEach((field, counts) -> {
            fields.put(field, counts.keySet().stream().map(Enum::name).toList());
            Map<String, Long> byName = new LinkedHashMap<>();
            counts.forEach((kind, n) -> byName.put(kind.name(), n));
            kindCounts.put(field, byName);
        });
        return new Assembled(list, chunks, records, bytes, fields, kindCounts);
    }

    /** The entity as the manifest lists it; an entity with no records gets one empty part, so it is still restored as a table. */
    synchronized EntitySnapshot finish(Chunker chunker, ChunkStore store) {
        if (parts.isEmpty()) {
            // a record stream is at least its version byte; COPY text of no rows is no bytes at all, so no chunk
            parts.put(0, copyText != null ? new PartChunks(chunker, store).finish(0, Map.of()) : new PartStream(chunker, store).finish());
        }
        Assembled a = assemble(parts.values());
        return new EntitySnapshot(name.value(), keyColumns, a.records(), a.bytes(), EntitySnapshot.digestOfParts(a.parts()), a.fields(), a.chunks(),
                unreadable, unreadableSamples, a.parts(), a.kindCounts(), null, copyText);
    }
}
