package cutover.cli;

import cutover.backup.IndexRepairResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;

/** Rebuilds the repository's index from its packs' own headers, for an index file that is damaged or lost. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Rebuilds the index from the packs' own headers, replacing every index file: for an index file that `backup check`"
                + " calls damaged or missing. Holds an exclusive lock. A pack whose header does not read is named, its chunks kept as an old"
                + " index file that still opens placed them, else left out; run `cutover backup check --read-data` afterwards to prove them"
                + " and to see which snapshots still miss data.",
                "", "Exit: 0 every pack indexed, 8 some pack could not be read (named)."})
final class RepairIndexCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
        IndexRepairResult r = repo.open(lockWait::apply).repairIndex();
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("packs", r.packs());
            out.put("chunks", r.chunks());
            out.put("indexFilesReplaced", r.indexFilesReplaced());
            out.put("unreadablePacks", r.unreadablePacks());
            System.out.println(Json.write(out));
        } else if (output.showSummary() || !r.unreadablePacks().isEmpty()) {
            System.out.println("index rebuilt: " + Counted.of(r.packs(), "pack") + " with " + Counted.of(r.chunks(), "chunk") + " indexed, "
                    + Counted.of(r.indexFilesReplaced(), "old index file") + " replaced");
            r.unreadablePacks().forEach((pack, why) -> System.out.println("  left out: pack " + pack + ": " + why));
        }
        return r.unreadablePacks().isEmpty() ? 0 : 8;
    }
}
