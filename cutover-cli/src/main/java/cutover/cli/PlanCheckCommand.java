package cutover.cli;

import cutover.analyze.Schema;
import cutover.connector.Connector;
import cutover.connector.Sink;
import cutover.plan.PlanMapper;
import cutover.plan.PlanChecker;
import cutover.plan.PlanFile;
import cutover.plan.PlanProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Checks a (hand-edited) plan against its source and target; every problem with its line number. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a plan against its source (analyzed again: fields must exist) and its target (existing tables must fit).", "", "Prints every problem as FILE:LINE: message. Exit 3 on errors."})
final class PlanCheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file.")
    Path planFile;

    @Option(names = "--no-source", description = "Do not read the source (faster; fields are then not checked).")
    boolean noSource;

    @Option(names = "--no-target", description = "Do not connect to the target.")
    boolean noTarget;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "Splits analyzed at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Mixin OutputOptions output;

    @Override
    public Integer call() {
        PlanFile file = PlanFile.load(planFile);
        // the tables the plan leaves out are not read, as migrate reads them not
        Schema schema = noSource ? null : AnalyzeCommand.analyze(file.plan().source(), parallel, output.showProgress(),
                MigrateCommand.takes(file.plan()).negate());
        List<PlanProblem> problems;
        if (noTarget) {
            problems = PlanChecker.check(file, schema, null);
        } else {
            try (Connector connector = Endpoints.openTarget(file.plan().target())) {
                Sink sink = Endpoints.require(connector, Sink.class);
                cutover.connector.TargetInfo target = sink.describe();
                problems = new ArrayList<>(PlanChecker.check(file, schema, target));
                if (problems.stream().noneMatch(PlanProblem::isError)) problems.addAll(notReady(file, sink, target, planFile, !noSource));
            }
        }
        long errors = problems.stream().filter(PlanProblem::isError).count();
        if (output.json) {
            System.out.println(Json.write(Json.fields("plan", planFile.toString(), "errors", errors,
                    "problems", problems.stream().map(p -> Json.fields("line", p.line(), "severity", p.severity().toString().toLowerCase(java.util.Locale.ROOT),
                            "message", p.message())).toList())));
        } else {
            problems.forEach(p -> System.out.println(p));
            if (output.showSummary()) {
                System.out.println(errors == 0 ? planFile + ": ok" + (problems.isEmpty() ? "" : " (" + Counted.of(problems.size(), "warning") + ")")
                        : planFile + ": " + errors + " problem" + (errors == 1 ? "" : "s") + "; fix them and check again");
            }
        }
        return errors == 0 ? 0 : cutover.error.ErrorCode.PLAN_INVALID.exitCode();
    }

    /**
     * What the migration's first step would find wrong with the target's existing tables (a column
     * of another type, a NOT NULL the plan leaves empty, no unique key on the plan's key), asked of
     * the sink as migrate asks it, in a transaction rolled back: each at the line of the entity
     * whose table it names.
     */
    private static List<PlanProblem> notReady(PlanFile file, Sink sink, cutover.connector.TargetInfo target, Path planFile, boolean readSource) {
        var plan = file.plan();
        // the tables without a key, and those mapped as they are, are made as the source defines them, as migrate makes them
        Map<String, cutover.model.NativeDefinition> definitions = Map.of();
        List<PlanProblem> out = new ArrayList<>();
        if (readSource) {
            try (Connector source = Endpoints.openSource(plan.source())) {
                cutover.connector.Source reading = Endpoints.require(source, cutover.connector.Source.class);
                // as migrate does by default: from a database, the target's triggers and INSERT rules stay quiet
                if (reading instanceof cutover.connector.CopyTextSource) sink.keepTriggersQuiet();
                TablesAsDefined.Definitions found = TablesAsDefined.find(plan, reading, sink, target);
                definitions = found.byTable();
                for (int i = 0; i < plan.entities().size(); i++) {
                    String why = found.fromPlanTypes().get(plan.entities().get(i).table());
                    if (why != null) {
                        out.add(new PlanProblem(file.fileName(), file.lineOf("/entities/" + i + "/table"), PlanProblem.Severity.WARNING, why));
                    }
                }
            } catch (cutover.error.CutoverException e) {
                if (e.code() != cutover.error.ErrorCode.PLAN_INVALID) throw e;
                return List.of(new PlanProblem(file.fileName(), 0, e.getMessage()));
            }
        }
        String runId;
        try {
            runId = MigrateCommand.runId(plan.source(), plan.target(), java.nio.file.Files.readString(planFile));
        } catch (java.io.IOException e) {
            throw new cutover.error.CutoverException(cutover.error.ErrorCode.PLAN_INVALID, "cannot read " + planFile + ": " + e.getMessage(), e);
        }
        for (String problem : sink.wouldPrepare(runId, PlanMapper.of(plan, definitions).tables(), plan.options().createTables())) {
            int line = 0;
            for (int i = 0; i < plan.entities().size(); i++) {
                String table = plan.entities().get(i).table();
                if (table != null && problem.contains(table)) {
                    line = file.lineOf("/entities/" + i + "/table");
                    break;
                }
            }
            out.add(new PlanProblem(file.fileName(), line, "the target is not ready for the plan: " + problem));
        }
        return out;
    }
}
