package cutover.backup;

/** What {@link Repository#prune} did: packs deleted whole, packs rewritten without their unused chunks, and bytes freed. */
public record PruneResult(int snapshots, int packsKept, int packsDeleted, int packsRepacked, long chunksRemoved, long bytesFreed) {}
