package cutover.firebase;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.connector.RecordReader;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Fields;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams a node-firestore-import-export file. The parser walks the nesting with an explicit
 * stack (root, {@code __collections__}, collection, document, ...), holding only the fields of the
 * documents on the current path. A document is emitted when its object closes, because its
 * {@code __collections__} may come before or after its own fields; so the documents of a
 * subcollection come out before their parent. The order is fixed by the file, so a resumed
 * reader sees the same sequence.
 */
final class NodeExportStream implements ExportStream {
    private static final String COLLECTIONS = "__collections__";
    private static final ExportFormat FORMAT = ExportFormat.NODE_FIRESTORE_IMPORT_EXPORT;

    private final Path file;
    private final JsonParser p;
    private final RawText raw;
    private final NodeValueDecoder values = new NodeValueDecoder();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private boolean started;
    private boolean finished;

    NodeExportStream(Path file, JsonParser parser) {
        this.file = file;
        this.p = parser;
        this.raw = new RawText(file);
    }

    private sealed interface Frame permits Root, Collections, Collection, Document {}

    private record Root() implements Frame {}

    /**
     * A {@code __collections__} object; {@code owner} is null at the root. {@code ids} holds the
     * ids seen per collection id, so that a collection named twice in one object is still checked
     * as one; it lives as long as the object, so ids of subcollections are forgotten with their
     * parent and memory follows the largest collection, not the file.
     */
    private record Collections(Document owner, long start, Map<String, IdHashSet> ids) implements Frame {}

    /** {@code copy} is true under a document that is itself a duplicate: its whole subtree is set aside with it. */
    private record Collection(EntityName entity, String[] parentIds, IdHashSet ids, boolean copy) implements Frame {}

    private static final class Document implements Frame {
        final EntityName entity;
        final String[] ids;
        final long start;
        final int line;
        final boolean duplicate;
        final boolean copy;
        final Fields.Builder fields = Fields.builder(8);
        final ValueProblem problems = new ValueProblem();
        long subcollectionBytes;

        Document(EntityName entity, String[] ids, long start, int line, boolean duplicate, boolean copy) {
            this.entity = entity;
            this.ids = ids;
            this.start = start;
            this.line = line;
            this.duplicate = duplicate;
            this.copy = copy;
        }
    }

    @Override
    public Parsed next() {
        if (finished) return null;
        try {
            if (!started) start();
            while (true) {
                JsonToken t = p.nextToken();
                if (t == null) throw JsonErrors.shape(file, p, FORMAT, "the file ends before the export does");
                Frame top = stack.peek();
                if (top instanceof Root) {
                    if (t == JsonToken.END_OBJECT) return end();
                    if (!COLLECTIONS.equals(p.currentName())) {
                        throw JsonErrors.shape(file, p, FORMAT, "unexpected field '" + p.currentName() + "' at the root (only __collections__ belongs there)");
                    }
                    expectObject("__collections__");
                    stack.push(new Collections(null, offset(), new HashMap<>()));
                } else if (top instanceof Collections c) {
                    if (t == JsonToken.END_OBJECT) {
                        stack.pop();
                        if (c.owner() != null) c.owner().subcollectionBytes += offset() + 1 - c.start();
                    } else {
                        String id = p.currentName();
                        expectObject("collection '" + id + "'");
                        Document owner = c.owner();
                        IdHashSet ids = c.ids().computeIfAbsent(id, k -> new IdHashSet());
                        stack.push(owner == null
                                ? new Collection(EntityName.of(id), new String[0], ids, false)
                                : new Collection(owner.entity.child(id), owner.ids, ids, owner.duplicate || owner.copy));
                    }
                } else if (top instanceof Collection c) {
                    if (t == JsonToken.END_OBJECT) {
                        stack.pop();
                    } else {
                        Parsed notAnObject = startDocument(c, p.currentName());
                        if (notAnObject != null) return notAnObject;
                    }
                } else {
                    Document d = (Document) top;
                    if (t == JsonToken.END_OBJECT) {
                        stack.pop();
                        return finish(d);
                    }
                    String name = p.currentName();
                    if (COLLECTIONS.equals(name)) {
                        expectObject("__collections__ of " + describe(d));
                        stack.push(new Collections(d, offset(), new HashMap<>()));
                    } else {
                        p.nextToken();
                        d.fields.put(name, values.readField(p, name, d.problems));
                    }
                }
            }
        } catch (IOException e) {
            throw JsonErrors.of(file, e);
        }
    }

