package cutover.migrate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.JsonValues;
import cutover.model.Record;
import cutover.model.Value;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The records a run set aside, one JSON object per line: split, ordinal (the record's place in its
 * split), entity, key, field, code, reason, and the record as read. Lines are forced to disk before
 * the batch they belong to commits, so a committed batch never lacks its dead letters; on resume,
 * lines of batches that did not commit are dropped (they come again), so no record is listed twice.
 */
public final class DeadLetterFile implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    /**
     * The ordinals of each split this process listed past the split's last commit (a record's ordinal
     * is its place in its split): only those can come again, so memory holds a few batches' worth.
     */
    private final Map<String, java.util.NavigableSet<Long>> taken = new java.util.HashMap<>();
    private final OutputStream out;
    /** Whether each line also holds the record's canonical encoding (base64), to be read back whole: parked records. */
    private final boolean keepsRecords;
    /** How many lines each split has in the file. */
    private final Map<String, Long> listed;
    /** Whether every entry appended is one never appended before, so none need be remembered ({@link #appendingTo}). */
    private boolean unique;

    private DeadLetterFile(Path path, boolean keepsRecords, Map<String, Long> listed) throws IOException {
        this.path = path;
        this.keepsRecords = keepsRecords;
        this.listed = new java.util.HashMap<>(listed);
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.out = java.nio.channels.Channels.newOutputStream(channel);
    }

    /**
     * Opens the run's dead-letter file for appending, first dropping the lines of any split written
     * at or past that split's committed ordinal (the batches that did not commit before a crash).
     */
    public static DeadLetterFile open(Path path, Map<String, Long> committedOrdinals) {
        return open(path, committedOrdinals, false);
    }

    /**
     * {@link #open}, for a file whose lines also hold each record's canonical encoding, so that it can
     * be read back as it was read ({@link #records}): the records a run parks until its end.
     */
    public static DeadLetterFile openKeepingRecords(Path path, Map<String, Long> committedOrdinals) {
        return open(path, committedOrdinals, true);
    }

    /**
     * Opens the file for appending as it is, none of its lines dropped: a copy being completed, by
     * entries each of which is appended once (they are not remembered to list them once).
     */
    static DeadLetterFile appendingTo(Path path) {
        try {
            DeadLetterFile f = new DeadLetterFile(path, false, Map.of());
            f.unique = true;
            return f;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    private static DeadLetterFile open(Path path, Map<String, Long> committedOrdinals, boolean keepsRecords) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Map<String, Long> listed = Files.exists(path) ? dropUncommitted(path, committedOrdinals) : Map.of();
            return new DeadLetterFile(path, keepsRecords, listed);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot open the dead-letter file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Drops the lines of batches that did not commit; returns how many lines each split keeps. */
    private static Map<String, Long> dropUncommitted(Path path, Map<String, Long> committed) throws IOException {
        Map<String, Long> kept = new java.util.HashMap<>();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        boolean changed = false;
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = MAPPER.readTree(line);
                } catch (IOException torn) {
                    changed = true; // a line torn by a crash mid-write; its batch did not commit
                    continue;
                }
                long ordinal = node.path("ordinal").asLong(-1);
                long upTo = committed.getOrDefault(node.path("split").asText(), 0L);
                if (ordinal >= 0 && ordinal < upTo) {
                    w.write(line);
                    w.newLine();
                    kept.merge(node.path("split").asText(), 1L, Long::sum);
                } else {
                    changed = true;
                }
            }
        }
        if (changed) Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        else Files.delete(tmp);
        return kept;
    }

    /**
     * The records a run set aside after mapping them, each as {@link #recordName}: those the target
     * refused when they were written ({@code RECORD_REJECTED_BY_TARGET}, {@code RECORD_REFERENCE_MISSING}) and those the plan mapped
     * onto a key another record kept ({@code RECORD_DUPLICATE_KEY} with the record as read; the same
     * code for a second copy in the source comes without one, since it was never read as a record).
     * Empty when there is no such file. A line that does not read (torn by a crash) is passed over.
     */
    public static java.util.Set<String> setAsideAfterMapping(Path file) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (!Files.exists(file)) return out;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.contains(ErrorCode.RECORD_REJECTED_BY_TARGET.name()) && !line.contains(ErrorCode.RECORD_DUPLICATE_KEY.name())
                        && !line.contains(ErrorCode.RECORD_REFERENCE_MISSING.name())) continue;
                try {
                    JsonNode node = MAPPER.readTree(line);
                    String code = node.path("code").asText();
                    boolean keyTaken = code.equals(ErrorCode.RECORD_DUPLICATE_KEY.name()) && node.has("record");
                    if (code.equals(ErrorCode.RECORD_REJECTED_BY_TARGET.name()) || code.equals(ErrorCode.RECORD_REFERENCE_MISSING.name()) || keyTaken) {
                        out.add(recordName(node.path("entity").asText(), node.path("key").asText()));
                    }
                } catch (IOException torn) {
                    // a line torn by a crash: its batch did not commit, so its record is not set aside
                }
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read the dead-letter file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A record as a line names it: its entity and its key. */
    public static String recordName(String entity, String key) {
        return entity + "\u0000" + key;
    }

    /** One entry, ready to be appended. */
    public record Entry(String split, long ordinal, String entity, String key, RecordError error, Record record, String raw) {}

    /**
     * Appends the entries and forces them to disk. Safe to call from several writer threads. An entry
     * this file took already (a split's batch written again in a later pass, after a foreign key sent
     * it to wait for its parents) is not listed twice.
     */
    public synchronized void append(List<Entry> entries) {
        if (entries.isEmpty()) return;
        try {
            for (Entry e : entries) {
                if (!unique && !taken.computeIfAbsent(e.split(), s -> new java.util.TreeSet<>()).add(e.ordinal())) continue;
                out.write(line(e, keepsRecords).getBytes(StandardCharsets.UTF_8));
                listed.merge(e.split(), 1L, Long::sum);
            }
            out.flush();
            channel.force(false);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the dead-letter file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The split committed every record before {@code ordinal}: none of them is written again, so their ordinals are forgotten. */
    public synchronized void committed(String split, long ordinal) {
        java.util.NavigableSet<Long> listed = taken.get(split);
        if (listed != null) listed.headSet(ordinal, false).clear();
    }

    /** How many records of the split the file lists. */
    public synchronized long listed(String split) {
        return listed.getOrDefault(split, 0L);
    }

    /** How many records the file lists. */
    public synchronized long listedTotal() {
        return listed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many lines each split has in the file (none: empty); a torn line is passed over. */
    public static Map<String, Long> countBySplit(Path file) {
        Map<String, Long> out = new java.util.HashMap<>();
        if (!Files.exists(file)) return out;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(line)) {
                    // the split is the first field: no need to read the record after it
                    if (p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT && p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
                            && "split".equals(p.currentName()) && p.nextToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        out.merge(p.getText(), 1L, Long::sum);
                    }
                } catch (IOException torn) {
                    // a line torn by a crash: its batch did not commit
                }
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read the dead-letter file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    static String line(Entry e) throws IOException {
        return line(e, false);
    }

    private static String line(Entry e, boolean keepsRecord) throws IOException {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(s)) {
            g.writeStartObject();
            g.writeStringField("split", e.split());
            g.writeNumberField("ordinal", e.ordinal());
            g.writeStringField("entity", e.entity());
            g.writeStringField("key", e.key());
            if (e.error().field() != null) g.writeStringField("field", e.error().field());
            g.writeStringField("code", e.error().code().name());
            g.writeStringField("reason", e.error().reason());
            if (e.record() != null) {
                g.writeFieldName("record");
                JsonValues.write(new Value.MapValue(e.record().fields()), g);
                // JSON has one null: the fields that held the JSON document null (not SQL NULL) are named apart
                List<String> jsonNulls = e.record().fields().entrySet().stream().filter(f -> f.getValue().kind() == Value.Kind.JSON_NULL)
                        .map(Map.Entry::getKey).toList();
                if (!jsonNulls.isEmpty()) {
                    g.writeArrayFieldStart("jsonNulls");
                    for (String f : jsonNulls) g.writeString(f);
                    g.writeEndArray();
                }
            }
            if (e.raw() != null) g.writeStringField("raw", e.raw());
            if (keepsRecord && e.record() != null) {
                g.writeBinaryField("encoded", cutover.model.ValueCodec.encodeRecord(e.record()));
                cutover.model.RowText text = e.record().asWritten(); // the line it was read from, which the target writes too
                if (text != null) {
                    g.writeObjectFieldStart("asWritten");
                    g.writeStringField("format", text.format());
                    g.writeArrayFieldStart("columns");
                    for (String c : text.columns()) g.writeString(c);
                    g.writeEndArray();
                    g.writeBinaryField("line", text.line());
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        }
        return s + "\n";
    }

    public Path path() { return path; }

    /**
     * The entries of a file opened {@link #openKeepingRecords keeping records}, in file order, each
     * with its record decoded as it was read, to {@code each}. A line torn by a crash is passed over
     * (its batch did not commit). Nothing when there is no such file.
     */
    public static void records(Path file, java.util.function.Consumer<Entry> each) {
        records(file, 0, Long.MAX_VALUE, each);
    }

    /** {@link #records}, of the {@code lines} lines from byte {@code offset} on (one of {@link #lineOffsets}). */
    public static void records(Path file, long offset, long lines, java.util.function.Consumer<Entry> each) {
        if (!Files.exists(file)) return;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             BufferedReader in = new BufferedReader(new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(channel.position(offset)),
                     StandardCharsets.UTF_8))) {
            String line;
            List<String> lineColumns = List.of(); // one list for an entity's lines, as its reader gave them
            for (long read = 0; read < lines && (line = in.readLine()) != null; read++) {
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = MAPPER.readTree(line);
                } catch (IOException torn) {
                    continue;
                }
                Record record = cutover.model.ValueCodec.decodeRecord(new java.io.ByteArrayInputStream(node.path("encoded").binaryValue()));
                JsonNode text = node.path("asWritten");
                if (text.isObject()) {
                    List<String> columns = new java.util.ArrayList<>();
                    text.path("columns").forEach(c -> columns.add(c.asText()));
                    if (!columns.equals(lineColumns)) lineColumns = List.copyOf(columns);
                    record = record.withAsWritten(new cutover.model.RowText(text.path("format").asText(), lineColumns, text.path("line").binaryValue()));
                }
                RecordError error = RecordError.of(ErrorCode.valueOf(node.path("code").asText()), node.hasNonNull("field") ? node.get("field").asText() : null,
                        node.path("reason").asText());
                each.accept(new Entry(node.path("split").asText(), node.path("ordinal").asLong(), node.path("entity").asText(),
                        node.path("key").asText(), error, record, null));
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The byte offsets of the file's lines 0, {@code every}, 2 × {@code every}, …: where to read it from in parts. */
    public static List<Long> lineOffsets(Path file, int every) {
        List<Long> out = new java.util.ArrayList<>();
        if (!Files.exists(file)) return out;
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long offset = 0, lines = 0;
            boolean atLineStart = true;
            for (int b; (b = in.read()) >= 0; offset++) {
                if (atLineStart && lines % every == 0) out.add(offset);
                atLineStart = b == '\n';
                if (atLineStart) lines++;
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot close the dead-letter file " + path + ": " + e.getMessage(), e);
        }
    }
}
