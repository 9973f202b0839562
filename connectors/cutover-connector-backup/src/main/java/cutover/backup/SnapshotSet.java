package cutover.backup;

import java.util.List;

/**
 * Snapshots taken at one moment, each of its own source: the schemas of one database backed up
 * together ({@code postgresql://…/app?schema=auth,public}). Each manifest names the set ({@code set}:
 * docs/backup-format.md, "Snapshots taken together"), so a restore of {@code latest} brings them all
 * back, and each stays a snapshot of its schema alone for every other command.
 *
 * @param id      random, 16 hex digits: the same in every manifest of the set
 * @param sources every snapshot's source, in the order they were taken (and are restored)
 */
public record SnapshotSet(String id, List<String> sources) {
    public SnapshotSet {
        sources = List.copyOf(sources);
    }

    /** A new set of these sources. */
    public static SnapshotSet of(List<String> sources) {
        byte[] random = new byte[8];
        new java.security.SecureRandom().nextBytes(random);
        return new SnapshotSet(java.util.HexFormat.of().formatHex(random), sources);
    }
}
