package cutover.cli;

import cutover.analyze.EntitySchema;
import cutover.analyze.Schema;
import cutover.analyze.SchemaReport;
import cutover.cli.demo.SampleApp;
import cutover.connector.Connector;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.firebase.FirestoreExportWriter;
import cutover.migrate.MigrateResult;
import cutover.migrate.MigrationProgress;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanGenerator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole flow on a generated FlutterFlow-style app: export → analyze → plan → migrate → counts
 * check, into a PostgreSQL that needs no install (embedded, from Maven Central).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole flow on a generated FlutterFlow-style app, nothing to set up.", "", "Generates a FlutterFlow-style Firestore export (users, posts with comments, chats with messages, orders referencing users; with the usual flaws: a field that is sometimes a string, dangling references, a NUL in a name), then runs analyze, plan, migrate and a counts check into an embedded PostgreSQL, and says where to look next."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--users", paramLabel = "N", defaultValue = "2000", description = "Users to generate; about 12 documents each (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--generate-only", paramLabel = "FILE", description = "Only write the sample export to FILE and stop.")
    Path generateOnly;

    @Option(names = "--target", paramLabel = "URL",
            description = "Migrate into this PostgreSQL instead of the embedded one (its tables are replaced).")
    String target;

    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException, SQLException {
        if (generateOnly != null) {
            long n = writeExport(generateOnly);
            System.out.printf(java.util.Locale.ROOT, "wrote %,d documents (%d users) to %s%n", n, users, generateOnly);
            return 0;
        }
        Path dir = state.state.resolve("demo");
        Files.createDirectories(dir);
        Path export = dir.resolve("export.json");
        long documents = writeExport(export);
        System.out.printf(java.util.Locale.ROOT, "1. generated a FlutterFlow-style export: %,d documents in %s%n", documents, export);

        String source = "firestore-export:" + export;
        Schema schema = AnalyzeCommand.analyze(source, 2, true);
        Files.writeString(dir.resolve("analysis.md"), SchemaReport.markdown(schema));
        System.out.println("2. analyzed it: " + schema.entities().size() + " collections; report in " + dir.resolve("analysis.md"));
        schema.entities().forEach(e -> e.fields().stream().filter(f -> f.hasConflict()).forEach(f ->
                System.out.println("   conflict: " + e.name() + "." + String.join(".", f.path()) + " holds " + f.kinds())));

        try (DemoDatabase db = DemoDatabase.start(target)) {
            TargetInfo info = PlanCommand.describeTarget(db.location());
            Plan plan = PlanGenerator.generate(schema, source, db.location(), info);
            Path planFile = dir.resolve("plan.yaml");
            Files.writeString(planFile, PlanFile.write(plan));
            System.out.println("3. wrote the plan: " + cutover.plan.PlanMapper.of(plan).tables().size() + " tables, " + planFile);

            System.out.println("4. migrating into " + db.description());
            MigrateCommand migrate = new MigrateCommand();
            migrate.planFile = planFile;
            migrate.restart = true;
            migrate.output = new OutputOptions();
            migrate.state = state;
            migrate.backup.repo = dir.resolve("backups");
            migrate.backup.passwordFile = demoPassphrase(dir.resolve("backup-passphrase"));
            MigrateResult result = migrate.runPlan();

            System.out.println("5. counts check (source documents, rows in the target, set aside):");
            boolean allMatch = countsCheck(schema, plan, result, db);
            System.out.println();
            System.out.println(allMatch ? "Every document is in the target or in the dead-letter file, with its reason."
                    : "COUNTS DIFFER: see above.");
            System.out.println("Where to look next:");
            System.out.println("  " + dir.resolve("analysis.md") + "   what analyze found (conflicts, dangling references)");
            System.out.println("  " + planFile + "   the plan you would review and edit");
            if (result.totals().deadLettered() > 0) System.out.println("  " + result.deadLetterFile() + "   the records set aside, each with its reason");
            System.out.println("  ./cutover report --state " + state.state + "   the journal of what ran");
            System.out.println("  ./cutover verify " + planFile + " --state " + state.state + "   every row of the target against the source, through the plan");
            System.out.println("  ./cutover snapshots --repo " + dir.resolve("backups") + " --password-file " + dir.resolve("backup-passphrase")
                    + "   the rollback points migrate took");
            System.out.println("  ./cutover analyze firestore-export:YOUR_EXPORT.json   the same on your own export");
            if (!allMatch) throw new CutoverException(ErrorCode.INTERNAL, "the demo's counts check failed");
            return 0;
        }
    }

    /** The demo's rollback points need a passphrase and nobody to type it: a random one, kept in a file only its owner reads. */
    private static Path demoPassphrase(Path file) throws IOException {
        if (Files.exists(file)) return file;
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        Files.writeString(file, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file stays with the folder's permissions
        }
        return file;
    }

    private long writeExport(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        long n = 0;
        try (FirestoreExportWriter writer = FirestoreExportWriter.create(file)) {
            for (Record r : new SampleApp(users, seed)) {
                writer.write(r);
                n++;
            }
        }
        return n;
    }

    /** Compares, per collection, the documents analyzed, the rows read back from the target and those set aside. */
    private static boolean countsCheck(Schema schema, Plan plan, MigrateResult result, DemoDatabase db) {
        Map<String, Long> rowsByTable = rowsInTarget(db.location());
        boolean ok = true;
        System.out.printf("   %-22s %-16s %10s %10s %10s%n", "collection", "table", "documents", "rows", "set aside");
        for (EntitySchema e : schema.entities()) {
            EntityMapping m = plan.entity(e.name().value()).orElse(null);
            if (m == null || m.skip()) continue;
            long rows = rowsByTable.getOrDefault(EntityName.of(m.table()).leaf(), 0L);
            MigrationProgress.Snapshot s = result.thisAttempt().get(e.name());
            long aside = s == null ? 0 : s.deadLettered();
            boolean match = rows + aside == e.count() && s != null && s.written() == rows;
            ok &= match;
            System.out.printf(java.util.Locale.ROOT, "   %-22s %-16s %,10d %,10d %,10d  %s%n", e.name(), m.table(), e.count(), rows, aside, match ? "ok" : "MISMATCH");
        }
        return ok;
    }

    /** Rows per table, read back through the target's own connector (the demo's tables are small). */
    private static Map<String, Long> rowsInTarget(String location) {
        Map<String, Long> rows = new HashMap<>();
        try (Connector connector = Endpoints.openTarget(location)) {
            Source target = Endpoints.require(connector, Source.class);
            for (Split split : target.splits(1)) {
                try (RecordReader reader = target.read(split, Position.START)) {
                    for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                        if (item instanceof RecordReader.Ok ok) rows.merge(ok.record().entity().leaf(), 1L, Long::sum);
                    }
                }
            }
        }
        return rows;
    }

    /** The demo's PostgreSQL: the one given, or an embedded one, or (as root, which PostgreSQL refuses) the local server. */
    private static final class DemoDatabase implements AutoCloseable {
        private final EmbeddedPostgres embedded;
        private final String location;
        private final String description;

        private DemoDatabase(EmbeddedPostgres embedded, String location, String description) {
            this.embedded = embedded;
            this.location = location;
            this.description = description;
        }

        static DemoDatabase start(String given) throws IOException, SQLException {
            if (given != null) {
                return new DemoDatabase(null, given, cutover.connector.Location.redact(given));
            }
            if ("root".equals(System.getProperty("user.name"))) {
                // initdb refuses to run as root, so the embedded server cannot start; use the local one.
                String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
                try (Connection c = DriverManager.getConnection(admin, "postgres", ""); Statement st = c.createStatement()) {
                    st.execute("drop database if exists cutover_demo with (force)");
                    st.execute("create database cutover_demo");
                } catch (SQLException e) {
                    throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "running as root, where PostgreSQL's initdb refuses to start an"
                            + " embedded server, and no PostgreSQL answers on 127.0.0.1:5432 (" + e.getMessage() + "). Run the demo as an"
                            + " ordinary user, start one with scripts/test-servers.sh, or give --target postgresql://...", e);
                }
                return new DemoDatabase(null, "postgresql://postgres@127.0.0.1:5432/cutover_demo",
                        "the local PostgreSQL, database cutover_demo (running as root: no embedded server)");
            }
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            String location = "postgresql://postgres@localhost:" + pg.getPort() + "/postgres";
            return new DemoDatabase(pg, location, "an embedded PostgreSQL on port " + pg.getPort());
        }

        String location() { return location; }
        String description() { return description; }

        @Override
        public void close() throws IOException {
            if (embedded != null) embedded.close();
        }
    }
}
