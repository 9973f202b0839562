package cutover.error;

import java.util.Objects;

/**
 * Every error Cutover reports carries a stable {@link ErrorCode}. The message names what was found,
 * what was expected and what to do; it never contains a secret (locations are redacted before they
 * get here).
 */
public class CutoverException extends RuntimeException {
    private final ErrorCode code;
    private final boolean retryable;

    public CutoverException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public CutoverException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, code.retryable());
    }

    /**
     * With its retryability decided by what was said rather than by the code alone: a database
     * that does not exist is as unreachable as a server that is down, but trying again cannot help.
     */
    public CutoverException(ErrorCode code, String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.retryable = retryable;
    }

    public ErrorCode code() { return code; }

    /** Whether trying again may succeed: the code's default unless the error said otherwise. */
    public boolean retryable() { return retryable; }

    @Override
    public String toString() { return code + ": " + getMessage(); }
}
