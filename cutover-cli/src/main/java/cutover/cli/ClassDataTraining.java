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
 * {@code -XX:DumpLoadedClassList}, then dumps the list). Started with that archive, every later command skips most of
 * its class loading and verification: 0.5 s of a 1.7 s restore of a small table here
 * (bench/RESULTS.md). Loads the database connectors' classes too, and takes PostgreSQL's as far
 * as a connection refused on 127.0.0.1 port 1 (the pool then waits a second before it gives up).
 */
public final class ClassDataTraining {
    /**
     * Packages of the command's jar whose every class is loaded (not initialized, nothing runs): the
     * PostgreSQL driver, the pool and the connectors that the round trip below does not open (it
     * needs no server), and Cutover's own paths it does not take. A command then finds them in the
     * archive instead of reading and verifying them from the jar: about 200 classes for a backup of
     * a PostgreSQL table. Classes the command never uses cost nothing but archive space.
     */
    private static final List<String> ALSO_LOAD = List.of("org/postgresql/", "com/zaxxer/hikari/", "cutover/");

    private ClassDataTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cutover-cds-");
        PrintStream out = System.out, err = System.err;
        System.setProperty("cutover.cacheDir", "off"); // its throwaway repository's heads are no one's to cache
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            roundTrip(dir);
            loadPackages();
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.clearProperty("cutover.cacheDir");
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Loads the classes of {@link #ALSO_LOAD} from the jar this class runs from; nothing when it runs from a folder (the tests). */
    private static void loadPackages() throws IOException {
        java.net.URL location = ClassDataTraining.class.getProtectionDomain().getCodeSource().getLocation();
        if (!location.getPath().endsWith(".jar")) return;
        ClassLoader loader = ClassDataTraining.class.getClassLoader();
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of(java.net.URI.create(location.toString())).toFile())) {
            for (var entries = jar.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (!entry.endsWith(".class") || entry.endsWith("module-info.class") || ALSO_LOAD.stream().noneMatch(entry::startsWith)) continue;
                try {
                    Class.forName(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'), false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // needs a library the jar leaves out (the driver's OSGi and Kerberos parts): the archive just lacks it
                }
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
        run(access, "backup", "check", "--read-data", "--state", state);
        run(access, "restore", "latest", "sqlite:" + dir.resolve("restored.db"), "--state", state, "--json");
        Main.run("analyze", "sqlite:" + source, "--state", state, "--json");
        Main.run("verify", "sqlite:" + source, "sqlite:" + dir.resolve("restored.db"), "--state", state, "--json");
        // PostgreSQL's driver and pool as far as a refused connection takes them (no server needed):
        // their lambdas are then archived too, not spun by every command that connects (~180 classes)
        Main.run("analyze", "postgresql://cutover@127.0.0.1:1/training?connect-timeout=1", "--state", state, "--json");
        Main.run("--help");
    }

    private static void run(String[] access, String... command) {
        String[] args = new String[command.length + access.length];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(access, 0, args, command.length, access.length);
        Main.run(args);
    }
}
