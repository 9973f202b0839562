package cutover.error;

import java.util.Objects;

/**
 * Why one record cannot be moved: a code, the field concerned (or null for the whole record), and a
 * message that says what was found and what was expected. Record-level: the record goes to the
 * dead-letter file and the run goes on.
 */
public record RecordError(ErrorCode code, String field, String reason) {
    public RecordError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
    }

    public static RecordError of(ErrorCode code, String field, String reason) {
        return new RecordError(code, field, reason);
    }
}
