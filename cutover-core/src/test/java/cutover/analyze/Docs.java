package cutover.analyze;

import cutover.connector.RecordReader;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.util.LinkedHashMap;
import java.util.Map;

/** Short builders of test items: {@code doc("users/u1", "name", Value.of("Ann"), "age", Value.of(31))}. */
final class Docs {
    private Docs() {}

    static RecordReader.Item doc(String path, Object... nameValuePairs) {
        return new RecordReader.Ok(new Record(EntityName.ofDocumentPath(path), Key.ofDocumentPath(path), fields(nameValuePairs)));
    }

    static Map<String, Value> fields(Object... nameValuePairs) {
        Map<String, Value> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) fields.put((String) nameValuePairs[i], (Value) nameValuePairs[i + 1]);
        return fields;
    }

    static Value.MapValue map(Object... nameValuePairs) { return new Value.MapValue(fields(nameValuePairs)); }

    static Value.Reference ref(String path) { return new Value.Reference(path); }

    static RecordReader.Item unreadable(String entity, String key, ErrorCode code, String reason) {
        return new RecordReader.Unreadable(entity == null ? null : EntityName.of(entity), key, "{raw}", RecordError.of(code, null, reason));
    }
}
