package cutover.verify;

import cutover.connector.EntityInfo;
import cutover.connector.Source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two databases compared whole (no table named): a table only one side has is a difference, every
 * one of its rows missing from the other side or extra there, not an error that stops the comparison
 * of the others. Its rows are counted by the side's own digest where it computes one (exact), else as
 * the side estimates them; none is listed row by row.
 */
public final class TablesOnOneSide {
    private final Map<String, EntityInfo> source = new LinkedHashMap<>(), target = new LinkedHashMap<>();
    private final boolean sourceDocuments, targetDocuments;

    public TablesOnOneSide(Source a, Source b) {
        a.entities().forEach(e -> source.put(e.name().value(), e));
        b.entities().forEach(e -> target.put(e.name().value(), e));
        sourceDocuments = source.values().stream().anyMatch(e -> isDocuments(a, e));
        targetDocuments = target.values().stream().anyMatch(e -> isDocuments(b, e));
    }

    /** Whether a side holds documents (a collection keyed by no column of its own, not a database's table without a key). */
    public boolean ofDocuments() {
        return sourceDocuments || targetDocuments;
    }

    /**
     * Whether one side holds documents and the other tables: they meet only through a plan (a
     * document's id is no column, its fields' names and kinds are not the table's), so a comparison
     * as stored, even of a collection and a table of one name, finds differences that are none.
     */
    public boolean documentsAgainstTables() {
        return sourceDocuments != targetDocuments;
    }

    /** A collection of documents: keyed by no column of its own, no table without a key, nor one whose columns' nullability its database declares. */
    private static boolean isDocuments(Source side, EntityInfo e) {
        return e.keyColumns().isEmpty() && e.nullableColumns() == null && !side.keyedByPlace(e.name());
    }

    /** The source's tables, in its order. */
    public List<String> source() {
        return List.copyOf(source.keySet());
    }

    /** The source's tables the target has too, in the source's order: those compared row by row. */
    public List<String> both() {
        return source.keySet().stream().filter(target::containsKey).toList();
    }

    /** A verdict for each table only one side has: the source's first, in their order. */
    public List<TableVerdict> verdicts(Optional<Digests> a, Optional<Digests> b) {
        List<TableVerdict> out = new ArrayList<>();
        for (var e : source.entrySet()) {
            if (target.containsKey(e.getKey())) continue;
            long rows = rows(e.getValue(), a);
            out.add(new TableVerdict(e.getKey(), TableVerdict.NOT_IN_TARGET, 1.0, rows, 0, null, null, rows, 0, 0));
        }
        for (var e : target.entrySet()) {
            if (source.containsKey(e.getKey())) continue;
            long rows = rows(e.getValue(), b);
            out.add(new TableVerdict(e.getKey(), TableVerdict.NOT_IN_SOURCE, 1.0, 0, rows, null, null, 0, rows, 0));
        }
        return out;
    }

    private static long rows(EntityInfo table, Optional<Digests> side) {
        String name = table.name().value();
        Optional<Long> counted = side.flatMap(d -> d.table(name).filter(t -> !t.keyColumns().isEmpty())
                .map(t -> d.digests(name, t.columnNames(), KeyRange.ALL, List.of()).get(0).count()));
        return counted.orElse(Math.max(0, table.estimatedCount()));
    }
}
