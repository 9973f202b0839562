package cutover.verify;

import cutover.connector.EntityInfo;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.migrate.RowMapper;
import cutover.model.EntityName;
import cutover.model.Table;
import cutover.plan.Plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a verification: a plan's source through its mapping against the target, or the same tables
 * of two endpoints as they are. Reports every difference into a {@link DifferenceLog}.
 */
public final class Verifier {
    /** {@code sample}: fraction of the key space compared (1 = all); {@code parallelism}: readers per side. */
    public record Options(double sample, long seed, int parallelism, long rowsPerRound) {
        public static final Options DEFAULTS = new Options(1.0, 0, 2, StreamedComparison.Options.DEFAULTS.rowsPerRound());
    }

    private Verifier() {}

    /**
     * The source read and mapped through the plan, against the plan's tables read back from the
     * target: the comparison {@code verify plan.yaml} makes. Values are compared by the plan's
     * verify rules (timestamp precision, float digits) and JSON columns as canonical JSON. With
     * {@code targetChecks} (may be null), rows the target would refuse count as refused, not missing.
     */
    public static VerifyResult plan(Plan plan, RowMapper mapper, Source source, Source target, Sink targetChecks, Options options,
                                    VerifyProgress progress, DifferenceLog log) {
        return plan(plan, mapper, source, target, targetChecks, java.util.Set.of(), options, progress, log);
    }

    /** {@link #plan}, the records in {@code setAside} counted as refused ({@link SourceFeed#mapped(String, Source, RowMapper, Sink, int, java.util.Set)}). */
    public static VerifyResult plan(Plan plan, RowMapper mapper, Source source, Source target, Sink targetChecks, java.util.Set<String> setAside,
                                    Options options, VerifyProgress progress, DifferenceLog log) {
        return planWithin(plan, mapper, source, target, targetChecks, setAside, options, progress, log, null).result();
    }

    /** A comparison's result, and whether it was held to the scope it was given ({@link StreamedComparison#compare}). */
    public record Scoped(VerifyResult result, boolean scoped) {}

    /**
     * {@link #plan}, of the rows whose key is in {@code scope} (null: all) where the source holds no
     * other: a partial restore's snapshot against the target's rows of the same keys. Where the plan
     * gives a source row a key outside the scope, the comparison is of every row instead.
     */
    public static Scoped planWithin(Plan plan, RowMapper mapper, Source source, Source target, Sink targetChecks, Options options,
                                    VerifyProgress progress, DifferenceLog log, java.util.function.Predicate<cutover.model.Key> scope) {
        return planWithin(plan, mapper, source, target, targetChecks, java.util.Set.of(), options, progress, log, scope);
    }

    private static Scoped planWithin(Plan plan, RowMapper mapper, Source source, Source target, Sink targetChecks, java.util.Set<String> setAside,
                                     Options options, VerifyProgress progress, DifferenceLog log, java.util.function.Predicate<cutover.model.Key> scope) {
        Instant started = Instant.now();
        List<ComparedTable> tables = new ArrayList<>();
        Map<EntityName, String> stored = new LinkedHashMap<>();
        for (Table t : mapper.tables()) {
            tables.add(ComparedTable.of(t));
            stored.put(EntityName.of(storedName(t.name())), t.name());
        }
        Map<String, Long> estimates = new LinkedHashMap<>();
        target.quickEstimates().ifPresent(infos -> {
            for (EntityInfo e : infos) {
                String table = stored.get(e.name());
                if (table != null) estimates.put(table, e.estimatedCount());
            }
        });
        StreamedComparison.Result r = new StreamedComparison(tables, new ComparableValues(plan.verify()),
                new StreamedComparison.Options(options.sample(), options.seed(), options.rowsPerRound()), progress)
                .compare(SourceFeed.mapped(plan.source(), source, mapper, targetChecks, options.parallelism(), setAside),
                        SourceFeed.asStored(plan.target(), target, stored, options.parallelism()), estimates, log, scope);
        return new Scoped(new VerifyResult(r.verdicts(), r.refused(), log.count(), log.kept(), log.file(), Duration.between(started, Instant.now())),
                r.scoped());
    }

    /**
     * The named tables of two endpoints compared as they are stored, row by row and field by field,
     * read and hashed by Cutover (when the databases cannot compute comparable digests themselves).
     * A table either side keys by place (no primary key: by ctid) is compared by its rows' content.
     */
    public static VerifyResult streamedTables(Source a, String aName, Source b, String bName, List<String> tables,
                                              Options options, VerifyProgress progress, DifferenceLog log) {
        Instant started = Instant.now();
        requireTables(a, aName, tables);
        requireTables(b, bName, tables);
        List<ComparedTable> compared = new ArrayList<>();
        Map<EntityName, String> names = new LinkedHashMap<>();
        for (String t : tables) {
            boolean byPlace = a.keyedByPlace(EntityName.of(t)) || b.keyedByPlace(EntityName.of(t));
            compared.add(byPlace ? ComparedTable.asStoredByContent(t) : ComparedTable.asStored(t));
            names.put(EntityName.of(t), t);
        }
        Map<String, Long> estimates = new LinkedHashMap<>();
        a.quickEstimates().ifPresent(infos -> infos.forEach(e -> {
            if (names.containsKey(e.name())) estimates.put(e.name().value(), e.estimatedCount());
        }));
        StreamedComparison.Result r = new StreamedComparison(compared, new ComparableValues(new Plan.VerifyRules("nanos", 0)),
                new StreamedComparison.Options(options.sample(), options.seed(), options.rowsPerRound()), progress)
                .compare(SourceFeed.asStored(aName, a, names, options.parallelism()),
                        SourceFeed.asStored(bName, b, names, options.parallelism()), estimates, log);
        return new VerifyResult(r.verdicts(), r.refused(), log.count(), log.kept(), log.file(), Duration.between(started, Instant.now()));
    }

