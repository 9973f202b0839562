package cutover.migrate;

import cutover.connector.Sink;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why the target would refuse one of the rows a source record maps to, if it would: the check a
 * migration makes before writing (so that only this record is set aside), and that verify repeats
 * to know which records the target is not expected to hold.
 */
public final class RowChecks {
    private RowChecks() {}

    /** The first refusal among the rows, naming a row whose table the plan does not define as one. */
    public static Optional<RecordError> refusal(Sink sink, Map<String, Table> tablesByName, List<Record> rows) {
        for (Record row : rows) {
            Table table = tablesByName.get(row.entity().value());
            if (table == null) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_TRANSFORM_FAILED, null,
                        "the plan mapped this record to table " + row.entity() + ", which the plan does not define"));
            }
            Optional<RecordError> e = sink.check(table, row);
            if (e.isPresent()) return e;
        }
        return Optional.empty();
    }
}
