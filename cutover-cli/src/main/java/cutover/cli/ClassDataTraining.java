package cutover.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A short run of the commands a user runs, in a temporary folder, so that the JVM can write the
 * classes they load into a class-data-sharing archive (the launcher runs this once per build with
 * {@code -XX:ArchiveClassesAtExit}). Started with that archive, every later command skips most of
 * its class loading and verification: 0.5 s of a 1.7 s restore of a small table here
 * (bench/RESULTS.md). Loads the database connectors' classes too, without connecting anywhere.
 */
public final class ClassDataTraining {
    /** Classes of endpoints the round trip below does not open (no server is needed to load them). */
    private static final List<String> ALSO_LOAD = List.of(
            "org.postgresql.Driver", "org.postgresql.core.v3.QueryExecutorImpl", "org.postgresql.copy.CopyManager",
            "com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.pool.HikariPool",
            "cutover.postgres.PostgresSource", "cutover.postgres.PostgresSink", "cutover.postgres.PostgresWriter",
            "cutover.postgres.PostgresReader", "cutover.postgres.PostgresDigests", "cutover.postgres.PgCopyText",
            "cutover.migrate.BulkCopy", "cutover.verify.Digests");

    private ClassDataTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cutover-cds-");
        PrintStream out = System.out, err = System.err;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            roundTrip(dir);
            for (String name : ALSO_LOAD) {
                try {
                    Class.forName(name, false, ClassDataTraining.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // a class renamed since: the archive just lacks it
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A table backed up, listed, checked and restored, then compared: the commands' common paths. */
    private static void roundTrip(Path dir) throws IOException, SQLException {
        Path source = dir.resolve("source.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("create table items (id integer primary key, name text, price real, data blob)");
            s.execute("insert into items values (1, 'one', 1.5, x'00ff'), (2, 'two', null, null)");
        }
        Path password = dir.resolve("password");
        Files.writeString(password, "class data training\n");
        String repo = dir.resolve("repo").toString(), state = dir.resolve("state").toString();
        String[] access = {"--repo", repo, "--password-file", password.toString()};
        run(access, "backup", "init");
        run(access, "backup", "sqlite:" + source, "--state", state, "--json");
        run(access, "snapshots", "--json");
        run(access, "backup", "check", "--read-data");
        run(access, "restore", "latest", "sqlite:" + dir.resolve("restored.db"), "--state", state, "--json");
        Main.run("analyze", "sqlite:" + source, "--state", state, "--json");
        Main.run("verify", "sqlite:" + source, "sqlite:" + dir.resolve("restored.db"), "--state", state, "--json");
        Main.run("--help");
    }

    private static void run(String[] access, String... command) {
        String[] args = new String[command.length + access.length];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(access, 0, args, command.length, access.length);
        Main.run(args);
    }
}
