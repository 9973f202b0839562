package cutover.cli;

import cutover.connector.Location;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns an exception into the exit code of its {@link ErrorCode} and a message a person can act on:
 * the code's name, what went wrong, what to do. A Cutover error never shows a stack trace; anything
 * else is a bug, shown with its trace when {@code CUTOVER_DEBUG} is set. With {@code --json}, the
 * error is also printed as JSON on standard output.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        ErrorCode code;
        String message;
        boolean retryable;
        if (ex instanceof CutoverException ce) {
            code = ce.code();
            message = ce.getMessage();
            retryable = ce.retryable();
        } else if (ex instanceof CommandLine.ParameterException) {
            throw (CommandLine.ParameterException) ex;
        } else {
            code = ErrorCode.INTERNAL;
            retryable = code.retryable();
            message = "unexpected " + ex + " (set CUTOVER_DEBUG=1 for the stack trace, and please report it)";
        }
        message = Location.redact(message);
        err.println("cutover: " + code + ": " + message);
        if (retryable) err.println("cutover: this may pass if tried again" + (readsOnly(cmd.getCommand()) ? "." : "; committed work is kept."));
        if (System.getenv("CUTOVER_DEBUG") != null) ex.printStackTrace(err);
        err.flush();
        // verify answers like diff(1): 0 equal, 1 different, 2 could not tell (the message says why)
        int exit = cmd.getCommand() instanceof VerifyCommand ? VerifyCommand.ERROR : code.exitCode();
        if (wantsJson(parsed)) printJson(cmd.getOut(), code, message, retryable, exit);
        return exit;
    }

    /** Whether the command only reads (it has no work of its own to keep, and a retry starts it over). */
    private static boolean readsOnly(Object command) {
        return command instanceof VerifyCommand || command instanceof AnalyzeCommand || command instanceof SnapshotsCommand
                || command instanceof BackupCheckCommand || command instanceof PlanCommand || command instanceof PlanCheckCommand
                || command instanceof ReportCommand || command instanceof RestoreCommand r && r.dryRun;
    }

    /**
     * A wrong command line as picocli says it (the message and the usage, exit 2), and with
     * {@code --json} also as the JSON error every other failure prints: a script that asked for JSON
     * gets JSON, even when the line did not parse.
     */
    static CommandLine.IParameterExceptionHandler usage(CommandLine.IParameterExceptionHandler picocli) {
        return (ex, args) -> {
            int exit = picocli.handleParseException(ex, args);
            if (java.util.Arrays.asList(args).contains("--json")) {
                printJson(ex.getCommandLine().getOut(), ErrorCode.USAGE, Location.redact(ex.getMessage()), false, exit);
            }
            return exit;
        };
    }

    /** The error as JSON on standard output, for a script that asked for --json. */
    private static void printJson(PrintWriter out, ErrorCode code, String message, boolean retryable, int exitCode) {
        java.util.Map<String, Object> error = new java.util.LinkedHashMap<>(); // in this order every time (Map.of's is not fixed)
        error.put("code", code.name());
        error.put("message", message);
        error.put("retryable", retryable);
        error.put("exitCode", exitCode);
        out.println(Json.object("error", error));
        out.flush();
    }

    private static boolean wantsJson(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult p = parsed;
        while (p != null) {
            if (p.hasMatchedOption("--json")) return true;
            p = p.subcommand();
        }
        return false;
    }
}
