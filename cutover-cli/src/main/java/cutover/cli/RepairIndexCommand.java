package cutover.cli;

import cutover.backup.IndexRepairResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Rebuilds the repository's index from its packs' own headers, for an index file that is damaged or lost. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Rebuilds the index from the packs' own headers, replacing every index file: for an index file that `backup check`"
                + " calls damaged or missing. Holds an exclusive lock. A pack whose header does not read is named, its chunks kept as an old"
                + " index file that still opens placed them, else left out; run `cutover backup check --read-data` afterwards to prove them"
                + " and to see which snapshots still miss data.",
                "",
                "With --read-data, every chunk is also decrypted and hashed, and one that fails (a damaged byte, a truncated pack)"
                        + " is left out of the index and named: the next backup of a source that still holds its data stores it again"
                        + " (the same id, since a chunk's id is its content's hash) instead of reusing the damaged copy, and the snapshots"
                        + " that need it read again. For the damage `backup check --read-data` reports.",
                "", "Exit: 0 every pack indexed, 8 some pack could not be read or some chunk was damaged (each named)."})
final class RepairIndexCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;
    @Option(names = "--read-data", description = "Also decrypt and hash every chunk; leave the damaged ones out of the index.")
    boolean readData;

    @Mixin StateOptions state;

    @Override
    public Integer call() {
        IndexRepairResult r = new RepositoryJournal(state, repo, readData ? "repair index --read-data" : "repair index").run(
                () -> repo.open(lockWait::apply).repairIndex(readData),
                x -> RepositoryJournal.Outcome.of(Json.fields("packs", x.packs(), "chunks", x.chunks(), "indexFilesReplaced", x.indexFilesReplaced(),
                        "unreadablePacks", x.unreadablePacks(), "damagedChunks", x.damagedChunks()), java.util.List.of()));
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("packs", r.packs());
            out.put("chunks", r.chunks());
            out.put("indexFilesReplaced", r.indexFilesReplaced());
            out.put("unreadablePacks", r.unreadablePacks());
            out.put("damagedChunks", r.damagedChunks());
            System.out.println(Json.write(out));
        } else if (output.showSummary() || !r.unreadablePacks().isEmpty() || !r.damagedChunks().isEmpty()) {
            System.out.println("index rebuilt: " + Counted.of(r.packs(), "pack") + " with " + Counted.of(r.chunks(), "chunk") + " indexed, "
                    + Counted.of(r.indexFilesReplaced(), "old index file") + " replaced" + (readData ? ", every chunk read" : ""));
            r.unreadablePacks().forEach((pack, why) -> System.out.println("  left out: pack " + pack + ": " + why));
            r.damagedChunks().forEach((chunk, why) -> System.out.println("  left out: " + why));
            if (!r.damagedChunks().isEmpty()) {
                System.out.println("the next backup of each source that still holds their data stores these chunks again, and the snapshots"
                        + " that need them read again; `cutover backup check` names the snapshots that still miss some");
            }
        }
        return r.unreadablePacks().isEmpty() && r.damagedChunks().isEmpty() ? 0 : 8;
    }
}
