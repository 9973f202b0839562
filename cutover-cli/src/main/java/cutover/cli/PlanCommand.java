package cutover.cli;

import cutover.analyze.Schema;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Sink;
import cutover.connector.TargetInfo;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes an editable plan from an analysis of the source and a look at the target. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        subcommands = PlanCheckCommand.class,
        description = {"Writes an editable migration plan (YAML) from the source and the target.", "", "Analyzes the source, looks at the target, and writes the plan: one table per collection, a child table per subcollection with a foreign key to its parent, column types, conflict rules, references as foreign keys. Review it, edit it, check it with `plan check`. On a Supabase target every new table gets row level security with no policies (closed)."})
final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "The source location, e.g. firestore-export:./export.json")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET", description = "The target location, e.g. postgresql://postgres@127.0.0.1:5432/app")
    String target;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "plan.yaml", description = "Where to write the plan (default: ${DEFAULT-VALUE}).")
    Path planFile;

    @Option(names = "--force", description = "Overwrite an existing plan file.")
    boolean force;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "Splits analyzed at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Mixin OutputOptions output;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (source == null || target == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required parameters: SOURCE and TARGET (or use `plan check PLAN`)");
        }
        if (Files.exists(planFile) && !force) {
            throw new cutover.error.CutoverException(cutover.error.ErrorCode.USAGE,
                    planFile + " exists; it may hold your edits. Give another -o FILE, or --force to overwrite it.");
        }
        Schema schema = AnalyzeCommand.analyze(source, parallel, output.showProgress());
        Plan plan;
        TargetInfo targetInfo;
        try (Connector sourceConnector = Endpoints.openSource(source); Connector targetConnector = Endpoints.openTarget(target)) {
            Sink sink = Endpoints.require(targetConnector, Sink.class);
            targetInfo = sink.describe();
            // A plan is reviewed and shared: a password in a location stays out of it (given again by environment).
            plan = PlanGenerator.generate(schema, Location.withoutSecrets(source), Location.withoutSecrets(target), targetInfo);
            plan = TablesAsDefined.of(plan, schema, Endpoints.require(sourceConnector, cutover.connector.Source.class), sink);
        }
        String yaml = PlanFile.write(plan);
        Path parent = planFile.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(planFile, yaml);
        if (output.json) {
            System.out.println(Json.write(Json.fields("plan", planFile.toString(), "tables", cutover.plan.PlanMapper.of(plan).tables().size(), "supabase", targetInfo.supabase())));
        } else if (output.showSummary()) {
            System.out.println("wrote " + planFile + ": " + cutover.plan.PlanMapper.of(plan).tables().size() + " tables from " + Counted.of(schema.entities().size(), "entity", "entities")
                    + " of the source");
            if (Location.hasSecrets(source) || Location.hasSecrets(target)) {
                System.out.println("the plan holds no password: give it to migrate as CUTOVER_SOURCE_PASSWORD / CUTOVER_TARGET_PASSWORD");
            }
            if (targetInfo.supabase()) {
                System.out.println("the target is Supabase: every table Cutover creates gets row level security enabled with no policies");
                System.out.println("(closed to the anon and authenticated roles until you write policies); see rowLevelSecurity in the plan.");
            }
            System.out.println("next: review and edit it, then `cutover plan check " + planFile + "` and `cutover migrate " + planFile + "`");
        }
        return 0;
    }

    static TargetInfo describeTarget(String target) {
        try (Connector connector = Endpoints.openTarget(target)) {
            return Endpoints.require(connector, Sink.class).describe();
        }
    }
}
