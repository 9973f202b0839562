package cutover.backup;

import cutover.model.EntityName;
import cutover.model.Record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Writes the records of one source split: one part per entity it yields, each its own record
 * stream, so splits can be read and chunked in parallel. Used by one thread; its parts take the
 * split's place ({@code order}) among their entities' parts when it is finished.
 */
final class SplitWriter {
    private final int order;
    private final Chunker chunker;
    private final Chunker coarseChunker;
    private final ChunkStore store;
    private final BiFunction<EntityName, List<String>, EntityParts> entities;
    private final Map<EntityName, PartStream> parts = new LinkedHashMap<>();
    private final Map<EntityName, CopyPartStream> copies = new LinkedHashMap<>();
    private boolean finished;

    SplitWriter(int order, Chunker chunker, Chunker coarseChunker, ChunkStore store, BiFunction<EntityName, List<String>, EntityParts> entities) {
        this.order = order;
        this.chunker = chunker;
        this.coarseChunker = coarseChunker;
        this.store = store;
        this.entities = entities;
    }

    void write(Record record) {
        if (finished) throw new IllegalStateException("this split was finished already");
        PartStream part = parts.get(record.entity());
        if (part == null) {
            entities.apply(record.entity(), List.of()); // so the entity is listed even if its part fails later
            part = new PartStream(chunker, store);
            parts.put(record.entity(), part);
        }
        part.write(record);
    }

    /**
     * A part for the rows of {@code entity} in a bulk text format, to be written whole by the caller
     * (an entity the snapshot writer was told is stored so); finished with the split.
     */
    CopyPartStream copyPart(EntityName entity, cutover.connector.CopyTextFormat.KindTally tally, java.util.function.LongConsumer progress) {
        if (finished) throw new IllegalStateException("this split was finished already");
        if (parts.containsKey(entity) || copies.containsKey(entity)) throw new IllegalStateException("split " + order + " has a part of " + entity + " already");
        EntityParts parts = entities.apply(entity, List.of());
        CopyPartStream part = new CopyPartStream(parts.isCoarse() ? coarseChunker : chunker, store, tally, progress);
        copies.put(entity, part);
        return part;
    }

    void unreadable(EntityName entity, String key, String reason) {
        entities.apply(entity, List.of()).unreadable(key, reason);
    }

    /** Cuts the last chunks of each part and hands the parts to their entities. */
    void finish() {
        if (finished) return;
        finished = true;
        parts.forEach((entity, part) -> entities.apply(entity, List.of()).add(order, part.finish()));
        copies.forEach((entity, part) -> entities.apply(entity, List.of()).add(order, part.finish()));
    }
}
