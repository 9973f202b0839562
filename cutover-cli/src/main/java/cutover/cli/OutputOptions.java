package cutover.cli;

import picocli.CommandLine.Option;

/** How a command talks: a human summary with progress, or JSON for scripts; both can be silenced. */
final class OutputOptions {
    @Option(names = "--json", description = "Print the result as JSON on standard output (for scripts).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no human summary (warnings and errors still go to standard error).")
    boolean quiet;

    boolean showProgress() { return !json && !quiet; }

    boolean showSummary() { return !json && !quiet; }

    /**
     * Prints warnings, which --quiet does not silence: a table left out of a backup must not pass
     * unseen in a scheduled run's log. On standard output after the summary, on standard error when
     * quiet; with --json they are in the JSON, and nothing is printed here.
     */
    void warnings(java.util.List<String> warnings) {
        if (json) return;
        java.io.PrintStream out = quiet ? System.err : System.out;
        warnings.forEach(w -> out.println("warning: " + w));
    }

    /**
     * With --quiet, how many records were set aside and where they are listed, on standard error (a
     * scheduled run's log must not understate what did not move); the summary says it otherwise.
     */
    void setAsideWhenQuiet(long records, Object file) {
        if (quiet && !json && records > 0) System.err.println(Counted.of(records, "record") + " set aside, each with its reason: " + file);
    }
}
