package cutover.cli;

import cutover.backup.CheckProblem;
import cutover.backup.CheckResult;
import cutover.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Proves the repository; exits with BACKUP_CORRUPT's code when anything is broken. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks the repository's structure; with --read-data, decrypts and hashes every blob and reads every snapshot back.", "",
                "Every problem names the snapshot, entity, chunk and file. Exit 0 when all is well, 8 when something is damaged."})
final class BackupCheckCommand implements Callable<Integer> {
    @Option(names = "--read-data", description = "Also read, decrypt and hash all data (slower: reads the whole repository).")
    boolean readData;

    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;
    @Mixin StateOptions state;

    @Override
    public Integer call() {
        cutover.backup.Repository repository = repo.open(lockWait::apply);
        CheckResult r = new RepositoryJournal(state, repo, readData ? "check --read-data" : "check").run(() -> repository.check(readData),
                c -> new RepositoryJournal.Outcome(Json.fields("snapshots", c.snapshots(), "packs", c.packs(), "chunks", c.blobs(),
                        "problemCount", c.problems().size(), "problems", c.problems().stream().limit(100).map(CheckProblem::toString).toList()), List.of(),
                        c.ok() ? null : ErrorCode.BACKUP_CORRUPT + ": " + Counted.of(c.problems().size(), "problem") + " found"));
        // a backup running beside the check writes its packs and temporary files before its index: work, not garbage
        java.util.List<String> writing = repository.locks().stream().filter(l -> !l.stale() && !"check".equals(l.operation()))
                .map(l -> l.operation() + " on " + l.host() + " (process " + l.pid() + ")").toList();
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", r.ok());
            out.put("readData", r.readData());
            out.put("snapshots", r.snapshots());
            out.put("indexFiles", r.indexFiles());
            out.put("packs", r.packs());
            out.put("chunks", r.blobs());
            out.put("problems", r.problems().stream().map(CheckProblem::toString).toList());
            out.put("unreferencedPacks", r.unreferencedPacks());
            out.put("unreferencedLists", r.unreferencedLists());
            out.put("tempFiles", r.tempFiles());
            System.out.println(Json.write(out));
        } else if (output.showSummary() || !r.ok()) {
            System.out.printf(java.util.Locale.ROOT, "%s: %s, %s, %s%s%n", r.ok() ? "no problems" : Counted.of(r.problems().size(), "problem"),
                    Counted.of(r.snapshots(), "snapshot"), Counted.of(r.packs(), "pack"), Counted.of(r.blobs(), "chunk"), !r.readData() ? " (structure only; --read-data reads all data)"
                            : r.ok() ? ", all data read and verified" : ", all data read");
            printGrouped(r.problems());
            if (!r.unreferencedPacks().isEmpty() || !r.unreferencedLists().isEmpty() || r.tempFiles() > 0) {
                String counts = Counted.of(r.unreferencedPacks().size(), "unreferenced pack") + ", " + Counted.of(r.unreferencedLists().size(),
                        "unreferenced chunk list") + ", " + Counted.of(r.tempFiles(), "temporary file");
                // with a damaged index or manifest, what nothing readable names may be the data it named: not garbage until that is mended
                System.out.println(!writing.isEmpty() ? "not named by any index file or snapshot yet, while " + String.join(", ", writing)
                        + " holds a lock (what it is writing, or garbage from an interrupted run): " + counts
                        : r.ok() ? "garbage from an interrupted run or forgotten snapshots (not damage; prune removes it): " + counts
                        : "not named by any readable index file or snapshot (with the problems above, possibly the data the damaged files named;"
                                + " prune refuses until they are mended): " + counts);
            }
            boolean indexLost = r.problems().stream().anyMatch(p -> (p.file() != null && p.file().startsWith("index/")) || p.message().endsWith("is in no index"));
            if (indexLost && !r.unreferencedPacks().isEmpty()) {
                System.out.println("the index misses what packs on disk may hold: `cutover backup repair index --repo " + repo.repo
                        + "` rebuilds it from the packs' own headers; then check again");
            }
            // a chunk damaged or lost stays named by the index, so the next backup would reuse it rather than store it again
            boolean dataLost = r.problems().stream().anyMatch(p -> p.file() != null && p.file().startsWith("data/"));
            if (dataLost) {
                System.out.println("data damaged or lost: `cutover backup repair index --read-data --repo " + repo.repo + "` leaves the damaged"
                        + " chunks out of the index; the next backup of each source that still holds their data then stores them again,"
                        + " and the snapshots that need them read again (until then a backup reuses them as they are)");
            }
        }
        return r.ok() ? 0 : ErrorCode.BACKUP_CORRUPT.exitCode();
    }

    /**
     * The problems, those of the same snapshot, entity and file that differ only in their chunk on one
     * line with how many more there are: one damaged index file names every chunk it listed, which is
     * hundreds of lines to read. {@code --json} lists each.
     */
    private static void printGrouped(java.util.List<CheckProblem> problems) {
        Map<String, java.util.List<CheckProblem>> groups = new LinkedHashMap<>();
        for (CheckProblem p : problems) {
            String kind = p.snapshot() + "|" + p.entity() + "|" + p.file() + "|" + (p.chunk() == null ? p.message()
                    : p.message().replaceAll("chunk \\d+ of \\d+ ", "chunk "));
            groups.computeIfAbsent(kind, k -> new java.util.ArrayList<>()).add(p);
        }
        for (java.util.List<CheckProblem> same : groups.values()) {
            int more = same.size() - 1;
            System.out.println("  " + same.get(0) + (more == 0 ? "" : " (and " + Counted.of(more, "more chunk") + " like it; --json lists each)"));
        }
    }
}
