package cutover.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Removes the snapshots that do not read, which keep forget and prune from running and can never be restored. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"Removes the snapshots that do not read: a manifest, or a chunk list it names, that is damaged (its hash or"
                + " authentication fails). None of them can be restored, and while one is there forget and prune stop at it. Their data"
                + " goes at the next prune where no other snapshot needs it. `snapshots` and `backup check` name them first;"
                + " --dry-run lists what would go. Holds an exclusive lock.",
                "", "Exit: 0 (none left that do not read)."})
final class RepairSnapshotsCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--dry-run", description = "Only list the snapshots that do not read; remove nothing.")
    boolean dryRun;

    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @Override
    public Integer call() {
        Map<String, String> damaged = dryRun ? repo.open(lockWait::apply).repairSnapshots(true)
                : new RepositoryJournal(state, repo, "repair snapshots").run(() -> repo.open(lockWait::apply).repairSnapshots(false),
                removed -> RepositoryJournal.Outcome.of(Json.fields("removed", removed), java.util.List.of()));
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dryRun", dryRun);
            out.put(dryRun ? "wouldRemove" : "removed", damaged);
            System.out.println(Json.write(out));
        } else if (output.showSummary()) {
            if (damaged.isEmpty()) System.out.println("every snapshot reads: nothing to remove");
            else System.out.println((dryRun ? "would remove " : "removed ") + Counted.of(damaged.size(), "snapshot") + " that do"
                    + (damaged.size() == 1 ? "es" : "") + " not read" + (dryRun ? "" : "; `cutover forget --prune` (or prune) frees their data"));
            damaged.forEach((file, why) -> System.out.println("  " + (why.startsWith(file) ? why : file + ": " + why)));
        }
        return 0;
    }
}
