package cutover.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where Cutover keeps its journal, runs and dead-letter files; shared by every command that records. */
final class StateOptions {
    @Option(names = "--state", paramLabel = "DIR", defaultValue = "${env:CUTOVER_STATE:-.cutover}",
            description = "State folder: journal, runs, dead-letter files (default: ${DEFAULT-VALUE}; env CUTOVER_STATE).")
    Path state;
}
