package cutover.backup;

import java.util.List;

/** What {@link Repository#forget} kept (and by which rules) and removed, newest first. */
public record ForgetResult(List<Kept> kept, List<Snapshot> removed) {
    public ForgetResult {
        kept = List.copyOf(kept);
        removed = List.copyOf(removed);
    }

    public record Kept(Snapshot snapshot, List<String> reasons) {}
}
