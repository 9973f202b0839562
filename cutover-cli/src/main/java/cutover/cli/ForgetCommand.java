package cutover.cli;

import cutover.backup.ForgetResult;
import cutover.backup.PruneResult;
import cutover.backup.Repository;
import cutover.backup.RetentionPolicy;
import cutover.backup.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** Applies a retention policy to the snapshots, and with --prune removes the data no snapshot needs. */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Removes the snapshots the keep rules do not keep (a snapshot kept by any rule stays); --prune then frees their data.", "",
                "The rules apply to each source's snapshots on their own (a repository of a database, an export and a migration's target keeps"
                        + " each one's newest). Periods are in UTC; for each, the newest snapshot of each of the newest N periods that have one is kept."})
final class ForgetCommand implements Callable<Integer> {
    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots of each source.") int last;
    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep, of each source, the newest snapshot of each of the last N hours that have one.") int hourly;
    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep, of each source, the newest snapshot of each of the last N days that have one.") int daily;
    @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep, of each source, the newest snapshot of each of the last N ISO weeks that have one.") int weekly;
    @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep, of each source, the newest snapshot of each of the last N months that have one.") int monthly;
    @Option(names = "--keep-tag", paramLabel = "TAG", description = "Keep every snapshot with this tag (repeatable).") List<String> keepTags = new ArrayList<>();
    @Option(names = "--prune", description = "Then remove the data that no remaining snapshot needs.") boolean prune;
    @Option(names = "--dry-run", description = "Say which snapshots the rules would keep and forget, and remove nothing (nor prune).") boolean dryRun;

    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    /** What forget did, and the prune after it (null: none). */
    private record Done(ForgetResult forgotten, PruneResult pruned) {}

    @Override
    public Integer call() {
        RetentionPolicy policy = new RetentionPolicy(last, hourly, daily, weekly, monthly, Set.copyOf(keepTags));
        Done done = dryRun ? forget(policy) : new RepositoryJournal(state, repo, prune ? "forget --prune" : "forget").run(() -> forget(policy),
                d -> RepositoryJournal.Outcome.of(details(d), d.forgotten().warnings()));
        ForgetResult result = done.forgotten();
        PruneResult pruned = done.pruned();
        if (output.json) {
            Map<String, Object> out = details(done);
            out.put("warnings", result.warnings());
            System.out.println(Json.write(out));
        } else if (output.showSummary()) {
            String would = dryRun ? "would " : "";
            result.kept().forEach(k -> System.out.println(would + "keep   " + k.snapshot().shortId() + "  " + k.snapshot().time() + "  (" + String.join(", ", k.reasons()) + ")"));
            result.removed().forEach(s -> System.out.println(would + "forget " + s.shortId() + "  " + s.time()));
            if (dryRun) {
                System.out.println("dry run: nothing removed" + (prune ? ", nothing pruned" : ""));
            } else if (pruned != null) {
                System.out.printf(java.util.Locale.ROOT, "pruned: %d packs deleted, %d rewritten, %,d chunks removed, %d chunk lists deleted, %s freed%n",
                        pruned.packsDeleted(), pruned.packsRepacked(), pruned.chunksRemoved(), pruned.listsDeleted(), SnapshotsCommand.bytes(Math.max(0, pruned.bytesFreed())));
            } else if (!result.removed().isEmpty()) {
                System.out.println("their data stays until `cutover forget --prune` (or a later prune)");
            }
        }
        output.warnings(result.warnings());
        return 0;
    }

    private Done forget(RetentionPolicy policy) {
        Repository repository = repo.open(lockWait::apply);
        ForgetResult result = dryRun ? repository.wouldForget(policy) : repository.forget(policy);
        try {
            return new Done(result, prune && !dryRun ? repository.prune() : null);
        } catch (cutover.error.CutoverException e) {
            // the snapshots are forgotten already: say which, then why their data stays
            throw new cutover.error.CutoverException(e.code(), Counted.of(result.removed().size(), "snapshot") + " forgotten ("
                    + String.join(", ", result.removed().stream().map(Snapshot::shortId).toList()) + "), but the prune stopped, so their data stays: "
                    + e.getMessage() + (e.code() == cutover.error.ErrorCode.BACKUP_CORRUPT
                    ? " (`cutover backup check` names what is damaged; `cutover backup repair index` rebuilds an index file)" : ""), e, e.retryable());
        }
    }

    /** Which snapshots were kept (and why) and removed, and what the prune freed: the JSON output's, and the journal's. */
    private Map<String, Object> details(Done done) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (dryRun) out.put("dryRun", true);
        out.put("kept", done.forgotten().kept().stream().map(k -> Json.fields("id", k.snapshot().id(), "reasons", k.reasons())).toList());
        out.put("removed", done.forgotten().removed().stream().map(Snapshot::id).toList());
        if (done.pruned() != null) out.put("prune", done.pruned());
        return out;
    }
}
