package cutover.plan;

import cutover.error.ErrorCode;
import cutover.error.RecordError;

/** Why one value cannot go into its column; caught by the mapper and turned into a dead letter. */
final class RowProblem extends Exception {
    private final transient RecordError error;

    RowProblem(ErrorCode code, String field, String reason) {
        super(reason, null, false, false); // no stack trace: this is an expected outcome, not a bug
        this.error = RecordError.of(code, field, reason);
    }

    RecordError error() { return error; }
}
