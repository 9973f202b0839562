package cutover.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Parallelism;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanMapper;
import cutover.verify.Difference;
import cutover.verify.DifferenceLog;
import cutover.verify.Digests;
import cutover.verify.PlanPushdown;
import cutover.verify.TableVerdict;
import cutover.verify.Verifier;
import cutover.verify.VerifyProgress;
import cutover.verify.VerifyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Proves the target equals the source, and names every difference.", "",
                "With a plan: the source is read and mapped through the plan, the plan's tables are read back from the target, and"
                        + " both are compared by counts, digests and row by row (timestamps and doubles by the plan's verify rules);"
                        + " where the plan copies a database's columns as they are, the digests are computed inside both databases instead.",
                "With two locations: the same tables of both are compared as they are stored.", "",
                "Every difference is written to the differences file (one JSON object per line); the terminal shows the first"
                        + " ones, --json all of them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:equal", "1:differences found", "2:could not compare (the message says why: plan, source, target, state)"})
final class VerifyCommand implements Callable<Integer> {
    static final int EQUAL = 0, DIFFERENT = 1, ERROR = 2;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Parameters(arity = "1..2", paramLabel = "PLAN | A B",
            description = "A plan file (from `cutover plan`), or two locations (postgresql://…, sqlite:…, firestore-export:…).")
    List<String> what;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE",
            description = "With two locations: the tables (entities) to compare, in the schema the location names (default: every one of the first).")
    List<String> tables;

    enum Method { auto, pushdown, streamed }

    @Option(names = "--method", paramLabel = "M", defaultValue = "auto",
            description = "pushdown (digests of key ranges computed inside both databases), streamed (rows read and hashed by Cutover),"
                    + " or auto: pushdown when both sides can (with a plan, when each of its tables copies a source table's columns as they are,"
                    + " at most renamed), else streamed (default: ${DEFAULT-VALUE}).")
    Method method;

    @Option(names = "--sample", paramLabel = "P%",
            description = "Compare only this share of the key space, chosen at random (e.g. 1%%): a quick check of huge tables. Counts then cover the sample.")
    String sample;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Picks the sample; one seed, the same keys (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--differences", paramLabel = "FILE",
            description = "Where every difference is written (default: <state>/runs/<verify id>/differences.ndjson).")
    Path differencesFile;

    @Option(names = "--show", paramLabel = "N", defaultValue = "20", description = "Differences shown on the terminal (default: ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--parallel", paramLabel = "N", description = "Readers per side (default: the number of cores, at least 2).")
    Integer parallel;

    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException {
        return run().equal() ? EQUAL : DIFFERENT;
    }

    /** Verifies what the arguments name, records it in the journal and prints the outcome; migrate --verify calls it too. */
    VerifyResult run() throws IOException {
        Instant started = Instant.now();
        String id = "v-" + ID_TIME.format(started) + "-" + Long.toHexString(System.nanoTime() & 0xFFFF);
        Path file = differencesFile != null ? differencesFile : state.state.resolve("runs").resolve(id).resolve("differences.ndjson");
        boolean withPlan = what.size() == 1;
        String a, b;
        Plan plan = null;
        if (withPlan) {
            plan = PlanFile.load(Path.of(what.get(0))).plan();
            a = plan.source();
            b = plan.target();
        } else {
            a = withSchemaOf(what.get(0));
            b = withSchemaOf(what.get(1));
        }
        int readers = parallel != null ? parallel : Parallelism.DEFAULT;
        if (readers < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "--parallel must be at least 1, found " + readers);
        Verifier.Options options = new Verifier.Options(sampleFraction(), seed, readers, Verifier.Options.DEFAULTS.rowsPerRound());
        Progress progress = new Progress();
        // both sides connect on threads of their own while the journal's JSON is set up (~50 ms of a
        // cold start); a source that fails is still the error reported
        Endpoints.Opening openingTarget = Endpoints.openTargetBeside(b, readers + 1);
        Endpoints.Opening openingSource = Endpoints.openSourceBeside(a, readers + 1);
        Journal journal = new Journal(state.state);
        try (openingTarget; openingSource;
             Connector source = openingSource.take();
             Connector target = openingTarget.take();
             DifferenceLog log = new DifferenceLog(file, Math.max(show, 0));
             ProgressDisplay display = ProgressDisplay.start(output.showProgress(), "rows", progress::lines)) {
            Source sourceSide = Endpoints.require(source, Source.class);
            Source targetSide = Endpoints.require(target, Source.class);
            VerifyResult result;
            if (withPlan) {
                MigrateCommand.requireEntitiesInSource(plan, sourceSide);
                Optional<Digests> da = source.capability(Digests.class), db = target.capability(Digests.class);
                // the records the plan's migration set aside after mapping them (the target refused them, or their key was
                // another record's): not missing, but refused
                java.util.Set<String> setAside = cutover.migrate.DeadLetterFile.setAsideAfterMapping(deadLetterFile(plan, Path.of(what.get(0)), journal));
                PlanPushdown.Result pushdown = da.isEmpty() || db.isEmpty() || method == Method.streamed
                        ? new PlanPushdown.Result(List.of(), Optional.of("only databases that compute digests themselves can"))
                        : !setAside.isEmpty() ? new PlanPushdown.Result(List.of(), Optional.of("the migration set aside " + Counted.of(setAside.size(), "record")
                                + " after mapping them (refused by the target, or mapped onto another record's key), which only a comparison record by record leaves out"))
                        : PlanPushdown.of(plan, da.get(), db.get());
                if (method == Method.pushdown && pushdown.refusal().isPresent()) {
                    throw new CutoverException(ErrorCode.CAPABILITY_MISSING, "cannot compare by digests computed in the databases: "
                            + pushdown.refusal().get() + "; use --method streamed");
                }
                if (pushdown.refusal().isEmpty()) {
                    result = Verifier.pushdownPlan(da.get(), db.get(), pushdown.tables(), options, progress, log);
                } else {
                    if (method == Method.auto && da.isPresent() && db.isPresent()) streamedBecause(pushdown.refusal().get());
                    result = Verifier.plan(plan, PlanMapper.of(plan), sourceSide, targetSide, target.capability(Sink.class).orElse(null), setAside,
                            options, progress, log);
                }
            } else {
                Optional<Digests> da = source.capability(Digests.class), db = target.capability(Digests.class);
                // compared whole, a table one side lacks is a difference; one named with --tables must be on both, as must
                // documents' collections (they meet tables only through a plan, which the refusal names)
                cutover.verify.TablesOnOneSide sides = new cutover.verify.TablesOnOneSide(sourceSide, targetSide);
                if (sides.documentsAgainstTables()) {
                    throw new CutoverException(ErrorCode.USAGE, "one side holds documents and the other tables, which meet only through a plan (a"
                            + " document's id is no column, nor are its fields' names and kinds the table's): compare through it,"
                            + " `cutover plan SOURCE TARGET -o plan.yaml` then `cutover verify plan.yaml`");
                }
                boolean given = tables != null && !tables.isEmpty(), named = given || sides.ofDocuments();
                List<String> names = given ? tables.stream().map(VerifyCommand::bareName).toList() : named ? sides.source() : sides.both();
                // a table without a primary key has no key ranges to cut: its rows are matched by content, streamed
                List<String> byPlace = names.stream().filter(n -> sourceSide.keyedByPlace(cutover.model.EntityName.of(n)) || targetSide.keyedByPlace(cutover.model.EntityName.of(n))).toList();
                List<String> keyed = names.stream().filter(n -> !byPlace.contains(n)).toList();
                Optional<String> refusal = da.isEmpty() || db.isEmpty() ? Optional.of("only databases that compute digests themselves can")
                        : Verifier.pushdownRefusal(da.get(), db.get(), keyed);
                if (method == Method.pushdown && refusal.isPresent()) {
                    throw new CutoverException(ErrorCode.CAPABILITY_MISSING, "cannot compare by digests computed in the databases: "
                            + refusal.get() + "; use --method streamed");
                }
                if (method != Method.streamed && refusal.isEmpty() && !keyed.isEmpty()) {
                    result = Verifier.pushdownTables(da.get(), db.get(), keyed, options, progress, log);
                    if (!byPlace.isEmpty()) {
                        streamedBecause("tables without a primary key (" + String.join(", ", byPlace) + ") have no key ranges; their rows are matched by content");
                        result = result.and(Verifier.streamedTables(sourceSide, Location.redact(a), targetSide, Location.redact(b), byPlace,
                                options, progress, log));
                    }
                } else {
                    if (method == Method.auto) {
                        streamedBecause(refusal.orElse("the tables have no primary key (" + String.join(", ", byPlace)
                                + "), so no key ranges; their rows are matched by content"));
                    }
                    result = Verifier.streamedTables(sourceSide, Location.redact(a), targetSide, Location.redact(b), names, options, progress, log);
                }
                List<TableVerdict> oneSided = named ? List.of() : sides.verdicts(da, db);
                if (!oneSided.isEmpty()) {
                    result = result.and(new VerifyResult(oneSided, Map.of(), result.differences(), result.firstDifferences(),
                            result.differencesFile(), Duration.ZERO));
                }
            }
            display.close();
            log.close(); // flushed before the JSON output reads it back
            journal.append(new JournalEntry(started, "verify", id, result.equal() ? JournalEntry.SUCCEEDED : "differences",
                    Location.redact(a), Location.redact(b), Duration.between(started, Instant.now()).toMillis(), details(result, streamedBecause),
                    List.of(), null));
            print(id, result);
            return result;
        } catch (CutoverException e) {
            CutoverException said = Endpoints.asTargetWhereNamed(e, a, b);
            journal.append(JournalEntry.failed(started, "verify", id, Location.redact(a), Location.redact(b), said));
            throw said;
        }
    }

    /**
     * The dead-letter file of the migration that wrote the plan's target: the run of this plan's
     * text, or where the plan was edited since (its verify rules, say), the journal's latest migrate
     * from the same source into the same target.
     */
    private Path deadLetterFile(Plan plan, Path planFile, Journal journal) throws IOException {
        Path runs = state.state.resolve("runs");
        Path own = runs.resolve(MigrateCommand.runId(plan.source(), plan.target(), Files.readString(planFile))).resolve("dead-letter.ndjson");
        if (Files.exists(own)) return own;
        String source = Location.redact(plan.source()), target = Location.redact(plan.target());
        List<cutover.journal.JournalEntry> entries = journal.read();
        for (int i = entries.size() - 1; i >= 0; i--) {
            cutover.journal.JournalEntry e = entries.get(i);
            if (e.command().equals("migrate") && source.equals(e.source()) && target.equals(e.target()) && e.runId() != null) {
                return runs.resolve(e.runId()).resolve("dead-letter.ndjson");
            }
        }
        return own;
    }

    /**
     * {@code --tables public.orders}: a database location reads one schema, so the tables' schema
     * (one for all) goes into a location that names none, and the tables are compared by bare name.
     */
    private String withSchemaOf(String location) {
        if (tables == null) return location;
        java.util.Set<String> schemas = new java.util.TreeSet<>();
        for (String t : tables) if (t.contains(".")) schemas.add(t.substring(0, t.lastIndexOf('.')));
        if (schemas.isEmpty()) return location;
        if (schemas.size() > 1) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "--tables names tables of several schemas (" + String.join(", ", schemas)
                    + "); verify one schema at a time");
        }
        boolean database = location.startsWith("postgresql:") || location.startsWith("postgres:");
        if (!database || location.contains("schema=")) return location;
        return location + (location.contains("?") ? "&" : "?") + "schema=" + schemas.iterator().next();
    }

    private static String bareName(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    private double sampleFraction() {
        if (sample == null) return 1.0;
        String s = sample.strip();
        try {
            double v = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1).strip()) / 100 : Double.parseDouble(s);
            if (v > 0 && v <= 1) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CutoverException(ErrorCode.SETTING_INVALID, "--sample takes a share of the key space above 0 and at most 100% (\"1%\", \"0.01\"), found \"" + sample + "\"");
    }

    /** Why a comparison that could have been made by digests was streamed, when it was: said on the terminal and kept in the result. */
    private String streamedBecause;

    private void streamedBecause(String why) {
        streamedBecause = why;
        if (output.showSummary()) System.err.println("comparing by streaming the rows: " + why);
    }

    static Map<String, Object> details(VerifyResult r) { return details(r, null); }

    static Map<String, Object> details(VerifyResult r, String streamedBecause) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("equal", r.equal());
        d.put("differences", r.differences());
        // a table one side lacks has no row listed: named here, its verdict's method saying which side
        d.put("tablesOnOneSide", r.tables().stream().filter(TableVerdict::absentOnOneSide).map(TableVerdict::table).toList());
        d.put("differencesFile", r.differencesFile().toString());
        Map<String, Object> perTable = new TreeMap<>();
        for (TableVerdict v : r.tables()) perTable.put(v.table(), verdict(v));
        d.put("tables", perTable);
        if (!r.refused().isEmpty()) d.put("refusedBySource", new TreeMap<>(r.refused()));
        if (streamedBecause != null) d.put("streamedBecause", streamedBecause);
        return d;
    }

    private static Map<String, Object> verdict(TableVerdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", v.method());
        if (v.sampled() < 1) m.put("sampled", v.sampled());
        m.put("sourceCount", v.sourceCount());
        m.put("targetCount", v.targetCount());
        m.put("sourceDigest", v.sourceDigest());
        m.put("targetDigest", v.targetDigest());
        m.put("missing", v.missing());
        m.put("extra", v.extra());
        m.put("changed", v.changed());
        return m;
    }

    private void print(String id, VerifyResult r) throws IOException {
        if (output.json) {
            printJson(id, r, details(r, streamedBecause), System.out);
            return;
        }
        if (!output.showSummary()) return;
        System.out.printf(Locale.ROOT, "verify %s: %s  (%,d rows compared in %s)%n", id,
                r.equal() ? "equal" : r.differences() + " difference(s)" + absent(r), r.rowsCompared(), ReportCommand.human(r.duration()));
        for (TableVerdict v : r.tables()) {
            System.out.printf(Locale.ROOT, "  %-28s source %,12d  target %,12d  %s%s%n", v.table(), v.sourceCount(), v.targetCount(),
                    v.absentOnOneSide() ? "the table is " + v.method()
                    : v.equal() ? "equal (digest " + v.sourceDigest() + ")"
                            : String.format(Locale.ROOT, "%,d missing, %,d extra, %,d changed", v.missing(), v.extra(), v.changed()),
                    v.sampled() < 1 ? String.format(Locale.ROOT, "  [sample: %.2f%% of keys]", v.sampled() * 100) : "");
        }
        if (!r.refused().isEmpty()) {
            System.out.println("  source records the plan or the target refuses (a migration sets them aside in its dead-letter file):");
            new TreeMap<>(r.refused()).forEach((e, n) -> System.out.printf(Locale.ROOT, "    %-26s %,d%n", e, n));
        }
        for (Difference d : r.firstDifferences()) System.out.println("  " + DifferenceLog.describe(d));
        if (r.differences() > r.firstDifferences().size()) {
            System.out.printf(Locale.ROOT, "  … and %,d more%n", r.differences() - r.firstDifferences().size());
        }
        if (r.differences() > 0) System.out.println("every difference: " + r.differencesFile());
    }

    /** The tables one side lacks, as the headline adds them to the rows that differ. */
    private static String absent(VerifyResult r) {
        long n = r.tables().stream().filter(TableVerdict::absentOnOneSide).count();
        return n == 0 ? "" : " and " + n + (n == 1 ? " table" : " tables") + " on one side only";
    }

    /** The summary, then every difference, streamed from the differences file so the JSON is complete however long. */
    private static void printJson(String id, VerifyResult r, Map<String, Object> summary, PrintStream out) throws IOException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out);
        g.useDefaultPrettyPrinter(); // indented as the summary inside it, as every command's --json (its first line held four keys)
        g.writeStartObject();
        g.writeStringField("verifyId", id);
        g.writeBooleanField("equal", r.equal());
        g.writeNumberField("rowsCompared", r.rowsCompared());
        g.writeNumberField("durationMillis", r.duration().toMillis());
        g.writeFieldName("summary");
        Json.MAPPER.writeValue(g, summary);
        g.writeArrayFieldStart("differenceList");
        try (BufferedReader in = Files.newBufferedReader(r.differencesFile(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) if (!line.isBlank()) g.writeRawValue(line);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.println();
    }

    /** Rows compared per table, for the progress bars. */
    private static final class Progress implements VerifyProgress {
        private final Map<String, LongAdder> done = new ConcurrentHashMap<>();
        private final Map<String, Long> expected = new ConcurrentHashMap<>();

        @Override
        public void tableStarted(String table, long estimatedRows) {
            expected.put(table, estimatedRows);
            done.putIfAbsent(table, new LongAdder());
        }

        @Override
        public void rowsCompared(String table, long rows) {
            done.computeIfAbsent(table, t -> new LongAdder()).add(rows);
        }

        Map<String, ProgressDisplay.Line> lines() {
            Map<String, ProgressDisplay.Line> out = new TreeMap<>();
            done.forEach((t, n) -> out.put(t, new ProgressDisplay.Line(n.sum(), expected.getOrDefault(t, -1L))));
            return out;
        }
    }
}
