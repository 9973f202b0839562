package cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.analyze.AnalyzeOptions;
import cutover.analyze.Analyzer;
import cutover.analyze.AnalyzeListener;
import cutover.analyze.Schema;
import cutover.cli.demo.SampleApp;
import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.firebase.FirestoreExportWriter;
import cutover.migrate.RowMapper;
import cutover.model.Record;
import cutover.model.Table;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanGenerator;
import cutover.plan.PlanMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spine's promise, tested the hard way: a migrate of about 200,000 documents into the real
 * PostgreSQL is killed with SIGKILL at random moments, several times, then run to its end. The
 * target must then equal the source passed through the plan, row for row (by order-independent
 * digests of canonical encodings), and every record the plan or the target refuses must be in the
 * dead-letter file exactly once.
 */
class CrashResumeIT {
    private static final String DB = "cutover_it_crash";
    private static final String TARGET = LocalPostgres.location(DB);

    @TempDir static Path dir;

    @BeforeAll
    static void database() throws Exception {
        LocalPostgres.recreate(DB);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        LocalPostgres.drop(DB);
    }

    @Test
    void killedAtRandomMomentsTheTargetStillEqualsTheSource() throws Exception {
        Path export = dir.resolve("export.json");
        long documents = 0;
        try (FirestoreExportWriter w = FirestoreExportWriter.create(export)) {
            for (Record r : new SampleApp(16_500, 7)) {
                w.write(r);
                documents++;
            }
        }
        assertThat(documents).isGreaterThanOrEqualTo(200_000);
        String source = "firestore-export:" + export;
        Connectors connectors = Connectors.discover();

        Plan plan;
        try (Connector s = connectors.open(source); Connector t = connectors.open(TARGET)) {
            Schema schema = new Analyzer(AnalyzeOptions.DEFAULTS).analyze(source, Connectors.require(s, Source.class), AnalyzeListener.NONE);
            plan = PlanGenerator.generate(schema, source, TARGET, Connectors.require(t, Sink.class).describe());
        }
        Path planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, PlanFile.write(plan));
        Path state = dir.resolve("state");

        SplittableRandom random = new SplittableRandom(2026);
        int killedMidRun = 0;
        long lastOrdinal = 0;
        int advanced = 0;
        for (int attempt = 0; attempt < 12 && killedMidRun < 4; attempt++) {
            Process p = migrate(planFile, state, dir.resolve("attempt-" + attempt + ".log"));
            // killed at a random moment after the run committed a batch of its own: a fixed time from the start
            // was, on a loaded machine, sometimes before any commit (the JVM, the plan, the tables), so nothing resumed
            if (!committedBeyond(lastOrdinal, p)) break; // it ended without committing more: nothing left to interrupt
            if (p.waitFor(random.nextInt(700), TimeUnit.MILLISECONDS)) break; // it finished
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            p.waitFor();
            long[] committed = committedPosition();
            if (committed[1] == 1) break; // killed after its last commit: the run was done
            killedMidRun++;
            if (committed[0] > lastOrdinal) advanced++;
            lastOrdinal = committed[0];
        }
        assertThat(killedMidRun).as("runs killed in the middle of the migration").isGreaterThanOrEqualTo(3);
        assertThat(advanced).as("kills that came after some batches had committed").isPositive();

