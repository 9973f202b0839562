package cutover.error;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work given to another thread, whose failure is then this thread's. */
public final class Waiting {
    private Waiting() {}

    /**
     * The result of {@code work}, or its failure thrown here as it was thrown there (a checked one,
     * which Cutover's work does not throw, as an internal error); {@code doing} names it in errors.
     */
    public static <T> T on(Future<T> work, String doing) {
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERRUPTED, "interrupted while " + doing);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new CutoverException(ErrorCode.INTERNAL, doing + " failed: " + cause, cause);
        }
    }
}
