package cutover.cli;

import cutover.backup.Repository;
import cutover.backup.Snapshot;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.journal.Journal;
import cutover.journal.JournalEntry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Before a migration writes: snapshots the source and (when it has tables) the target into the
 * backup repository and records them in the journal. A run that resumes (the target holds its
 * checkpoints) takes none: its target is half-written, so it reuses the points of its first attempt.
 * A run started over ({@code --restart}) takes new ones: the target as it is now is what the restart
 * would change.
 */
final class RollbackPointTaker {
    static final String TAG = "before-migrate";

    private final MigrateBackupOptions options;
    private final Path state;
    private final Journal journal;
    private final boolean showProgress;

    RollbackPointTaker(MigrateBackupOptions options, Path state, Journal journal, boolean showProgress) {
        this.options = options;
        this.state = state;
        this.journal = journal;
        this.showProgress = showProgress;
    }

    /** What was decided: the points (empty when the resumed run had none) and a warning to show, if any. */
    record Outcome(Optional<RollbackPoints> points, Optional<String> warning) {}

    Outcome takeOrReuse(String runId, boolean startsOver, java.util.function.Predicate<cutover.model.EntityName> planTakes, String sourceLocation,
                        Connector sourceConnector, Source source, String targetLocation, Connector targetConnector, Sink sink, TargetInfo target) {
        if (!startsOver && !sink.checkpoints(runId).isEmpty()) {
            Optional<RollbackPoints> earlier = RollbackPoints.latest(journal, runId);
            if (earlier.isPresent()) return new Outcome(earlier, Optional.empty());
            return new Outcome(Optional.empty(), Optional.of("run " + runId + " resumes an attempt whose rollback points the journal of "
                    + state + " does not name: that attempt took none (--no-backup, or an older Cutover), or ran with another --state,"
                    + " whose journal names them (and whose backups/ holds them, unless --backup-repo was given); none are taken now,"
                    + " because the target is already partly written. --restart takes new ones of the target as it is"));
        }
        Instant started = Instant.now();
        Repository repository = openOrCreate();
        String sourceId = snapshot(repository, sourceLocation, source, sourceConnector, "source", planTakes);
        String targetId = null;
        if (!target.tables().isEmpty()) {
            Source targetAsSource = targetConnector.capability(Source.class).orElseThrow(() -> new CutoverException(ErrorCode.CAPABILITY_MISSING,
                    Location.redact(targetLocation) + " cannot be read back, so it cannot be backed up before the migration writes to it;"
                            + " back it up another way and pass --no-backup"));
            targetId = snapshot(repository, targetLocation, targetAsSource, targetConnector, "target", e -> true);
        }
        RollbackPoints points = new RollbackPoints(repository.path().toString(), sourceId, targetId, false, started);
        journal.append(new JournalEntry(started, RollbackPoints.JOURNAL_COMMAND, runId, JournalEntry.SUCCEEDED, Location.redact(sourceLocation),
                Location.redact(targetLocation), Duration.between(started, Instant.now()).toMillis(), points.details(), List.of(), null));
        return new Outcome(Optional.of(points), Optional.empty());
    }

    private Repository openOrCreate() {
        RepoOptions repo = options.asRepoOptions(state);
        boolean exists = Files.exists(repo.repo.resolve("config"));
        String how = "set " + RepoOptions.PASSWORD_VARIABLE + " or give --backup-password-file FILE, so that migrate can back up the source"
                + " and the target before it writes" + (exists ? "" : " (into a new repository there)")
                + "; or pass --no-backup to migrate without rollback points";
        String passphrase = repo.passphrase(!exists, how);
        return exists ? Repository.open(repo.repo, passphrase, cutover.backup.RepositoryOptions.forCommands())
                : Repository.init(repo.repo, passphrase, cutover.backup.RepositoryOptions.forCommands());
    }

    /**
     * A snapshot of one side, of the entities {@code taken} (the source's: those the plan takes, the
     * migration reading no other); a table unchanged since the last snapshot of the same location is
     * reused, not read again. A failure says it was the rollback point's, and how to go without one.
     */
    private String snapshot(Repository repository, String location, Source source, Connector connector, String role,
                            java.util.function.Predicate<cutover.model.EntityName> taken) {
        Map<String, ProgressDisplay.Line> lines = new ConcurrentHashMap<>();
        try (ProgressDisplay display = ProgressDisplay.start(showProgress, "records", () -> new TreeMap<>(lines))) {
            Repository.BackupBuilder builder = repository.backup().source(Endpoints.recordedAs(location)).tag(TAG).tag(TAG + "-" + role).only(taken);
            connector.capability(cutover.verify.Digests.class).ifPresent(builder::unchangedFrom);
            Snapshot s = builder
                    .from(source, (entity, n) -> lines.put("backup " + role + " " + entity.value(), new ProgressDisplay.Line(n, -1)));
            return s.id();
        } catch (CutoverException e) {
            String message = "taking the " + role + "'s rollback point (a snapshot before migrate writes; --no-backup goes without): " + e.getMessage();
            // the target is read as a source here: a failure to read it is the target's (exit 5), not the source's
            throw role.equals("target") ? Endpoints.asTarget(e, message) : new CutoverException(e.code(), message, e, e.retryable());
        }
    }
}
