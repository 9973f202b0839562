package cutover.analyze;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A source over lists of items in memory, one list per split, with entity infos given or derived. */
final class ListSource implements Source {
    private final Map<String, List<RecordReader.Item>> splits = new LinkedHashMap<>();
    private final List<EntityInfo> infos = new ArrayList<>();
    /** When set, reading the split of this id throws it. */
    RuntimeException failure;
    String failingSplit;

    ListSource split(String id, List<RecordReader.Item> items) {
        splits.put(id, List.copyOf(items));
        return this;
    }

    ListSource info(EntityInfo info) {
        infos.add(info);
        return this;
    }

    /** The same items as one split, in split order. */
    ListSource asOneSplit() {
        List<RecordReader.Item> all = new ArrayList<>();
        splits.values().forEach(all::addAll);
        ListSource one = new ListSource().split("all", all);
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
                if (split.id().equals(failingSplit) && next == items.size() / 2) throw failure;
                return next < items.size() ? items.get(next++) : null;
            }

            @Override
            public Position position() { return new Position(next, ""); }

            @Override
            public void close() {}
        };
    }
}
