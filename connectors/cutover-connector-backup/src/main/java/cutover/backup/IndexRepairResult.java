package cutover.backup;

import java.util.Map;

/**
 * What a repair of the index found: packs indexed, the chunks in them, old index files replaced,
 * packs left out, and (read-data) damaged chunks left out, each with why.
 */
public record IndexRepairResult(int packs, long chunks, int indexFilesReplaced, Map<String, String> unreadablePacks,
                                Map<String, String> damagedChunks) {
    public IndexRepairResult {
        unreadablePacks = Map.copyOf(unreadablePacks);
        damagedChunks = Map.copyOf(damagedChunks);
    }
}
