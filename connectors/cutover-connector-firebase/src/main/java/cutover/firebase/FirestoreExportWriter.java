package cutover.firebase;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes documents as a node-firestore-import-export file, streaming, so that exports of any size
 * can be produced for demos and benchmarks. Documents must arrive depth-first: a document, then the
 * documents of its subcollections (recursively), then the next document. The writer keeps the path
 * of open collections and documents and throws {@link IllegalStateException} for a document whose
 * parent is not open or whose collection was already closed, since JSON cannot reopen an object.
 *
 * <p>Every {@link Value} kind is written so that reading the file back gives an equal value: the
 * format's own markers for timestamps, geopoints and references, and Cutover's markers
 * ({@code bytes}, {@code decimal}, {@code date}, {@code double}) for what the format lacks. A
 * timestamp or date outside the years Firestore holds (1 to 9999, UTC) is refused
 * ({@link #outOfRange}): written, it would be a time Firestore cannot import.
 */
public final class FirestoreExportWriter implements AutoCloseable {
    private final JsonGenerator gen;
    /** levels.get(0) is the root; levels.get(i) the open document at depth i. */
    private final List<Level> levels = new ArrayList<>();
    private boolean closed;

    /** A container of collections: the root, or an open document. */
    private static final class Level {
        final String collection;
        final String id;
        String openCollection;
        boolean collectionsOpen;
        final Set<String> closedCollections = new HashSet<>();

        Level(String collection, String id) {
            this.collection = collection;
            this.id = id;
        }
    }

    /** The first and last instants a Firestore timestamp holds: 0001-01-01 to 9999-12-31, UTC. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z"), LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private FirestoreExportWriter(JsonGenerator gen) throws IOException {
        this.gen = gen;
        gen.writeStartObject();
        gen.writeFieldName("__collections__");
        gen.writeStartObject();
        Level root = new Level(null, null);
        root.collectionsOpen = true;
        levels.add(root);
    }

    /** Creates (or replaces) the file. */
    public static FirestoreExportWriter create(Path file) {
        try {
            return new FirestoreExportWriter(ExportStream.JSON.createGenerator(file.toFile(), JsonEncoding.UTF8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /** Writes one document; its entity is its collection pattern, its key the ids from the root. */
    public void write(Record document) {
        if (closed) throw new IllegalStateException("the writer is closed");
        List<String> collections = document.entity().collectionIds();
        List<String> ids = idsOf(document.key(), document.entity());
        int depth = collections.size();
        for (int i = 1; i < depth; i++) {
            if (i >= levels.size() || !levels.get(i).collection.equals(collections.get(i - 1)) || !levels.get(i).id.equals(ids.get(i - 1))) {
                throw new IllegalStateException("document " + path(collections, ids, depth) + " arrives while its parent "
                        + path(collections, ids, depth - 1) + " is not the open document: write documents depth-first");
            }
        }
        if (document.fields().containsKey("__collections__")) {
            throw new IllegalArgumentException("document " + path(collections, ids, depth)
                    + " has a field named __collections__, which this format reserves for subcollections");
        }
        for (Map.Entry<String, Value> field : document.fields().entrySet()) {
            String at = markerKeyAt(field.getValue());
            if (at != null) {
                throw new IllegalArgumentException("field " + field.getKey() + at + " of " + path(collections, ids, depth)
                        + " is a map with a key __datatype__, which this format reserves for typed values");
            }
        }
        Optional<RecordError> outOfRange = outOfRange(document);
        if (outOfRange.isPresent()) throw new IllegalArgumentException(outOfRange.get().reason());
        // Every check comes before any output, so a refused record leaves the writer as it was.
        Level parent = levels.get(depth - 1);
        String collection = collections.get(depth - 1);
        String id = ids.get(depth - 1);
        if (levels.size() > depth && levels.get(depth).collection.equals(collection) && levels.get(depth).id.equals(id)) {
            throw new IllegalStateException("document " + path(collections, ids, depth) + " is written twice");
        }
        if (!collection.equals(parent.openCollection) && parent.closedCollections.contains(collection)) {
            throw new IllegalStateException("document " + path(collections, ids, depth) + " arrives after its collection "
                    + collection + " was closed by another collection: write each collection's documents together");
        }
        try {
            while (levels.size() > depth) closeDocument(levels.remove(levels.size() - 1));
            if (parent.openCollection != null && !parent.openCollection.equals(collection)) {
                gen.writeEndObject();
                parent.closedCollections.add(parent.openCollection);
                parent.openCollection = null;
            }
            if (parent.openCollection == null) {
                if (!parent.collectionsOpen) {
                    gen.writeFieldName("__collections__");
                    gen.writeStartObject();
                    parent.collectionsOpen = true;
                }
                gen.writeFieldName(collection);
                gen.writeStartObject();
                parent.openCollection = collection;
            }
            gen.writeFieldName(id);
            gen.writeStartObject();
            for (Map.Entry<String, Value> field : document.fields().entrySet()) {
                gen.writeFieldName(field.getKey());
                writeValue(field.getValue());
            }
            levels.add(new Level(collection, id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens, as documents with no fields, the parents of {@code document} that are not the open
     * documents: a source may hold a subcollection's documents without their parent's (Firestore
     * keeps subcollections of deleted documents), or a partial restore may leave it out, and this
     * format places a subcollection only inside its parent. Returns how many it wrote; call it
     * before {@link #write(Record)}, in the same depth-first order.
     */
    public int openMissingParents(Record document) {
        List<String> collections = document.entity().collectionIds();
        List<String> ids = idsOf(document.key(), document.entity());
        int opened = 0;
        for (int i = 1; i < collections.size(); i++) {
            if (i < levels.size() && levels.get(i).collection.equals(collections.get(i - 1)) && levels.get(i).id.equals(ids.get(i - 1))) continue;
            EntityName parent = new EntityName(String.join("/*/", collections.subList(0, i)));
            write(new Record(parent, new Key(document.key().parts().subList(0, i)), Map.of()));
            opened++;
        }
        return opened;
    }

    /**
     * The document ids of {@code key} from the root, one per collection of {@code entity}: strings as
     * they are, integers (a database table's key) in decimal; refuses any other kind of key part.
     */
    static List<String> idsOf(Key key, EntityName entity) {
        if (key.parts().size() != entity.depth()) {
            throw new IllegalArgumentException("key " + key + " has " + key.parts().size() + " parts but " + entity + " needs " + entity.depth());
        }
        List<String> ids = new ArrayList<>();
        for (Value part : key.parts()) {
            if (part instanceof Value.Text t) ids.add(t.value());
            else if (part instanceof Value.Int64 n) ids.add(Long.toString(n.value()));
            else throw new IllegalArgumentException("document ids are strings (or integers, written in decimal); key " + key + " has a "
                    + part.kind().name().toLowerCase(java.util.Locale.ROOT) + " part (" + part + "), which is neither");
        }
        return ids;
    }

    private static String path(List<String> collections, List<String> ids, int depth) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) s.append('/');
            s.append(collections.get(i)).append('/').append(ids.get(i));
        }
        return s.toString();
    }

    /**
     * Why {@code document} cannot be written as it is, at record level (RECORD_VALUE_OUT_OF_RANGE,
     * the field's path such as {@code meta.when} or {@code dates[2]}): a timestamp or a date outside
     * the years Firestore holds, 1 to 9999 UTC. PostgreSQL's {@code infinity} and {@code -infinity}
     * are read as the furthest times Java holds, far outside them. Empty when every value fits.
     */
    /** Why the export cannot hold the document as it is (an id Firestore refuses, a time out of its years), or empty. */
    static Optional<RecordError> refusal(Record document) {
        return invalidId(document).or(() -> outOfRange(document));
    }

    /**
     * An id of the document's path Firestore refuses: empty, {@code .} or {@code ..}, holding a
     * {@code /}, of the reserved form {@code __…__}, or longer than 1,500 bytes (a database's key can
     * be any of these; imported, such a document would be refused or land elsewhere).
     */
    static Optional<RecordError> invalidId(Record document) {
        // a collection's id (a table's name) is held to the same rules
        for (String collection : document.entity().collectionIds()) {
            String why = whyRefused(collection);
            if (why != null) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, null, "the collection id \"" + shown(collection) + "\" of "
                        + document.entity() + " " + why + ", which Firestore refuses: its documents are set aside"));
            }
        }
        for (Value part : document.key().parts()) {
            if (!(part instanceof Value.Text t)) continue; // an integer is written in decimal; another kind stops the write, named
            String why = whyRefused(t.value());
            if (why != null) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, null, "the document id \"" + shown(t.value())
                        + "\" of " + document.key() + " (" + document.entity() + ") " + why + ", which Firestore refuses: the document is set aside"));
            }
        }
        return Optional.empty();
    }

    /** Why Firestore refuses an id of a document or collection, or null where it takes it. */
    private static String whyRefused(String id) {
        return id.isEmpty() ? "is empty" : id.equals(".") || id.equals("..") ? "is . or .." : id.indexOf('/') >= 0 ? "holds a /"
                : id.length() >= 4 && id.startsWith("__") && id.endsWith("__") ? "has the reserved form __…__"
                : id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1500 ? "is longer than 1,500 bytes" : null;
    }

    private static String shown(String id) {
        return id.length() > 80 ? id.substring(0, 80) + "…" : id;
    }

    static Optional<RecordError> outOfRange(Record document) {
        for (Map.Entry<String, Value> field : document.fields().entrySet()) {
            String[] hit = outOfRangeAt(field.getValue());
            if (hit != null) {
                String at = field.getKey() + hit[0];
                return Optional.of(RecordError.of(ErrorCode.RECORD_VALUE_OUT_OF_RANGE, at, "field " + at + " of document "
                        + document.key() + " (" + document.entity() + ") holds the " + hit[1] + ", outside the years a Firestore "
                        + hit[2] + " holds (" + (hit[2].equals("date") ? "0001-01-01 to 9999-12-31" : EARLIEST + " to " + LATEST)
                        + "; PostgreSQL's infinity and -infinity read as the furthest times Java holds): the document is set aside"));
            }
        }
        return Optional.empty();
    }

    /**
     * Where in the value a timestamp or date out of Firestore's range sits, with the value and the
     * kind's name ({"", "timestamp +1000000000-01-01T17:59:59.999999999Z", "timestamp"}), or null
     * when nowhere; the path is built only on the way out of a hit, as {@link #markerKeyAt}'s.
     */
    private static String[] outOfRangeAt(Value value) {
        if (value instanceof Value.Timestamp t) {
            Instant i = t.value();
            return i.isBefore(EARLIEST) || i.isAfter(LATEST) ? new String[] {"", "timestamp " + i, "timestamp"} : null;
        }
        if (value instanceof Value.Date d) {
            int year = d.value().getYear();
            return year < 1 || year > 9999 ? new String[] {"", "date " + d.value(), "date"} : null;
        }
        if (value instanceof Value.MapValue m) {
            for (Map.Entry<String, Value> e : m.fields().entrySet()) {
                String[] below = outOfRangeAt(e.getValue());
                if (below != null) return new String[] {"." + e.getKey() + below[0], below[1], below[2]};
            }
        } else if (value instanceof Value.Array a) {
            for (int i = 0; i < a.values().size(); i++) {
                String[] below = outOfRangeAt(a.values().get(i));
                if (below != null) return new String[] {"[" + i + "]" + below[0], below[1], below[2]};
            }
        }
        return null;
    }

    /**
     * Where in the value a map has a __datatype__ key (which would read back as a typed value, so
     * cannot be written): "" for the value itself, ".a[2]" below it, null when nowhere. The path is
     * built only on the way out of a hit, so the common case allocates nothing.
     */
    private static String markerKeyAt(Value value) {
        if (value instanceof Value.MapValue m) {
            if (m.fields().containsKey(NodeValueDecoder.MARKER)) return "";
            for (Map.Entry<String, Value> e : m.fields().entrySet()) {
                String below = markerKeyAt(e.getValue());
                if (below != null) return "." + e.getKey() + below;
            }
        } else if (value instanceof Value.Array a) {
            for (int i = 0; i < a.values().size(); i++) {
                String below = markerKeyAt(a.values().get(i));
                if (below != null) return "[" + i + "]" + below;
            }
        }
        return null;
    }

    private void closeDocument(Level doc) throws IOException {
        if (doc.openCollection != null) gen.writeEndObject();
        if (doc.collectionsOpen) gen.writeEndObject();
        gen.writeEndObject();
    }

    private void writeValue(Value value) throws IOException {
        switch (value.kind()) {
            case NULL, JSON_NULL -> gen.writeNull(); // Firestore has one null
            case BOOL -> gen.writeBoolean(((Value.Bool) value).value());
            case INT64 -> gen.writeNumber(((Value.Int64) value).value());
            case FLOAT64 -> {
                double d = ((Value.Float64) value).value();
                if (Double.isFinite(d)) gen.writeNumber(d);
                else marker(NodeValueDecoder.DOUBLE, Double.toString(d));
            }
            case DECIMAL -> marker(NodeValueDecoder.DECIMAL, ((Value.Decimal) value).value().toString());
            case TIMESTAMP -> {
                Instant t = ((Value.Timestamp) value).value();
                startMarker(NodeValueDecoder.TIMESTAMP);
                gen.writeStartObject();
                gen.writeNumberField("_seconds", t.getEpochSecond());
                gen.writeNumberField("_nanoseconds", t.getNano());
                gen.writeEndObject();
                gen.writeEndObject();
            }
            case DATE -> marker(NodeValueDecoder.DATE, ((Value.Date) value).value().toString());
            case TEXT -> gen.writeString(((Value.Text) value).value());
            case BYTES -> marker(NodeValueDecoder.BYTES, Base64.getEncoder().encodeToString(((Value.Bytes) value).toByteArray()));
            case REFERENCE -> marker(NodeValueDecoder.REFERENCE, ((Value.Reference) value).path());
            case GEOPOINT -> {
                Value.GeoPoint g = (Value.GeoPoint) value;
                startMarker(NodeValueDecoder.GEOPOINT);
                gen.writeStartObject();
                gen.writeFieldName("_latitude");
                gen.writeNumber(g.latitude());
                gen.writeFieldName("_longitude");
                gen.writeNumber(g.longitude());
                gen.writeEndObject();
                gen.writeEndObject();
            }
            case ARRAY -> {
                gen.writeStartArray();
                for (Value v : ((Value.Array) value).values()) writeValue(v);
                gen.writeEndArray();
            }
            case MAP -> {
                Map<String, Value> fields = ((Value.MapValue) value).fields();
                gen.writeStartObject();
                for (Map.Entry<String, Value> e : fields.entrySet()) {
                    gen.writeFieldName(e.getKey());
                    writeValue(e.getValue());
                }
                gen.writeEndObject();
            }
        }
    }

    private void startMarker(String type) throws IOException {
        gen.writeStartObject();
        gen.writeStringField(NodeValueDecoder.MARKER, type);
        gen.writeFieldName(NodeValueDecoder.VALUE);
    }

    private void marker(String type, String value) throws IOException {
        startMarker(type);
        gen.writeString(value);
        gen.writeEndObject();
    }

    /** Closes every open document and collection and the file; idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            while (levels.size() > 1) closeDocument(levels.remove(levels.size() - 1));
            Level root = levels.get(0);
            if (root.openCollection != null) gen.writeEndObject();
            gen.writeEndObject();
            gen.writeEndObject();
            gen.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