        Path log = dir.resolve("final.log");
        Process last = migrate(planFile, state, log);
        assertThat(last.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(last.exitValue()).as(output).isIn(0, 1);
        JsonNode summary = new ObjectMapper().readTree(output.substring(output.indexOf('{')));
        JsonNode totals = summary.get("totals");
        assertThat(totals.get("read").asLong()).isEqualTo(documents);
        assertThat(totals.get("written").asLong() + totals.get("deadLettered").asLong() + totals.get("skipped").asLong()).isEqualTo(documents);
        long readByLastRun = 0;
        for (JsonNode e : summary.get("details").get("thisAttempt")) readByLastRun += e.get("read").asLong();
        assertThat(summary.get("details").get("splitsResumed").asInt() + summary.get("details").get("splitsAlreadyDone").asInt())
                .as("the last run went on from the checkpoints of the killed ones; its summary: %s; checkpoints before it: %s", summary.get("details"), java.util.Arrays.toString(committedPosition())).isPositive();
        assertThat(readByLastRun).as("the last run read only what the killed runs had not committed").isLessThan(documents);

        // What the target should hold: the source through the plan, minus what the plan or the target refuses.
        RowMapper mapper = PlanMapper.of(plan);
        Map<String, Table> tables = new HashMap<>();
        mapper.tables().forEach(t -> tables.put(t.name(), t));
        Map<String, TargetDigest> expected = new HashMap<>();
        Set<String> expectedDeadLetters = new HashSet<>();
        try (Connector s = connectors.open(source); Connector t = connectors.open(TARGET)) {
            Source src = Connectors.require(s, Source.class);
            Sink sink = Connectors.require(t, Sink.class);
            for (Split split : src.splits(2)) {
                try (RecordReader reader = src.read(split, Position.START)) {
                    for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                        if (item instanceof RecordReader.Unreadable u) {
                            expectedDeadLetters.add(u.entity() + "|" + u.key());
                            continue;
                        }
                        Record record = ((RecordReader.Ok) item).record();
                        RowMapper.Mapped m = mapper.map(record);
                        if (m instanceof RowMapper.Failed) {
                            expectedDeadLetters.add(record.entity() + "|" + record.key());
                        } else if (m instanceof RowMapper.Rows rows) {
                            boolean refused = rows.rows().stream().anyMatch(r -> sink.check(tables.get(r.entity().value()), r).isPresent());
                            if (refused) {
                                expectedDeadLetters.add(record.entity() + "|" + record.key());
                            } else {
                                rows.rows().forEach(r -> expected.computeIfAbsent(r.entity().value(), k -> new TargetDigest()).add(tables.get(r.entity().value()), r));
                            }
                        }
                    }
                }
            }
        }
        assertThat(expectedDeadLetters).as("the sample has records the target refuses (a NUL in a name)").isNotEmpty();

        // What the target holds, read back through the PostgreSQL source.
        Map<String, TargetDigest> actual = new HashMap<>();
        try (Connector t = connectors.open(TARGET)) {
            Source target = Connectors.require(t, Source.class);
            for (Split split : target.splits(1)) {
                try (RecordReader reader = target.read(split, Position.START)) {
                    for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                        Record row = ((RecordReader.Ok) item).record();
                        Table table = tableOf(tables, row.entity().leaf());
                        if (table == null) continue; // not a table of the plan
                        actual.computeIfAbsent(table.name(), k -> new TargetDigest()).add(table, row);
                    }
                }
            }
        }
        for (String table : tables.keySet()) {
            assertThat(actual.get(table)).as("table " + table).isEqualTo(expected.get(table));
        }

        Set<String> deadLetters = new HashSet<>();
        List<String> lines;
        try (BufferedReader r = Files.newBufferedReader(Path.of(summary.get("details").get("deadLetterFile").asText()))) {
            lines = r.lines().toList();
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            String id = n.get("entity").asText() + "|" + n.get("key").asText();
            assertThat(deadLetters.add(id)).as("listed once: " + id).isTrue();
        }
        assertThat(deadLetters).isEqualTo(expectedDeadLetters);
        assertThat(totals.get("deadLettered").asLong()).isEqualTo(expectedDeadLetters.size());
    }

    /** Waits (up to two minutes) until the committed position passes {@code ordinal}; false when the process ends first. */
    private static boolean committedBeyond(long ordinal, Process p) throws Exception {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < until) {
            if (committedPosition()[0] > ordinal) return true;
            if (p.waitFor(50, TimeUnit.MILLISECONDS)) return false;
        }
        throw new AssertionError("the migration committed nothing past " + ordinal + " in two minutes");
    }

    /** The committed position summed over the splits, and 1 when every split is done (0 before any commit). */
    private static long[] committedPosition() throws Exception {
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("select to_regclass('cutover.checkpoints') is not null")) {
                rs.next();
                if (!rs.getBoolean(1)) return new long[] {0, 0};
            }
            try (var rs = st.executeQuery("select coalesce(sum(position_ordinal), 0), coalesce(bool_and(done), false) from cutover.checkpoints")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0};
            }
        }
    }

    private static Table tableOf(Map<String, Table> tables, String leaf) {
        for (Table t : tables.values()) {
            String name = t.name().contains(".") ? t.name().substring(t.name().lastIndexOf('.') + 1) : t.name();
            if (name.equals(leaf)) return t;
        }
        return null;
    }

    private static Process migrate(Path plan, Path state, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "cutover.cli.Main",
                "migrate", plan.toString(), "--no-backup", "--state", state.toString(), "--json", "--batch-size", "2000")
                .redirectErrorStream(false)
                .redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.resolveSibling(log.getFileName() + ".err").toFile()))
                .start();
    }
}
