package cutover.firebase;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells the format of an export file from its first tokens: an object whose first field is
 * {@code __collections__} is node-firestore-import-export; an array whose first document carries a
 * firestore2json id field (or an empty array) is firestore2json. Reads at most the first document.
 */
final class FormatDetector {
    private FormatDetector() {}

    static ExportFormat detect(Path file) {
        try (JsonParser p = ExportStream.JSON.createParser(Files.newInputStream(file))) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                if (p.nextToken() == JsonToken.FIELD_NAME && "__collections__".equals(p.currentName())) {
                    return ExportFormat.NODE_FIRESTORE_IMPORT_EXPORT;
                }
                throw unknown(file, "a JSON object whose first field is not __collections__");
            }
            if (first == JsonToken.START_ARRAY) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_ARRAY) return ExportFormat.FIRESTORE2JSON;
                if (t == JsonToken.START_OBJECT) {
                    java.util.Set<String> names = new java.util.HashSet<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        names.add(p.currentName());
                        p.nextToken();
                        p.skipChildren();
                    }
                    if (Firestore2JsonStream.idField(names) != null) return ExportFormat.FIRESTORE2JSON;
                    throw unknown(file, "a JSON array whose first document has none of the id fields "
                            + String.join(", ", Firestore2JsonStream.ID_FIELDS));
                }
                throw unknown(file, "a JSON array of " + t + " rather than of documents");
            }
            throw unknown(file, first == null ? "an empty file" : "a JSON " + first);
        } catch (IOException e) {
            throw JsonErrors.of(file, e);
        }
    }

    private static CutoverException unknown(Path file, String found) {
        return new CutoverException(ErrorCode.SOURCE_FORMAT_UNKNOWN, file + " is not a Firestore JSON export Cutover reads: found "
                + found + ". Expected node-firestore-import-export ({\"__collections__\": {...}}) or firestore2json "
                + "([{\"firestore_id\": ..., ...}]); see docs/connectors/firestore-export.md");
    }
}
