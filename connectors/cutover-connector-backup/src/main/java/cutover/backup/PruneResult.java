package cutover.backup;

/** What {@link Repository#prune} did: packs deleted whole, packs rewritten without their unused chunks, chunk lists no snapshot names deleted, and bytes freed. */
public record PruneResult(int snapshots, int packsKept, int packsDeleted, int packsRepacked, long chunksRemoved, int listsDeleted, long bytesFreed) {}
