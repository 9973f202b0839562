package cutover.cli;

import cutover.analyze.AnalyzeOptions;
import cutover.analyze.AnalyzeResult;
import cutover.analyze.Analyzer;
import cutover.analyze.Schema;
import cutover.analyze.SchemaJson;
import cutover.analyze.SchemaReport;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Source;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;
import cutover.model.EntityName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reads a whole source and reports what is in it: counts, sizes, field kinds, conflicts, references. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Reports what a source holds: collections or tables, fields, types, conflicts, references.", "", "Reads every record and reports, per collection or table: counts, sizes, every field with its value kinds and how often each occurs, type conflicts, missing and null rates, references and how many point nowhere, subcollections."})
final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "The source location, e.g. firestore-export:./export.json")
    String source;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as Markdown to FILE.")
    Path report;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "Splits read at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException {
        Instant started = Instant.now();
        AnalyzeResult result = analyzeWithNotes(source, parallel, output.showProgress(), entity -> false);
        Schema schema = result.schema();
        if (output.json) {
            OutputStream out = System.out;
            SchemaJson.write(result, out);
            System.out.println();
            System.out.flush();
        }
        String md = SchemaReport.markdown(result);
        if (output.showSummary()) System.out.print(md);
        if (report != null) Files.writeString(report, md);
        Map<String, Object> details = new LinkedHashMap<>();
        schema.entities().forEach(e -> details.put(e.name().value(), e.count()));
        new Journal(state.state).append(new JournalEntry(started, "analyze", null, JournalEntry.SUCCEEDED,
                Location.redact(source), null, java.time.Duration.between(started, Instant.now()).toMillis(), details, List.of(), null));
        return 0;
    }

    /** Analyzes a source with progress lines per entity; shared with {@code plan} and the demo. */
    static Schema analyze(String location, int parallelism, boolean progress) {
        return analyzeWithNotes(location, parallelism, progress, entity -> false).schema();
    }

    /** The source's schema, the entities {@code leftOut} names not read (see {@link cutover.analyze.Analyzer}). */
    static Schema analyze(String location, int parallelism, boolean progress, java.util.function.Predicate<EntityName> leftOut) {
        return analyzeWithNotes(location, parallelism, progress, leftOut).schema();
    }

    static AnalyzeResult analyzeWithNotes(String location, int parallelism, boolean progress, java.util.function.Predicate<EntityName> leftOut) {
        try (Connector connector = Endpoints.openSource(location, parallelism + 1)) {
            Source source = Endpoints.require(connector, Source.class);
            Map<String, ProgressDisplay.Line> lines = new ConcurrentHashMap<>();
            try (ProgressDisplay display = ProgressDisplay.start(progress, "records", () -> new java.util.TreeMap<>(lines))) {
                return new Analyzer(AnalyzeOptions.DEFAULTS.withParallelism(parallelism))
                        .analyzeWithNotes(Location.redact(location), source,
                                (EntityName entity, long seen, long expected) -> lines.put(entity.value(), new ProgressDisplay.Line(seen, expected)), leftOut);
            }
        }
    }
}
