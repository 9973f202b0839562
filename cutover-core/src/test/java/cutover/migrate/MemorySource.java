package cutover.migrate;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A source over lists of items held in memory, one list per split, for testing the pipeline. */
final class MemorySource implements Source {
    private final Map<String, List<RecordReader.Item>> splits = new LinkedHashMap<>();
    /** Fails the reader with this exception after this many items in total, once; -1 never. */
    final AtomicInteger failAfterItems = new AtomicInteger(-1);

    MemorySource split(String id, List<RecordReader.Item> items) {
        splits.put(id, List.copyOf(items));
        return this;
    }

    @Override
    public List<EntityInfo> entities() {
        Map<EntityName, Long> counts = new LinkedHashMap<>();
        splits.values().forEach(items -> items.forEach(i -> counts.merge(entityOf(i), 1L, Long::sum)));
        List<EntityInfo> out = new ArrayList<>();
        counts.forEach((e, n) -> out.add(new EntityInfo(e, n, -1, List.of())));
        return out;
    }

    static EntityName entityOf(RecordReader.Item i) {
        return i instanceof RecordReader.Ok ok ? ok.record().entity() : ((RecordReader.Unreadable) i).entity();
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        splits.forEach((id, items) -> out.add(new Split(id, Set.of(), items.size(), "memory split " + id)));
        return out;
    }

    @Override
    public RecordReader read(Split split, Position from) {
        List<RecordReader.Item> items = splits.get(split.id());
        return new RecordReader() {
            int next = (int) from.ordinal();

            @Override
            public Item next() {
                if (failAfterItems.get() == 0) {
                    failAfterItems.set(-1);
                    throw new IllegalStateException("simulated crash of the reader");
                }
                if (failAfterItems.get() > 0) failAfterItems.decrementAndGet();
                return next < items.size() ? items.get(next++) : null;
            }

            @Override
            public Position position() { return new Position(next, ""); }

            @Override
            public void close() {}
        };
    }
}
