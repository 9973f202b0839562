package cutover.cli;

import cutover.backup.Repository;
import cutover.backup.RepositoryOptions;
import cutover.backup.WriteGuard;

import java.nio.file.Path;

/**
 * Run by {@link CompactionIT} in its own JVM: compacts the latest snapshot of the repository given
 * (passphrase second) in packs of 16 KiB, and stops for good as it begins its fourth, saying
 * "packs", so that it is killed half-way through a compaction whose manifest is not written.
 */
public final class CompactChild {
    public static void main(String[] args) throws Exception {
        java.util.Set<Path> packs = java.util.concurrent.ConcurrentHashMap.newKeySet(); // each pack is written under tmp/ first
        WriteGuard stopHalfWay = (file, bytes) -> {
            if (!file.getFileName().toString().contains("pack") || !packs.add(file) || packs.size() != 4) return;
            System.out.println("packs");
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE); // until killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Repository repo = Repository.open(Path.of(args[0]), args[1], RepositoryOptions.forCommands().withPackSize(16 << 10).withWriteGuard(stopHalfWay));
        repo.compact(repo.snapshot("latest"), e -> true);
        System.out.println("compacted without stopping");
    }
}
