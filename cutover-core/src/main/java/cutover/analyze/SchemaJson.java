package cutover.analyze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Value;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of an analysis ({@code analyze --json}), specified in {@code docs/analyze-json.md}:
 * pretty-printed, fields always in the same order, kinds in lower case. {@link #read} gives back
 * exactly the {@link Schema} that was written. Derived fields ({@code conflict}, {@code nulls},
 * {@code targetInSource}) are written for readers of the file and ignored when reading it back.
 * A file that is not an analysis fails with {@link ErrorCode#PLAN_INVALID}: it is the input of the plan.
 */
public final class SchemaJson {
    /** Written as {@code version}; a reader refuses a newer one. */
    public static final int VERSION = 1;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private SchemaJson() {}

    public static void write(Schema schema, OutputStream out) {
        write(AnalyzeResult.of(schema), out);
    }

    /** Writes the schema with its notes (unreadable examples, unlisted paths). Does not close {@code out}. */
    public static void write(AnalyzeResult result, OutputStream out) {
        try (JsonGenerator gen = FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
            gen.setPrettyPrinter(pretty);
            Schema schema = result.schema();
            gen.writeStartObject();
            gen.writeNumberField("version", VERSION);
            gen.writeStringField("source", schema.source());
            gen.writeArrayFieldStart("entities");
            for (EntitySchema e : schema.entities()) writeEntity(gen, schema, e, result.notes(e.name()));
            gen.writeEndArray();
            gen.writeObjectFieldStart("unreadableWithoutEntity");
            gen.writeNumberField("count", result.unreadableWithoutEntity());
            writeSamples(gen, "examples", result.unreadableWithoutEntitySamples());
            gen.writeEndObject();
            gen.writeEndObject();
            gen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeEntity(JsonGenerator gen, Schema schema, EntitySchema e, EntityNotes notes) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("name", e.name().value());
        gen.writeNumberField("count", e.count());
        gen.writeNumberField("bytes", e.totalBytes());
        writeStrings(gen, "key", e.keyColumns());
        if (e.declaredNullable() != null) writeStrings(gen, "nullableColumns", e.declaredNullable());
        writeStrings(gen, "subcollections", e.subcollections().stream().map(EntityName::value).toList());
        gen.writeNumberField("unreadable", e.unreadable());
        writeSamples(gen, "unreadableExamples", notes.unreadableSamples());
        gen.writeNumberField("unlistedPaths", notes.unlistedPaths());
        gen.writeBooleanField("unlistedPathsCapped", notes.unlistedPathsCapped());
        gen.writeArrayFieldStart("fields");
        for (FieldStats f : e.fields()) writeField(gen, schema, f);
        gen.writeEndArray();
        gen.writeEndObject();
    }

    private static void writeField(JsonGenerator gen, Schema schema, FieldStats f) throws IOException {
        gen.writeStartObject();
        writeStrings(gen, "path", f.path());
        gen.writeNumberField("present", f.present());
        gen.writeNumberField("nulls", f.nulls());
        gen.writeObjectFieldStart("kinds");
        for (Value.Kind k : Value.Kind.values()) {
            Long n = f.kinds().get(k);
            if (n != null) gen.writeNumberField(kindName(k), n);
        }
        gen.writeEndObject();
        gen.writeBooleanField("conflict", f.hasConflict());
        gen.writeNumberField("minInt", f.minInt());
        gen.writeNumberField("maxInt", f.maxInt());
        gen.writeNumberField("maxTextLength", f.maxTextLength());
        gen.writeNumberField("maxArrayLength", f.maxArrayLength());
        gen.writeArrayFieldStart("references");
        for (FieldStats.ReferenceStats r : f.references()) {
            gen.writeStartObject();
            gen.writeStringField("target", r.target().value());
            gen.writeBooleanField("targetInSource", schema.targetInSource(r.target()));
            gen.writeNumberField("count", r.count());
            gen.writeNumberField("dangling", r.dangling());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        writeStrings(gen, "examples", f.examples());
        gen.writeEndObject();
    }

    private static void writeSamples(JsonGenerator gen, String name, List<UnreadableSample> samples) throws IOException {
        gen.writeArrayFieldStart(name);
        for (UnreadableSample s : samples) {
            gen.writeStartObject();
            gen.writeStringField("key", s.key());
            gen.writeStringField("code", s.code().name());
            gen.writeStringField("field", s.field());
            gen.writeStringField("reason", s.reason());
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    private static void writeStrings(JsonGenerator gen, String name, List<String> values) throws IOException {
        gen.writeArrayFieldStart(name);
        for (String v : values) gen.writeString(v);
        gen.writeEndArray();
    }

    static String kindName(Value.Kind kind) { return kind.name().toLowerCase(Locale.ROOT); }

    public static Schema read(InputStream in) {
        return readResult(in).schema();
    }

    /** Reads the schema and its notes. */
    public static AnalyzeResult readResult(InputStream in) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw invalid("not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "could not read the analysis: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw invalid("expected a JSON object at the top");
        long version = longOf(root, "version", "the file");
        if (version != VERSION) {
            throw invalid("version " + version + " is not supported (this Cutover reads version " + VERSION + "); run analyze again");
        }
        List<EntitySchema> entities = new ArrayList<>();
        List<EntityNotes> notes = new ArrayList<>();
        int i = 0;
        for (JsonNode e : arrayOf(root, "entities", "the file")) {
            String where = "entities[" + i++ + "]";
            EntityName name = entityName(textOf(e, "name", where), where + ".name");
            where = "entity " + name;
            List<FieldStats> fields = new ArrayList<>();
            int j = 0;
            for (JsonNode f : arrayOf(e, "fields", where)) fields.add(readField(f, where + " fields[" + j++ + "]"));
            entities.add(new EntitySchema(name, longOf(e, "count", where), longOf(e, "bytes", where), strings(e, "key", where),
                    strings(e, "subcollections", where).stream().map(s -> entityName(s, "subcollections of " + name)).toList(),
                    longOf(e, "unreadable", where), fields));
            EntityNotes n = new EntityNotes(name, samples(e.get("unreadableExamples"), where),
                    e.has("unlistedPaths") ? longOf(e, "unlistedPaths", where) : 0,
                    e.path("unlistedPathsCapped").asBoolean(false));
            if (!n.isEmpty()) notes.add(n);
        }
        JsonNode without = root.path("unreadableWithoutEntity");
        long withoutCount = without.isObject() && without.has("count") ? longOf(without, "count", "unreadableWithoutEntity") : 0;
        return new AnalyzeResult(new Schema(textOf(root, "source", "the file"), entities), notes, withoutCount,
                samples(without.get("examples"), "unreadableWithoutEntity"));
    }

    private static FieldStats readField(JsonNode f, String where) {
        List<String> path = strings(f, "path", where);
        if (path.isEmpty()) throw invalid(where + ": path is empty");
        where = where + " (" + String.join(".", path) + ")";
        Map<Value.Kind, Long> kinds = new EnumMap<>(Value.Kind.class);
        JsonNode k = f.get("kinds");
        if (k == null || !k.isObject()) throw invalid(where + ": kinds must be an object of kind → count");
        for (Map.Entry<String, JsonNode> e : k.properties()) {
            kinds.put(kindOf(e.getKey(), where), longOf(k, e.getKey(), where + " kinds"));
        }
        List<FieldStats.ReferenceStats> refs = new ArrayList<>();
        for (JsonNode r : arrayOf(f, "references", where)) {
            refs.add(new FieldStats.ReferenceStats(entityName(textOf(r, "target", where + " references"), where + " references"),
                    longOf(r, "count", where + " references"), longOf(r, "dangling", where + " references")));
        }
        return new FieldStats(path, longOf(f, "present", where), kinds, longOf(f, "minInt", where), longOf(f, "maxInt", where),
                intOf(f, "maxTextLength", where), intOf(f, "maxArrayLength", where), refs, strings(f, "examples", where));
    }

    private static List<UnreadableSample> samples(JsonNode array, String where) {
        List<UnreadableSample> out = new ArrayList<>();
        if (array == null || array.isNull()) return out;
        if (!array.isArray()) throw invalid(where + ": unreadable examples must be an array");
        for (JsonNode s : array) {
            String code = textOf(s, "code", where + " unreadable example");
            ErrorCode c;
            try {
                c = ErrorCode.valueOf(code);
            } catch (IllegalArgumentException e) {
                throw invalid(where + ": unknown error code " + code);
            }
            JsonNode field = s.get("field");
            out.add(new UnreadableSample(textOf(s, "key", where + " unreadable example"), c,
                    field == null || field.isNull() ? null : field.asText(), textOf(s, "reason", where + " unreadable example")));
        }
        return out;
    }

    private static Value.Kind kindOf(String name, String where) {
        for (Value.Kind k : Value.Kind.values()) {
            if (kindName(k).equals(name)) return k;
        }
        throw invalid(where + ": unknown kind \"" + name + "\" (expected one of null, bool, int64, float64, decimal, timestamp,"
                + " date, text, bytes, reference, geopoint, array, map)");
    }

    private static EntityName entityName(String s, String where) {
        try {
            return EntityName.of(s);
        } catch (IllegalArgumentException e) {
            throw invalid(where + ": " + e.getMessage());
        }
    }

    private static Iterable<JsonNode> arrayOf(JsonNode node, String name, String where) {
        JsonNode a = node.get(name);
        if (a == null || !a.isArray()) throw invalid(where + ": \"" + name + "\" must be an array");
        return a;
    }

    private static List<String> strings(JsonNode node, String name, String where) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : arrayOf(node, name, where)) {
            if (!s.isTextual()) throw invalid(where + ": \"" + name + "\" must hold strings only");
            out.add(s.textValue());
        }
        return out;
    }

    private static String textOf(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) throw invalid(where + ": \"" + name + "\" must be a string");
        return v.textValue();
    }

    private static long longOf(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw invalid(where + ": \"" + name + "\" must be an integer");
        return v.longValue();
    }

    private static int intOf(JsonNode node, String name, String where) {
        long v = longOf(node, name, where);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw invalid(where + ": \"" + name + "\" is out of range: " + v);
        return (int) v;
    }

    private static CutoverException invalid(String reason) {
        return new CutoverException(ErrorCode.PLAN_INVALID, "not a valid Cutover analysis (analyze --json): " + reason);
    }
}
