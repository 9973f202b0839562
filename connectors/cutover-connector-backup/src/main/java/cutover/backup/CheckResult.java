package cutover.backup;

import java.util.List;

/**
 * What {@link Repository#check} found. {@code unreferencedPacks} and {@code tempFiles} are garbage
 * from an interrupted backup or prune, not damage: the next prune removes them.
 */
public record CheckResult(boolean readData, int snapshots, int indexFiles, int packs, long blobs, List<CheckProblem> problems,
                          List<String> unreferencedPacks, int tempFiles) {
    public CheckResult {
        problems = List.copyOf(problems);
        unreferencedPacks = List.copyOf(unreferencedPacks);
    }

    public boolean ok() { return problems.isEmpty(); }
}
