package cutover.analyze;

import cutover.error.ErrorCode;

import java.util.Comparator;
import java.util.Objects;

/**
 * One record the source could not decode, kept as an example for the report: its key as far as it
 * is known (empty when not), the error code, the field concerned (null for the whole record) and why.
 */
public record UnreadableSample(String key, ErrorCode code, String field, String reason) {
    /** Examples are the smallest by this order, so the same ones are kept however the source is split. */
    static final Comparator<UnreadableSample> ORDER = Comparator.comparing(UnreadableSample::key)
            .thenComparing(s -> s.code().name())
            .thenComparing(s -> s.field() == null ? "" : s.field())
            .thenComparing(UnreadableSample::reason);

    public UnreadableSample {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
    }
}
