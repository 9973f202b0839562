package cutover.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A verification's outcome: each table's verdict, the source records the plan refuses (they are in
 * a migration's dead-letter file, not expected in the target), how many differences were found in
 * all, the first of them, and the file that lists every one.
 */
public record VerifyResult(List<TableVerdict> tables, Map<String, Long> refused, long differences,
                           List<Difference> firstDifferences, Path differencesFile, Duration duration) {
    public VerifyResult {
        tables = List.copyOf(tables);
        refused = Map.copyOf(refused);
        firstDifferences = List.copyOf(firstDifferences);
    }

    /**
     * This result with a later one of other tables, found into the same difference log: the later's
     * count and first differences of the log are already the totals.
     */
    public VerifyResult and(VerifyResult later) {
        List<TableVerdict> all = new java.util.ArrayList<>(tables);
        all.addAll(later.tables);
        Map<String, Long> refusedBoth = new java.util.LinkedHashMap<>(refused);
        later.refused.forEach((e, n) -> refusedBoth.merge(e, n, Long::sum));
        return new VerifyResult(all, refusedBoth, later.differences, later.firstDifferences, later.differencesFile, duration.plus(later.duration));
    }

    public boolean equal() { return differences == 0 && tables.stream().allMatch(TableVerdict::equal); }

    /** The rows compared: those of tables both sides have (a table one side lacks is named, its rows not compared). */
    public long rowsCompared() {
        return tables.stream().filter(t -> !t.absentOnOneSide()).mapToLong(t -> Math.max(t.sourceCount(), t.targetCount())).sum();
    }
}
