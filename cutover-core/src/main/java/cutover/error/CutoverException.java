package cutover.error;

import java.util.Objects;

/**
 * Every error Cutover reports carries a stable {@link ErrorCode}. The message names what was found,
 * what was expected and what to do; it never contains a secret (locations are redacted before they
 * get here).
 */
public class CutoverException extends RuntimeException {
    private final ErrorCode code;

    public CutoverException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public CutoverException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() { return code; }

    public boolean retryable() { return code.retryable(); }

    @Override
    public String toString() { return code + ": " + getMessage(); }
}
