package cutover.firebase;

import cutover.error.ErrorCode;
import cutover.error.RecordError;

/**
 * Collects the first problem found while decoding one document's values. Decoding goes on after a
 * problem so that the parser stays in step with the file; the document is then set aside.
 */
final class ValueProblem {
    private RecordError first;

    void report(ValuePath field, String reason) {
        report(field, ErrorCode.RECORD_UNKNOWN_MARKER, reason);
    }

    void report(ValuePath field, ErrorCode code, String reason) {
        if (first == null) first = RecordError.of(code, field.toString(), reason);
    }

    RecordError first() { return first; }

    boolean any() { return first != null; }
}
