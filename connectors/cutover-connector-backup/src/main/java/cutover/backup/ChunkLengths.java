package cutover.backup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored bytes of a snapshot's chunks (its manifest's {@code storedBytes}), summed with the
 * lengths the last sum found kept by chunk id: a process that backs up again and again ({@code
 * backup --every}) writes snapshots that refer to the same chunks run after run (a table's change
 * layers refer to every chunk of its base again, ~5,800 at 1M rows), and looking each one up in the
 * index again took 2-7 ms of every run, its id parsed and hashed, that code compiled by C2 during
 * the first incrementals (JFR, seventeenth session). A chunk's length in the repository does not
 * change: its id is the hash of its content. Thread-safe.
 */
final class ChunkLengths {
    private Map<String, Integer> last = Map.of();

    /** The stored length of each distinct chunk of {@code chunkIds}, added up; a chunk the last sum did not meet is looked up in {@code index}. */
    synchronized long storedBytes(List<String> chunkIds, Index index) {
        Map<String, Integer> now = new HashMap<>(2 * chunkIds.size());
        long total = 0;
        for (String chunk : chunkIds) {
            if (now.containsKey(chunk)) continue;
            Integer length = last.get(chunk);
            if (length == null) {
                BlobLocation at = index.get(BlobId.parse(chunk));
                if (at == null) {
                    // a chunk reused from an earlier snapshot (an unchanged table, a layer's base) that no index file lists:
                    // committed, the snapshot would name data no reader finds
                    throw new cutover.error.CutoverException(cutover.error.ErrorCode.BACKUP_CORRUPT, "chunk " + chunk + ", which this backup"
                            + " reuses from an earlier snapshot, is in no index file (one is damaged or missing): nothing was committed;"
                            + " run `cutover backup repair index`, then back up again");
                }
                length = at.length();
            }
            now.put(chunk, length);
            total += length;
        }
        last = now; // what the next snapshot refers to again; the chunks no longer referred to are let go
        return total;
    }
}
