package cutover.cli;

import java.util.Set;

/** Entry point: runs the command line and exits with its code. */
public final class Main {
    /** The commands that open a backup repository first thing. */
    private static final Set<String> REPOSITORY_COMMANDS = Set.of("backup", "restore", "snapshots", "forget");

    private Main() {}

    public static void main(String[] args) {
        int exit;
        try {
            exit = run(args);
        } catch (OutOfMemoryError e) {
            // not exit 1, which verify gives for "the sides differ" and a restore for "records set aside"
            System.err.println("cutover: INTERNAL: out of memory (" + e.getMessage() + "); give the JVM more: CUTOVER_JAVA_OPTS=-Xmx4g ./cutover …"
                    + " (or java -Xmx4g -jar …)");
            exit = cutover.error.ErrorCode.INTERNAL.exitCode();
        }
        System.exit(exit);
    }

    /** Runs without exiting, for tests and the demo. */
    public static int run(String... args) {
        // the native cryptography loads, and the repository's key is derived, while picocli builds
        // the command line (~0.15 s), instead of after it on the same thread (bench/RESULTS.md)
        if (args.length > 0 && REPOSITORY_COMMANDS.contains(args[0])) RepoOptions.prepare(args);
        return CutoverCommand.commandLine(args).execute(args);
    }
}
