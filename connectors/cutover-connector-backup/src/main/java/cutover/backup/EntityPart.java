package cutover.backup;

/**
 * One part of an entity's records (docs/backup-format.md, "Record streams"): a record stream of its
 * own, written by one reader of one source split, {@code bytes} long with SHA-256 {@code digest},
 * holding {@code records} records in the next {@code chunks} chunks of the entity's chunk list.
 * Parts start at a record boundary, so each can be restored by its own reader.
 */
public record EntityPart(long records, long bytes, String digest, int chunks) {}
