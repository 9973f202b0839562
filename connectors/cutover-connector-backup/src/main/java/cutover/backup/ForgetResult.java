package cutover.backup;

import java.util.List;

/**
 * What {@link Repository#forget} kept (and by which rules) and removed, newest first; {@code
 * warnings}: what the rules met that a person should know (a tag no snapshot has, a source all of
 * whose snapshots go).
 */
public record ForgetResult(List<Kept> kept, List<Snapshot> removed, List<String> warnings) {
    public ForgetResult {
        kept = List.copyOf(kept);
        removed = List.copyOf(removed);
        warnings = List.copyOf(warnings);
    }

    public record Kept(Snapshot snapshot, List<String> reasons) {}
}