    /**
     * Why two sides cannot be compared by digests computed inside the databases, or empty when they
     * can: they compute digests alike (the same dialect), hold every table, key each the same way and
     * store the same columns with the same types.
     */
    public static Optional<String> pushdownRefusal(Digests a, Digests b, List<String> tables) {
        // each side's probe and catalog are read while the other's are: a cold start's round trips overlap
        java.util.concurrent.CompletableFuture<String> otherDialect = java.util.concurrent.CompletableFuture.supplyAsync(b::dialect);
        String dialect = a.dialect();
        if (!dialect.equals(RangeBisection.join(otherDialect))) {
            return Optional.of("the two sides compute digests differently (" + dialect + " and " + b.dialect() + ")");
        }
        for (String t : tables) {
            java.util.concurrent.CompletableFuture<Optional<TableShape>> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> b.table(t));
            Optional<TableShape> sa = a.table(t), sb = RangeBisection.join(other);
            if (sa.isEmpty() || sb.isEmpty()) return Optional.of("table " + t + " is not on both sides");
            if (!new java.util.HashSet<>(sa.get().columnNames()).equals(new java.util.HashSet<>(sb.get().columnNames()))) {
                return Optional.of("table " + t + " has other columns on each side (" + sa.get().columnNames() + " and " + sb.get().columnNames() + ")");
            }
            try {
                RangeBisection.checkComparable(sa.get(), sb.get(), sa.get().columnNames(), (x, y) -> a.holdsAlike(x, y) || a.holdsAlike(y, x));
            } catch (CutoverException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The named tables of two databases compared by range digests computed inside each (see
     * {@link RangeBisection}); check {@link #pushdownRefusal} first. Every column is compared.
     */
    public static VerifyResult pushdownTables(Digests a, Digests b, List<String> tables, Options options,
                                              VerifyProgress progress, DifferenceLog log) {
        Instant started = Instant.now();
        RangeBisection.Options bisection = RangeBisection.Options.defaults().sampled(options.sample(), options.seed());
        List<TableVerdict> verdicts = new ArrayList<>();
        for (String t : tables) {
            List<String> columns = a.table(t).orElseThrow().columnNames();
            progress.tableStarted(t, a.estimatedRows(t));
            TableVerdict v = new RangeBisection(a, b, bisection, progress).compare(t, t, columns, log);
            progress.tableDone(v);
            verdicts.add(v);
        }
        return new VerifyResult(verdicts, Map.of(), log.count(), log.kept(), log.file(), Duration.between(started, Instant.now()));
    }

    /**
     * A plan's tables compared by range digests computed inside both databases, each source table
     * against its target table under the plan's renames (see {@link PlanPushdown}, which says when
     * this gives what {@link #plan} would).
     */
    public static VerifyResult pushdownPlan(Digests source, Digests target, List<PlanPushdown.Table> tables, Options options,
                                            VerifyProgress progress, DifferenceLog log) {
        Instant started = Instant.now();
        RangeBisection.Options bisection = RangeBisection.Options.defaults().sampled(options.sample(), options.seed());
        List<TableVerdict> verdicts = new ArrayList<>();
        for (PlanPushdown.Table t : tables) {
            progress.tableStarted(t.targetTable(), source.estimatedRows(t.sourceTable()));
            TableVerdict v = new RangeBisection(source, target, bisection, progress)
                    .compare(t.sourceTable(), t.sourceColumns(), t.targetTable(), t.targetColumns(), log);
            progress.tableDone(v);
            verdicts.add(v);
        }
        return new VerifyResult(verdicts, Map.of(), log.count(), log.kept(), log.file(), Duration.between(started, Instant.now()));
    }

    /** A table named for comparison that a side lacks is an error, not two empty tables found equal. */
    private static void requireTables(Source side, String name, List<String> tables) {
        java.util.Set<String> present = new java.util.TreeSet<>();
        side.entities().forEach(e -> present.add(e.name().value()));
        for (String t : tables) {
            if (!present.contains(t)) {
                throw new CutoverException(ErrorCode.PLAN_UNKNOWN_ENTITY, "there is no table " + t + " in " + name
                        + (present.isEmpty() ? " (it has none)" : "; it has: " + String.join(", ", present))
                        + (t.contains(".") ? ". Give the schema in the location (?schema=" + t.substring(0, t.indexOf('.')) + ") and the bare table name" : "")
                        + (tables.stream().anyMatch(n -> n.contains("/")) ? ". Documents become tables of other names through a plan (a restore makes one): compare through it, "
                        + "`cutover plan SOURCE TARGET -o plan.yaml` then `cutover verify plan.yaml`" : ""));
            }
        }
    }

    /** A source reads a database's tables by bare name, in the schema its location names. */
    static String storedName(String table) {
        int dot = table.lastIndexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }
}
