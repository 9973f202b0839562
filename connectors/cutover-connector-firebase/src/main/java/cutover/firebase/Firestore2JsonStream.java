package cutover.firebase;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.connector.RecordReader;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams a firestore2json file: an array of documents of one collection, named by the file
 * ({@code users.json} holds {@code users}). firestore2json stores the id in {@code firestore_id};
 * when a document already had that field it used {@code firestoreid}, then {@code original_id},
 * then {@code originalid}. So the id is the last field of that chain whose predecessors are all
 * present, and that field is taken out of the document's fields.
 */
final class Firestore2JsonStream implements ExportStream {
    static final List<String> ID_FIELDS = List.of("firestore_id", "firestoreid", "original_id", "originalid");
    private static final ExportFormat FORMAT = ExportFormat.FIRESTORE2JSON;

    private final Path file;
    private final EntityName entity;
    private final JsonParser p;
    private final RawText raw;
    private final Firestore2JsonValueDecoder values = new Firestore2JsonValueDecoder();
    private final IdHashSet seen = new IdHashSet();
    private boolean started;
    private boolean finished;
    private long index;

    Firestore2JsonStream(Path file, String relativeName, JsonParser parser) {
        this.file = file;
        this.entity = entityOf(relativeName);
        this.p = parser;
        this.raw = new RawText(file);
    }

    /** {@code users.json} holds the collection {@code users}; a folder in the name is not part of it. */
    static EntityName entityOf(String relativeName) {
        String name = relativeName.substring(relativeName.lastIndexOf('/') + 1);
        return EntityName.of(name.endsWith(".json") ? name.substring(0, name.length() - 5) : name);
    }

    @Override
    public Parsed next() {
        if (finished) return null;
        try {
            if (!started) {
                started = true;
                if (p.nextToken() != JsonToken.START_ARRAY) throw JsonErrors.shape(file, p, FORMAT, "the file must hold one JSON array");
            }
            JsonToken t = p.nextToken();
            if (t == null) throw JsonErrors.shape(file, p, FORMAT, "the file ends before the array does");
            if (t == JsonToken.END_ARRAY) {
                finished = true;
                if (p.nextToken() != null) throw JsonErrors.shape(file, p, FORMAT, "unexpected content after the end of the array");
                return null;
            }
            long start = p.currentTokenLocation().getByteOffset();
            int line = p.currentTokenLocation().getLineNr();
            long at = index++;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                String text = raw.read(start, p.currentLocation().getByteOffset());
                return unreadable("#" + at, text, RecordError.of(ErrorCode.RECORD_TYPE_MISMATCH, null,
                        "element " + at + " of " + file.getFileName() + " (line " + line + ") is " + t + ", expected a document object"));
            }
            Map<String, Value> fields = new LinkedHashMap<>();
            ValueProblem problems = new ValueProblem();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                fields.put(name, values.readField(p, name, problems));
            }
            long end = p.currentTokenLocation().getByteOffset() + 1;
            return document(fields, problems, start, end, line, at);
        } catch (IOException e) {
            throw JsonErrors.of(file, e);
        }
    }

    private Parsed document(Map<String, Value> fields, ValueProblem problems, long start, long end, int line, long at) {
        String idField = idField(fields.keySet());
        if (idField == null || !(fields.get(idField) instanceof Value.Text id)) {
            return unreadable("#" + at, raw.read(start, end), RecordError.of(ErrorCode.RECORD_MISSING_REQUIRED, idField,
                    "document " + at + " of " + file.getFileName() + " (line " + line + ") has no string id in "
                            + String.join("/", ID_FIELDS)));
        }
        fields.remove(idField);
        if (!seen.add(id.value())) {
            return unreadable(id.value(), raw.read(start, end), RecordError.of(ErrorCode.RECORD_DUPLICATE_KEY, idField,
                    "document id '" + id.value() + "' appears more than once in " + file.getFileName()
                            + "; this copy (line " + line + ") is set aside, the first one is kept"));
        }
        if (problems.any()) return unreadable(id.value(), raw.read(start, end), problems.first());
        return new Parsed(new RecordReader.Ok(new Record(entity, Key.of(id.value()), fields)), entity, end - start);
    }

    static String idField(java.util.Set<String> names) {
        String found = null;
        for (String candidate : ID_FIELDS) {
            if (!names.contains(candidate)) break;
            found = candidate;
        }
        return found;
    }

    private Parsed unreadable(String key, String text, RecordError error) {
        return new Parsed(new RecordReader.Unreadable(entity, key, text, error), entity, text.length());
    }

    @Override
    public void close() {
        raw.close();
        try {
            p.close();
        } catch (IOException ignored) {
            // read-only input
        }
    }
}