    private void start() throws IOException {
        started = true;
        if (p.nextToken() != JsonToken.START_OBJECT) throw JsonErrors.shape(file, p, FORMAT, "the file must hold one JSON object");
        stack.push(new Root());
    }

    private Parsed end() throws IOException {
        stack.pop();
        finished = true;
        if (p.nextToken() != null) throw JsonErrors.shape(file, p, FORMAT, "unexpected content after the end of the export");
        return null;
    }

    private void expectObject(String what) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw JsonErrors.shape(file, p, FORMAT, what + " must be an object, found " + p.currentToken());
        }
    }

    /** Opens a document frame, or returns an unreadable item when the document is not an object. */
    private Parsed startDocument(Collection c, String id) throws IOException {
        String[] ids = Arrays.copyOf(c.parentIds(), c.parentIds().length + 1);
        ids[ids.length - 1] = id;
        boolean duplicate = !c.ids().add(id);
        JsonToken t = p.nextToken();
        long start = offset();
        int line = p.currentTokenLocation().getLineNr();
        if (t == JsonToken.START_OBJECT) {
            stack.push(new Document(c.entity(), ids, start, line, duplicate, c.copy()));
            return null;
        }
        p.skipChildren();
        String key = String.join("/", ids);
        String text = raw.read(start, p.currentLocation().getByteOffset());
        RecordError error = RecordError.of(ErrorCode.RECORD_TYPE_MISMATCH, null,
                "document " + c.entity() + " " + key + " in " + file.getFileName() + " line " + line + " is " + t + ", expected an object");
        return new Parsed(new RecordReader.Unreadable(c.entity(), key, text, error), c.entity(), text.length());
    }

    private Parsed finish(Document d) {
        long end = offset() + 1;
        long bytes = end - d.start - d.subcollectionBytes;
        String key = String.join("/", d.ids);
        if (d.copy) {
            RecordError error = RecordError.of(ErrorCode.RECORD_DUPLICATE_KEY, null,
                    "document " + describe(d) + " (line " + d.line + " of " + file.getFileName()
                            + ") lies under a second copy of an ancestor document, which is set aside with everything below it");
            return new Parsed(new RecordReader.Unreadable(d.entity, key, raw.read(d.start, end), error), d.entity, bytes);
        }
        if (d.duplicate) {
            RecordError error = RecordError.of(ErrorCode.RECORD_DUPLICATE_KEY, null,
                    "document id '" + d.ids[d.ids.length - 1] + "' appears more than once in collection " + d.entity
                            + (d.ids.length > 1 ? " under " + String.join("/", Arrays.copyOf(d.ids, d.ids.length - 1)) : "")
                            + " of " + file.getFileName() + "; this copy (line " + d.line + ") is set aside, the first one is kept");
            return new Parsed(new RecordReader.Unreadable(d.entity, key, raw.read(d.start, end), error), d.entity, bytes);
        }
        if (d.problems.any()) {
            return new Parsed(new RecordReader.Unreadable(d.entity, key, raw.read(d.start, end), d.problems.first()), d.entity, bytes);
        }
        return new Parsed(new RecordReader.Ok(new Record(d.entity, Key.of(d.ids), d.fields.build())), d.entity, bytes);
    }

    private long offset() {
        return p.currentTokenLocation().getByteOffset();
    }

    private String describe(Document d) {
        return d.entity + " " + String.join("/", d.ids);
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
