package cutover.backup;

import java.util.List;

/**
 * A table's digest as the source database computed it ({@link cutover.verify.Digests}: the row
 * count and the sum of the row hashes of {@code columns}, in the digest {@code dialect}), stored with
 * an entity that was read while the digest stayed the same from before its first row was read to
 * after its last. A later backup whose digest of the same table, columns and dialect is equal holds
 * the same rows, and reuses the entity instead of reading it again.
 */
public record SourceDigest(String dialect, List<String> columns, long count, long sum) {
    public SourceDigest {
        columns = List.copyOf(columns);
    }
}
