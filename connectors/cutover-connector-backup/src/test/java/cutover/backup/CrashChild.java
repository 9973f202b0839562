package cutover.backup;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link CrashTest} in its own JVM: backs up an endless source into the repository given,
 * saying "packs" once three packs are on disk (two of its own), until it is killed.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Repository repo = TestRepos.open(Path.of(args[0]));
        try (SnapshotWriter w = repo.backup().source("memory:endless").open()) {
            boolean told = false;
            for (long round = 0; ; round++) {
                TestRepos.users(500, 1000 + round).forEach(w::write);
                if (!told && countPacks(Path.of(args[0])) >= 3) {
                    System.out.println("packs");
                    System.out.flush();
                    told = true;
                }
            }
        }
    }

    private static long countPacks(Path repo) throws Exception {
        try (var walk = Files.walk(repo.resolve("data"))) {
            return walk.filter(Files::isRegularFile).count();
        }
    }
}
