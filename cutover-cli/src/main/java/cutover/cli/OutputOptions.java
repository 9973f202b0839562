package cutover.cli;

import picocli.CommandLine.Option;

/** How a command talks: a human summary with progress, or JSON for scripts; both can be silenced. */
final class OutputOptions {
    @Option(names = "--json", description = "Print the result as JSON on standard output (for scripts).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no human summary (errors are still printed).")
    boolean quiet;

    boolean showProgress() { return !json && !quiet; }

    boolean showSummary() { return !json && !quiet; }
}
