package cutover.firebase;

import cutover.connector.EntityInfo;
import cutover.model.EntityName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sums the per-file counts and sizes of a scan into one {@link EntityInfo} per entity, in name order. */
final class EntityTotals {
    private EntityTotals() {}

    /** Each map holds, per entity, {documents, bytes} of one file. */
    static List<EntityInfo> of(List<Map<EntityName, long[]>> perFile) {
        Map<EntityName, long[]> total = new TreeMap<>();
        for (Map<EntityName, long[]> file : perFile) {
            file.forEach((entity, c) -> {
                long[] t = total.computeIfAbsent(entity, e -> new long[2]);
                t[0] += c[0];
                t[1] += c[1];
            });
        }
        List<EntityInfo> out = new ArrayList<>();
        total.forEach((entity, c) -> out.add(new EntityInfo(entity, c[0], c[1], List.of())));
        return out;
    }
}
