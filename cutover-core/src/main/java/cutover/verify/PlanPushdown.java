package cutover.verify;

import cutover.plan.ColumnMapping;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a plan's comparison can be made by digests computed inside both databases (one PostgreSQL
 * to another): every table of the plan copies columns of one source table as they are, at most
 * renamed. Then the source's rows through the plan are the source table's rows with the target's
 * column names, and {@link RangeBisection} compares them where they are stored instead of reading
 * them out. Anything the plan does to values (a transform, a default, a cast to another type, a
 * field inside a map, an array to a child table, a reference to an id) needs the rows read and
 * mapped by Cutover, and so do JSON columns (compared as canonical JSON, while a digest hashes the
 * stored text) and a comparison rule coarser than the databases' own precision.
 */
public final class PlanPushdown {
    /** One table of the plan as a comparison: {@code sourceColumns.get(i)} is stored as {@code targetColumns.get(i)}. */
    public record Table(String sourceTable, List<String> sourceColumns, String targetTable, List<String> targetColumns) {}

    /** The plan's tables as comparisons, or, when one of them cannot be made by digests, why. */
    public record Result(List<Table> tables, Optional<String> refusal) {
        static Result refused(String why) { return new Result(List.of(), Optional.of(why)); }
    }

    private PlanPushdown() {}

    public static Result of(Plan plan, Digests source, Digests target) {
        if (!source.dialect().equals(target.dialect())) {
            return Result.refused("the two sides compute digests differently (" + source.dialect() + " and " + target.dialect() + ")");
        }
        Plan.VerifyRules rules = plan.verify();
        if (!(rules.timestampPrecision().equals("micros") || rules.timestampPrecision().equals("nanos")) || rules.floatDigits() != 0) {
            return Result.refused("the plan's verify rules (timestampPrecision " + rules.timestampPrecision() + ", floatDigits "
                    + rules.floatDigits() + ") are coarser than the databases' values, which digests compare exactly");
        }
        List<Table> tables = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            if (e.skip()) continue;
            Optional<String> why = refusal(e, source, target);
            if (why.isPresent()) return Result.refused("entity " + e.source() + " → table " + e.table() + ": " + why.get());
            List<String> sourceColumns = new ArrayList<>(), targetColumns = new ArrayList<>();
            for (ColumnMapping c : e.columns()) {
                sourceColumns.add(c.from().get(0));
                targetColumns.add(c.name());
            }
            tables.add(new Table(e.source(), sourceColumns, e.table(), targetColumns));
        }
        return new Result(tables, Optional.empty());
    }

    private static Optional<String> refusal(EntityMapping e, Digests source, Digests target) {
        Optional<TableShape> s = source.table(e.source()), t = target.table(e.table());
        if (s.isEmpty()) return Optional.of("the source holds no table " + e.source());
        if (t.isEmpty()) return Optional.of("the target holds no table " + e.table());
        if (!e.keyPartColumns().isEmpty()) return Optional.of("key columns " + e.keyPartColumns() + " take document key parts");
        for (ColumnMapping c : e.columns()) {
            if (c.from().size() != 1) return Optional.of("column " + c.name() + " takes a field inside a map");
            if (c.transform() != null) return Optional.of("column " + c.name() + " is transformed (" + c.transform() + ")");
            if (c.defaultValue() != null) return Optional.of("column " + c.name() + " has a default");
            if (c.references() != null) return Optional.of("column " + c.name() + " turns references into ids");
            if (c.arrays() != null) return Optional.of("column " + c.name() + " stores arrays (" + c.arrays() + ")");
            Optional<TableShape.ColumnShape> from = s.get().column(c.from().get(0)), to = t.get().column(c.name());
            if (from.isEmpty()) return Optional.of("the source table has no column " + c.from().get(0));
            if (to.isEmpty()) return Optional.of("the target table has no column " + c.name());
            // every value must arrive unchanged (none set aside, none rounded) and hash as it did
            if (!source.holdsAlike(from.get().type(), to.get().type())) {
                return Optional.of("column " + c.from().get(0) + " is " + from.get().type() + " in the source but " + c.name() + " is "
                        + to.get().type() + " in the target");
            }
            if (c.type().equals("jsonb") || from.get().type().startsWith("json")) {
                return Optional.of("column " + c.name() + " holds JSON, compared as canonical JSON (its text may change on the way), not by digest");
            }
            // a NULL the target refuses sets its record aside, which only a comparison through the plan counts as refused
            if (from.get().nullable() && !c.nullable()) return Optional.of("column " + c.name() + " is NOT NULL but " + c.from().get(0) + " may be NULL");
        }
        // the rows must be keyed alike: the source's key columns, renamed, are the target's, in order
        List<String> renamedKey = new ArrayList<>();
        for (String k : s.get().keyColumns()) {
            Optional<ColumnMapping> to = e.columns().stream().filter(c -> c.from().get(0).equals(k)).findFirst();
            if (to.isEmpty()) return Optional.of("the source's key column " + k + " is not copied");
            renamedKey.add(to.get().name());
        }
        if (!renamedKey.equals(t.get().keyColumns()) || !renamedKey.equals(e.key())) {
            return Optional.of("the source is keyed by " + s.get().keyColumns() + " and the target by " + t.get().keyColumns());
        }
        return Optional.empty();
    }
}
