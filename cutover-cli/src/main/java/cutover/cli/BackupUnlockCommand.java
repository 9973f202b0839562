package cutover.cli;

import cutover.backup.LockInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** Removes stale locks (or, with --all, every lock) left by a backup, forget or prune that died. */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = "Removes stale locks: those whose process is gone from this host, or not refreshed for 30 minutes (a running holder refreshes its lock every 5). --all removes every lock; use it only when no other Cutover works on the repository.")
final class BackupUnlockCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--all", description = "Remove every lock, stale or not.")
    boolean all;

    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @Override
    public Integer call() {
        List<LockInfo> removed = new RepositoryJournal(state, repo, all ? "unlock --all" : "unlock").run(() -> repo.open().unlock(all),
                locks -> RepositoryJournal.Outcome.of(Json.fields("removed", locks.stream().map(LockInfo::describe).toList()), List.of()));
        if (output.json) {
            System.out.println(Json.object("removed", removed.stream().map(LockInfo::describe).toList()));
        } else if (output.showSummary()) {
            if (removed.isEmpty()) System.out.println("no lock removed");
            removed.forEach(l -> System.out.println("removed lock " + l.file() + ": " + l.describe()));
        }
        return 0;
    }
}
