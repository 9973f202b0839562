package cutover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;

/** The top-level {@code cutover} command; each subcommand is a thin shell over the API. */
@Command(name = "cutover",
        mixinStandardHelpOptions = true,
        versionProvider = CutoverCommand.Version.class,
        description = "Moves a live app's backend to a new one without losing data.",
        subcommands = {CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  finished, but records were set aside (dead-letter file)",
                "  2  bad usage (unknown option, missing argument)",
                "  3  invalid plan, location or setting",
                "  4  the source cannot be read",
                "  5  the target cannot be written",
                "  6  Cutover's own state (.cutover/) cannot be read or written",
                "  7  stopped: too many records set aside (dead-letter limit)",
                "  8  the backup repository: not found, wrong passphrase, locked, or damaged",
                "  9  migrated, but `migrate --verify` found differences (see the differences file)",
                "     (`verify` itself answers like diff: 0 equal, 1 different, 2 could not compare)",
                " 70  internal error (a bug: please report it with the journal)",
                "130  interrupted",
                "143  stopped by SIGTERM (128 + 15, as shells report a terminated process)",
                "",
                "Settings come from flags, then the environment (CUTOVER_STATE,",
                "CUTOVER_SOURCE_PASSWORD, CUTOVER_TARGET_PASSWORD), then ./cutover.properties.",
                "Passwords are never printed."})
public final class CutoverCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line, with every subcommand, the error handling and defaults they share. */
    public static CommandLine commandLine() {
        return commandLine(Commands.all());
    }

    /** The command line that runs {@code args}: the same, with only the subcommand they name when they name one. */
    public static CommandLine commandLine(String... args) {
        return commandLine(Commands.forArgs(args));
    }

    private static CommandLine commandLine(java.util.List<Object> subcommands) {
        CommandLine cl = new CommandLine(new CutoverCommand());
        for (Object sub : subcommands) cl.addSubcommand(sub);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(ErrorHandler.usage(cl.getParameterExceptionHandler()));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        Path defaults = Path.of("cutover.properties");
        if (Files.isRegularFile(defaults)) {
            cl.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(defaults.toFile()));
        }
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CutoverCommand.class.getPackage().getImplementationVersion();
            return new String[] {"cutover " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")};
        }
    }
}
