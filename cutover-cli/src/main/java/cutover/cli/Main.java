package cutover.cli;

import cutover.backup.Repository;

import java.util.Set;

/** Entry point: runs the command line and exits with its code. */
public final class Main {
    /** The commands that open a backup repository first thing. */
    private static final Set<String> REPOSITORY_COMMANDS = Set.of("backup", "restore", "snapshots", "forget");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs without exiting, for tests and the demo. */
    public static int run(String... args) {
        // the native cryptography the repository's key derivation needs loads while picocli builds
        // the command line (~80 ms), instead of being waited for by the open (~45 ms of a backup)
        if (args.length > 0 && REPOSITORY_COMMANDS.contains(args[0])) Repository.prepare();
        return CutoverCommand.commandLine(args).execute(args);
    }
}
