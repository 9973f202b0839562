package cutover.backup;

import java.time.Instant;

/**
 * A lock in {@code locks/}: who holds it (host, process id), when it was last refreshed, for what,
 * and how ({@code mode}: read, append or exclusive). {@code stale} says it can be removed safely,
 * and {@code staleReason} why: its process is gone from this host, or it was not refreshed for
 * longer than the limit. A lock file that cannot be opened is shown with host {@code ?} and counts
 * as exclusive.
 */
public record LockInfo(String file, String host, long pid, Instant time, String operation, String mode, boolean stale, String staleReason) {
    public String describe() {
        return "locked by " + operation + " on " + host + " (process " + pid + ", " + mode + " lock, refreshed " + time + ")"
                + (stale ? ", stale: " + staleReason : "");
    }
}
