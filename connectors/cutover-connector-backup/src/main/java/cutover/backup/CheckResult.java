package cutover.backup;

import java.util.List;

/**
 * What {@link Repository#check} found. {@code unreferencedPacks}, {@code unreferencedLists} (chunk
 * lists no snapshot names) and {@code tempFiles} are garbage from an interrupted backup or prune,
 * or from snapshots forgotten since, not damage: the next prune removes them.
 */
public record CheckResult(boolean readData, int snapshots, int indexFiles, int packs, long blobs, List<CheckProblem> problems,
                          List<String> unreferencedPacks, List<String> unreferencedLists, int tempFiles) {
    public CheckResult {
        problems = List.copyOf(problems);
        unreferencedPacks = List.copyOf(unreferencedPacks);
        unreferencedLists = List.copyOf(unreferencedLists);
    }

    public boolean ok() { return problems.isEmpty(); }
}
