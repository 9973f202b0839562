package cutover.cli;

import cutover.backup.RepositoryOptions;
import picocli.CommandLine.Option;

/** How long a command that locks the repository waits for another's conflicting lock, as restic's option of the same name. */
final class LockWaitOption {
    @Option(names = "--retry-lock", paramLabel = "DURATION",
            description = "When another Cutover holds a lock on the repository that this command cannot share, try again for up to DURATION"
                    + " (30s, 10m, 1h) before giving up. Without it: give up at once, or after a few seconds where the other lock was taken"
                    + " that same moment (two commands started together: one runs).")
    String retryLock;

    RepositoryOptions apply(RepositoryOptions options) {
        return retryLock == null ? options : options.withRetryLock(Interval.parse(retryLock).duration())
                .withLockWaitNotice(notice -> System.err.println("cutover: " + notice));
    }
}
