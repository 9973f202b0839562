package cutover.plan;

import cutover.model.ForeignKey;
import cutover.model.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders tables so a table comes after those its foreign keys refer to, keeping the plan's order
 * where it may. References can form cycles (users → teams → users), which no order satisfies; the
 * tables of a cycle keep the plan's order.
 */
final class TableOrder {
    private TableOrder() {}

    static List<Table> parentsFirst(List<Table> tables) {
        Map<String, Table> byName = new LinkedHashMap<>();
        for (Table t : tables) byName.put(t.name(), t);
        Set<String> placed = new LinkedHashSet<>();
        List<Table> ordered = new ArrayList<>();
        boolean progress = true;
        while (ordered.size() < tables.size()) {
            progress = false;
            for (Table t : tables) {
                if (placed.contains(t.name())) continue;
                boolean ready = true;
                for (ForeignKey fk : t.foreignKeys()) {
                    String ref = fk.referencedTable();
                    if (!ref.equals(t.name()) && byName.containsKey(ref) && !placed.contains(ref)) ready = false;
                }
                if (ready) {
                    placed.add(t.name());
                    ordered.add(t);
                    progress = true;
                    break; // restart from the top so earlier tables keep their place
                }
            }
            if (!progress) {
                // a cycle: place the first remaining table and go on
                for (Table t : tables) {
                    if (placed.add(t.name())) {
                        ordered.add(t);
                        break;
                    }
                }
            }
        }
        return ordered;
    }
}
