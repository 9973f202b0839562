package cutover.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.JsonValues;
import cutover.model.Record;
import cutover.model.Value;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every difference a verification finds, one JSON object per line in the differences file (the
 * complete list, however long), and the first {@code keep} of them in memory for the terminal.
 * Thread-safe: comparisons of several tables report into one log.
 *
 * <p>A line: {@code {"table":"orders","key":["o1"],"kind":"changed","fields":[{"column":"total",
 * "source":12.5,"target":"12.50","sourceKind":"FLOAT64","targetKind":"TEXT"}]}}; a missing row
 * carries {@code "source":{…}}, an extra one {@code "target":{…}}. A column a row lacks has no
 * value and no kind there, which tells it from a NULL.
 */
public final class DifferenceLog implements Consumer<Difference>, AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final BufferedWriter out;
    private final int keep;
    private final boolean listsExtras;
    private final List<Difference> kept = new ArrayList<>();
    private long count;
    // a log of changes: the keys of the source's rows the target would refuse, by table (at most REFUSED_KEPT), and the
    // target's rows of those keys, which are then not only the target's
    private final java.util.function.Function<String, String> tableOf;
    private final Changes changes;
    private final Consumer<Difference.Extra> onlyInTarget;
    private long lines;
    private final Map<String, java.util.Set<String>> refusedKeys = new java.util.HashMap<>();
    private final Map<String, Long> refusedInTarget = new java.util.HashMap<>();
    private long refusedKept;
    private static final long REFUSED_KEPT = 1_000_000;

    public DifferenceLog(Path file, int keep) {
        this(file, keep, true, entity -> entity, (d, line) -> {}, extra -> {});
    }

    /**
     * A log of the rows a restore would change: missing rows (it would insert them) and changed ones
     * (it would update them). Rows only the target has are counted but not listed: a restore leaves
     * them as they are, and a partial one has every row outside its keys among them.
     */
    public static DifferenceLog ofChanges(Path file) {
        return ofChanges(file, entity -> entity);
    }

    /**
     * {@link #ofChanges(Path)}, also listing the source's rows the target would refuse ({@code
     * "kind": "refused"}, with the entity, the record's key and why), {@code tableOf} naming the
     * table each entity's rows go to: a target row of a refused row's key is the one the restore
     * leaves, not a row only the target has ({@link #refusedInTarget}).
     */
    public static DifferenceLog ofChanges(Path file, java.util.function.Function<String, String> tableOf) {
        return ofChanges(file, tableOf, (d, line) -> {});
    }

    /** Takes each row a log of changes lists as one that would change (missing or changed), with the number of its line (from 0). */
    public interface Changes {
        void change(Difference d, long line);
    }

    /** {@link #ofChanges(Path, java.util.function.Function)}, each row that would change also handed to {@code changes}, in turn. */
    public static DifferenceLog ofChanges(Path file, java.util.function.Function<String, String> tableOf, Changes changes) {
        return new DifferenceLog(file, 0, false, tableOf, changes, extra -> {});
    }

    /**
     * {@link #ofChanges(Path, java.util.function.Function)}, each row only the target holds handed to
     * {@code onlyInTarget} (a restore with --delete removes them), but one of a key {@link #isRefused
     * refused} so far: which of them a refusal met later concerns, {@link #isRefused} tells at the end.
     */
    public static DifferenceLog ofChanges(Path file, java.util.function.Function<String, String> tableOf, Consumer<Difference.Extra> onlyInTarget) {
        return ofChanges(file, tableOf, (d, line) -> {}, onlyInTarget);
    }

    /** Both: the rows that would change to {@code changes}, those only the target holds to {@code onlyInTarget}. */
    public static DifferenceLog ofChanges(Path file, java.util.function.Function<String, String> tableOf, Changes changes,
                                          Consumer<Difference.Extra> onlyInTarget) {
        return new DifferenceLog(file, 0, false, tableOf, changes, onlyInTarget);
    }

    private DifferenceLog(Path file, int keep, boolean listsExtras, java.util.function.Function<String, String> tableOf, Changes changes,
                          Consumer<Difference.Extra> onlyInTarget) {
        this.file = file;
        this.changes = changes;
        this.onlyInTarget = onlyInTarget;
        this.keep = keep;
        this.listsExtras = listsExtras;
        this.tableOf = tableOf;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the differences file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void accept(Difference d) {
        count++;
        if (!listsExtras && d instanceof Difference.Extra) {
            java.util.Set<String> refused = refusedKeys.get(d.table());
            if (refused != null && refused.contains(d.key().toString())) refusedInTarget.merge(d.table(), 1L, Long::sum);
            else onlyInTarget.accept((Difference.Extra) d);
            return;
        }
        if (kept.size() < keep) kept.add(d);
        try {
            out.write(line(d));
            out.newLine();
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the differences file " + file + ": " + e.getMessage(), e);
        }
        if (!(d instanceof Difference.Extra)) changes.change(d, lines);
        lines++;
    }

    /** A source's row the target would refuse: listed in a log of changes (not a difference, not counted), else not. */
    public synchronized void refused(String entity, String key, String reason) {
        if (listsExtras) return;
        String table = tableOf.apply(entity);
        if (refusedKept < REFUSED_KEPT) {
            if (!refusedKeys.computeIfAbsent(table, t -> new java.util.HashSet<>()).add(key)) return; // met again: a comparison made again whole
            refusedKept++;
        }
        try {
            out.write(refusedLine(table, entity, key, reason, null));
            out.newLine();
            lines++;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the differences file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The JSON line of a row the target would refuse: its table, entity (null: none to name), the
     * record's key, why, and ({@code tried}, null: none) what the dry run's trial tried it as.
     */
    static String refusedLine(String table, String entity, String key, String reason, String tried) {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(s)) {
            g.writeStartObject();
            g.writeStringField("table", table);
            if (entity != null) g.writeStringField("entity", entity);
            g.writeStringField("key", key);
            g.writeStringField("kind", "refused");
            g.writeStringField("reason", reason);
            if (tried != null) g.writeStringField("tried", tried);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return s.toString();
    }

    /**
     * Whether the source holds a row of {@code key} in {@code table} that the target would refuse: the
     * target's row of that key is then not only the target's. Certain only while {@link
     * #refusalsAllKept()}.
     */
    public synchronized boolean isRefused(String table, String key) {
        java.util.Set<String> refused = refusedKeys.get(table);
        return refused != null && refused.contains(key);
    }

    /** Whether every refused row's key is kept (at most a million are), so that {@link #isRefused} is certain. */
    public synchronized boolean refusalsAllKept() {
        return refusedKept < REFUSED_KEPT;
    }

    /** Of a log of changes, the table's rows only the target seemed to hold that have the key of a source's row it would refuse. */
    public synchronized long refusedInTarget(String table) {
        return refusedInTarget.getOrDefault(table, 0L);
    }

    public Path file() { return file; }

    public synchronized long count() { return count; }

    /** The first differences found, at most {@code keep}. */
    public synchronized List<Difference> kept() { return List.copyOf(kept); }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the differences file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JSON line of one difference. */
    public static String line(Difference d) {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(s)) {
            g.writeStartObject();
            g.writeStringField("table", d.table());
            g.writeArrayFieldStart("key");
            for (Value part : d.key().parts()) JsonValues.write(part, g);
            g.writeEndArray();
            if (d instanceof Difference.Missing m) {
                g.writeStringField("kind", "missing");
                writeRow(g, "source", m.source());
            } else if (d instanceof Difference.Extra e) {
                g.writeStringField("kind", "extra");
                writeRow(g, "target", e.target());
            } else {
                g.writeStringField("kind", "changed");
                g.writeArrayFieldStart("fields");
                for (Difference.FieldDifference f : ((Difference.Changed) d).fields()) {
                    g.writeStartObject();
                    g.writeStringField("column", f.column());
                    writeValue(g, "source", f.source());
                    writeValue(g, "target", f.target());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return s.toString();
    }

    private static void writeValue(JsonGenerator g, String side, Value v) throws IOException {
        if (v == null) return;
        g.writeFieldName(side);
        JsonValues.write(v, g);
        g.writeStringField(side + "Kind", v.kind().name());
    }

    private static void writeRow(JsonGenerator g, String side, Record r) throws IOException {
        g.writeObjectFieldStart(side);
        for (var e : r.fields().entrySet()) {
            g.writeFieldName(e.getKey());
            JsonValues.write(e.getValue(), g);
        }
        g.writeEndObject();
    }

    /** A difference in one line of text for the terminal: {@code changed orders o1: total 12.5 → "12.50"}. */
    public static String describe(Difference d) {
        String head = d.table() + " " + d.key();
        if (d instanceof Difference.Missing) return "missing  " + head + " (in the source, not in the target)";
        if (d instanceof Difference.Extra) return "extra    " + head + " (in the target, not in the source)";
        List<String> parts = new ArrayList<>();
        for (Difference.FieldDifference f : ((Difference.Changed) d).fields()) {
            parts.add(f.column() + " " + shown(f.source()) + " → " + shown(f.target()));
        }
        return "changed  " + head + ": " + (parts.isEmpty() ? "the stored text differs, the values read back are equal" : String.join(", ", parts));
    }

    private static String shown(Value v) {
        if (v == null) return "(absent)";
        String text = JsonValues.toJson(v);
        if (v.kind() != Value.Kind.TEXT && v.kind() != Value.Kind.NULL) text += " (" + v.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
