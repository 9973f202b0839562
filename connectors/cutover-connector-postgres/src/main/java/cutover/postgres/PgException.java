package cutover.postgres;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

/**
 * An error whose retryability is decided by what PostgreSQL said rather than by its code
 * alone: a rejected batch ({@link ErrorCode#TARGET_WRITE_FAILED}) is worth retrying after a
 * serialization failure or a deadlock, never after a constraint violation that will fail again.
 */
final class PgException extends CutoverException {
    private final boolean retryable;

    PgException(ErrorCode code, String message, Throwable cause, boolean retryable) {
        super(code, message, cause);
        this.retryable = retryable;
    }

    @Override
    public boolean retryable() { return retryable; }
}
