package cutover.backup;

import java.time.Instant;

/**
 * A lock in {@code locks/}: who holds it (host, process id), since when, for what. {@code stale}
 * says it can be removed safely, and {@code staleReason} why: its process is gone from this host,
 * or it is older than the limit. A lock file that cannot be opened is shown with host {@code ?}.
 */
public record LockInfo(String file, String host, long pid, Instant time, String operation, boolean stale, String staleReason) {
    public String describe() {
        return "locked by " + operation + " on " + host + " (process " + pid + ") since " + time
                + (stale ? ", stale: " + staleReason : "");
    }
}
