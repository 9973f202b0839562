package cutover.testing;

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

/**
 * A source over lists of items held in memory, one list per split, for tests of the pipeline and
 * of analyze: entity infos given or derived from the items, and two ways to fail on purpose.
 */
public final class MemorySource implements Source {
    private final Map<String, List<RecordReader.Item>> splits = new LinkedHashMap<>();
    private final List<EntityInfo> infos = new ArrayList<>();
    /** Fails the reader with this exception after this many items in total, once; -1 never. */
    public final AtomicInteger failAfterItems = new AtomicInteger(-1);
    /** When set, reading the split of this id throws {@link #failure} halfway through. */
    public String failingSplit;
    public RuntimeException failure;

    public MemorySource split(String id, List<RecordReader.Item> items) {
        splits.put(id, List.copyOf(items));
        return this;
    }

    public MemorySource info(EntityInfo info) {
        infos.add(info);
        return this;
    }

    /** The same items as one split, in split order. */
    public MemorySource asOneSplit() {
        List<RecordReader.Item> all = new ArrayList<>();
        splits.values().forEach(all::addAll);
        MemorySource one = new MemorySource().split("all", all);
        infos.forEach(one::info);
        return one;
    }

    @Override
    public List<EntityInfo> entities() {
        if (!infos.isEmpty()) return List.copyOf(infos);
        Map<EntityName, Long> counts = new LinkedHashMap<>();
        splits.values().forEach(items -> items.forEach(i -> {
            EntityName e = i instanceof RecordReader.Ok ok ? ok.record().entity() : ((RecordReader.Unreadable) i).entity();
            if (e != null) counts.merge(e, 1L, Long::sum);
        }));
        List<EntityInfo> out = new ArrayList<>();
        counts.forEach((e, n) -> out.add(new EntityInfo(e, n, -1, List.of())));
        return out;
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        splits.forEach((id, items) -> {
            Set<EntityName> entities = new java.util.TreeSet<>();
            for (RecordReader.Item item : items) {
                EntityName entity = item instanceof RecordReader.Unreadable u ? u.entity() : ((RecordReader.Ok) item).record().entity();
                if (entity != null) entities.add(entity); // an unreadable record may not say whose it is
            }
            out.add(new Split(id, entities, items.size(), "memory split " + id));
        });
        return out;
    }

    @Override
    public RecordReader read(Split split, Position from) {
        List<RecordReader.Item> items = splits.get(split.id());
        return new RecordReader() {
            int next = (int) from.ordinal();

            @Override
            public Item next() {
                if (split.id().equals(failingSplit) && next == items.size() / 2) throw failure;
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
