package cutover.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The words that start Cutover as this process was started, by absolute paths, for a command written
 * down to run later ({@code backup --print-timer}): systemd before 239 runs only an absolute
 * {@code ExecStart=}, later ones search a fixed path of their own, and cron's PATH is short.
 */
final class Launcher {
    /** Set by the {@code cutover} script to its own absolute path. */
    static final String VARIABLE = "CUTOVER_LAUNCHER";

    private Launcher() {}

    /** This process's launcher. */
    static List<String> current() {
        return of(System.getenv(VARIABLE), Path.of(System.getProperty("java.home"), "bin", "java"), codeSource(), System.getProperty("java.class.path"));
    }

    /**
     * The script named by {@code launcher} when that is an absolute path; else {@code java -jar JAR}
     * with the running {@code java} when Cutover runs from a jar ({@code codeSource}); else, run from
     * class folders (the tests, an IDE), {@code java -cp CLASSPATH cutover.cli.Main}.
     */
    static List<String> of(String launcher, Path java, Path codeSource, String classPath) {
        if (launcher != null && Path.of(launcher).isAbsolute()) return List.of(launcher);
        if (codeSource != null && codeSource.toString().endsWith(".jar")) {
            return List.of(java.toAbsolutePath().toString(), "-jar", codeSource.toAbsolutePath().toString());
        }
        String absoluteClassPath = Arrays.stream(classPath.split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        return List.of(java.toAbsolutePath().toString(), "-cp", absoluteClassPath, Main.class.getName());
    }

    /** The jar (or class folder) this class was loaded from; null where the class loader does not say. */
    private static Path codeSource() {
        var source = Launcher.class.getProtectionDomain().getCodeSource();
        if (source == null) return null;
        try {
            return Path.of(source.getLocation().toURI());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
