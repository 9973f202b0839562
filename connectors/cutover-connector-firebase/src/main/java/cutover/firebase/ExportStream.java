package cutover.firebase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import cutover.connector.RecordReader;
import cutover.model.EntityName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The documents of one export file, in file order, parsed as they stream past. */
interface ExportStream extends AutoCloseable {
    JsonFactory JSON = new JsonFactory();

    /** The next document (read or set aside), or null at the end of the file. */
    Parsed next();

    @Override
    void close();

    /** One item and the size of the document's own text in bytes (subcollections excluded). */
    record Parsed(RecordReader.Item item, EntityName entity, long bytes) {}

    static ExportStream open(Path file, String relativeName, ExportFormat format) {
        try {
            JsonParser parser = JSON.createParser(Files.newInputStream(file));
            return switch (format) {
                case NODE_FIRESTORE_IMPORT_EXPORT -> new NodeExportStream(file, parser);
                case FIRESTORE2JSON -> new Firestore2JsonStream(file, relativeName, parser);
            };
        } catch (IOException e) {
            throw JsonErrors.of(file, e);
        }
    }
}
