package cutover.postgres;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection kept idle for its next use, for up to a set time, then closed: the next use within
 * that time is spared a connection made (a server process forked) and a server process whose caches
 * are empty, against a connection held between uses. Once closed it keeps nothing more.
 */
final class SpareConnection {
    private final long keepSeconds;
    private Connection kept;  // guarded by this
    private long since;       // guarded by this: System.nanoTime() when it was kept
    private boolean closed;   // guarded by this

    SpareConnection(long keepSeconds) {
        this.keepSeconds = keepSeconds;
    }

    /** The connection kept, now no longer kept; null when none is. */
    synchronized Connection take() {
        Connection c = kept;
        kept = null;
        return c;
    }

    /** Keeps {@code c}; false when one is kept already or this is closed (the caller closes it). */
    synchronized boolean keep(Connection c) {
        if (kept != null || closed) return false;
        kept = c;
        since = System.nanoTime();
        CompletableFuture.delayedExecutor(keepSeconds, TimeUnit.SECONDS).execute(() -> expire(c));
        return true;
    }

    private void expire(Connection c) {
        synchronized (this) {
            if (kept != c || System.nanoTime() - since < TimeUnit.SECONDS.toNanos(keepSeconds)) return; // taken, or kept again since
            kept = null;
        }
        Pool.closeQuietly(c);
    }

    /** Closes the connection kept, if any, and keeps none after. */
    void close() {
        Connection c;
        synchronized (this) {
            closed = true;
            c = take();
        }
        Pool.closeQuietly(c);
    }
}
