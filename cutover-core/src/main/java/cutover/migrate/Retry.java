package cutover.migrate;

import cutover.error.CutoverException;

import java.time.Duration;

/**
 * Exponential backoff for retryable target errors: a restarting server or a dropped connection
 * should not end a migration of millions of records, but a target that stays down must end it with
 * a clear error instead of hanging.
 */
public record Retry(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    public static final Retry DEFAULT = new Retry(6, Duration.ofMillis(250), Duration.ofSeconds(8));
    public static final Retry NONE = new Retry(1, Duration.ZERO, Duration.ZERO);

    public Retry {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }

    Duration delayBefore(int attempt) {
        long ms = initialDelay.toMillis() << Math.min(attempt - 2, 20);
        return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    }

    boolean shouldRetry(CutoverException e, int attempt) {
        return e.retryable() && attempt < maxAttempts;
    }
}
