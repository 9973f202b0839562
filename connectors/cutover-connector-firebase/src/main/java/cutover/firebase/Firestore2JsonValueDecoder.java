package cutover.firebase;

import cutover.model.Value;

import java.util.Map;

/**
 * Values of a firestore2json file, which are whatever {@code JSON.stringify} made of the Admin
 * SDK's objects: a Timestamp is {@code {"_seconds", "_nanoseconds"}}, a GeoPoint
 * {@code {"_latitude", "_longitude"}}, a Buffer (bytes) {@code {"type": "Buffer", "data": [...]}},
 * and a DocumentReference its internals, of which {@code _path.segments} gives the path. Only
 * objects with exactly those keys are taken as typed; anything else is a map.
 */
final class Firestore2JsonValueDecoder extends ValueDecoder {

    @Override
    Value object(Map<String, Value> fields, ValuePath path, ValueProblem problems) {
        Value typed = typed(fields, path, problems);
        return typed != null ? typed : new Value.MapValue(fields);
    }

    private Value typed(Map<String, Value> f, ValuePath path, ValueProblem problems) {
        if (f.size() == 2 && f.containsKey("_seconds") && f.containsKey("_nanoseconds")) {
            Value t = timestamp(f.get("_seconds"), f.get("_nanoseconds"), path, problems);
            return t == null ? Value.NULL : t;
        }
        if (f.size() == 2 && f.containsKey("_latitude") && f.containsKey("_longitude")) {
            Value g = geoPoint(f.get("_latitude"), f.get("_longitude"), path, problems);
            return g == null ? Value.NULL : g;
        }
        if (f.size() == 2 && Value.of("Buffer").equals(f.get("type")) && f.get("data") instanceof Value.Array data) {
            byte[] bytes = new byte[data.values().size()];
            for (int i = 0; i < bytes.length; i++) {
                Long b = asLong(data.values().get(i));
                if (b == null || b < 0 || b > 255) {
                    problems.report(path, "malformed Buffer: data[" + i + "] is " + data.values().get(i) + ", expected a byte 0-255");
                    return Value.NULL;
                }
                bytes[i] = (byte) (long) b;
            }
            return Value.of(bytes);
        }
        if (f.containsKey("_firestore") && f.get("_path") instanceof Value.MapValue p
                && p.fields().get("segments") instanceof Value.Array segments) {
            StringBuilder documentPath = new StringBuilder();
            for (Value s : segments.values()) {
                if (!(s instanceof Value.Text t)) {
                    problems.report(path, "malformed DocumentReference: a _path segment is " + s + ", expected a string");
                    return Value.NULL;
                }
                if (documentPath.length() > 0) documentPath.append('/');
                documentPath.append(t.value());
            }
            if (!isDocumentPath(documentPath.toString())) {
                problems.report(path, "malformed DocumentReference: '" + documentPath + "' is not a document path");
                return Value.NULL;
            }
            return new Value.Reference(documentPath.toString());
        }
        return null;
    }
}
