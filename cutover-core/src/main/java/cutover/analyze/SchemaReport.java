package cutover.analyze;

import cutover.model.Value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The analysis as a Markdown document for people, also printed on the terminal: a summary, then
 * per entity its counts and a table of its fields, then the conflicts, the references and the
 * unreadable records gathered in one place each.
 */
public final class SchemaReport {
    /** The width the examples of one field may take in the table. */
    private static final int EXAMPLES_WIDTH = 80;

    private SchemaReport() {}

    public static String markdown(Schema schema) {
        return markdown(AnalyzeResult.of(schema));
    }

    /** The report with its notes: unreadable examples and paths left unlisted. */
    public static String markdown(AnalyzeResult result) {
        Schema schema = result.schema();
        StringBuilder out = new StringBuilder();
        out.append("# Analysis of ").append(schema.source()).append("\n\n");
        out.append(summary(result)).append("\n");
        out.append("In the field tables, Present counts the records that have the field (null or not), Null those where it is\n"
                + "null, Missing those without it; Kinds gives the share of each kind among the non-null values.\n\n");
        for (EntitySchema e : schema.entities()) entity(out, e, result.notes(e.name()));
        conflicts(out, schema);
        references(out, schema);
        unreadable(out, result);
        return visible(out.toString());
    }

    /**
     * Control characters a source's names and values hold (a document id with a NUL) written as the
     * JSON writes them, a backslash, u and four hex digits: raw, they make grep take the report for a
     * binary file and a terminal act on them. Line breaks are the report's own.
     */
    static String visible(String report) {
        StringBuilder out = null;
        for (int i = 0; i < report.length(); i++) {
            char c = report.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\n';
            if (control && out == null) out = new StringBuilder(report.length() + 16).append(report, 0, i);
            if (out == null) continue;
            if (control) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out == null ? report : out.toString();
    }

    private static String summary(AnalyzeResult result) {
        Schema schema = result.schema();
        long records = 0, bytes = 0, unreadable = result.unreadableWithoutEntity(), conflicts = 0, dangling = 0;
        for (EntitySchema e : schema.entities()) {
            records += e.count();
            bytes += e.totalBytes();
            unreadable += e.unreadable();
            for (FieldStats f : e.fields()) {
                if (f.hasConflict()) conflicts++;
                for (FieldStats.ReferenceStats r : f.references()) dangling += r.dangling();
            }
        }
        return plural(schema.entities().size(), "entity", "entities") + ", " + plural(records, "record", "records")
                + " (" + bytes(bytes) + "), " + plural(conflicts, "field with mixed kinds", "fields with mixed kinds") + ", "
                + plural(dangling, "dangling reference", "dangling references") + ", "
                + plural(unreadable, "unreadable record", "unreadable records") + ".\n";
    }

    private static void entity(StringBuilder out, EntitySchema e, EntityNotes notes) {
        out.append("## `").append(e.name()).append("`\n\n");
        out.append("- Records: ").append(count(e.count())).append(" (").append(bytes(e.totalBytes())).append(")\n");
        out.append("- Key: ").append(e.keyColumns().isEmpty() ? "document path" : String.join(", ", e.keyColumns())).append('\n');
        if (e.name().isSubcollection()) out.append("- Subcollection of: `").append(e.name().parent().orElseThrow()).append("`\n");
        if (!e.subcollections().isEmpty()) {
            out.append("- Subcollections: ")
                    .append(e.subcollections().stream().map(s -> "`" + s + "`").collect(Collectors.joining(", "))).append('\n');
        }
        if (e.unreadable() > 0) out.append("- Unreadable: ").append(count(e.unreadable())).append(" (see below)\n");
        out.append('\n');
        if (e.fields().isEmpty()) {
            out.append("No fields.\n\n");
        } else {
            MarkdownTable table = new MarkdownTable("Field", "Kinds", ">Present", ">Null", ">Missing", "Conflict", "Examples");
            for (FieldStats f : treeOrder(e.fields())) {
                table.row("  ".repeat(f.path().size() - 1) + pathName(f.path()), kinds(f, ", "), percent(f.present(), e.count()),
                        percent(f.nulls(), e.count()), percent(e.count() - f.present(), e.count()), f.hasConflict() ? "yes" : "",
                        onlyMaps(f) ? "" : examples(f.examples()));
            }
            out.append(table.render()).append('\n');
        }
        if (notes.unlistedPaths() > 0 || notes.unlistedPathsCapped()) {
            out.append(notes.unlistedPathsCapped() ? "More than " + count(notes.unlistedPaths()) : count(notes.unlistedPaths()))
                    .append(" more field paths not listed: the entity has more than the paths limit; the shallowest are listed.\n\n");
        }
    }

    private static void conflicts(StringBuilder out, Schema schema) {
        List<String> lines = new ArrayList<>();
        for (EntitySchema e : schema.entities()) {
            for (FieldStats f : treeOrder(e.fields())) {
                if (f.hasConflict()) lines.add("- `" + e.name() + "." + pathName(f.path()) + "`: " + kinds(f, " / "));
            }
        }
        out.append("## Conflicts\n\n");
        if (lines.isEmpty()) out.append("None: every field holds one kind of value (besides null).\n\n");
        else out.append(String.join("\n", lines)).append("\n\n");
    }

    private static void references(StringBuilder out, Schema schema) {
        MarkdownTable table = new MarkdownTable("Field", "Target", ">Count", ">Dangling");
        for (EntitySchema e : schema.entities()) {
            for (FieldStats f : treeOrder(e.fields())) {
                for (FieldStats.ReferenceStats r : f.references()) {
                    boolean invalid = r.target().equals(FieldTally.INVALID_TARGET) && !schema.targetInSource(r.target());
                    String target = invalid ? "(not a document path)" : r.target().value();
                    String dangling = schema.targetInSource(r.target()) ? count(r.dangling()) : invalid ? "–" : "not in source";
                    table.row(e.name() + "." + pathName(f.path()), target, count(r.count()), dangling);
                }
            }
        }
        if (table.isEmpty()) return;
        out.append("## References\n\n").append(table.render()).append('\n');
        out.append("Dangling: references to a document that the source does not have. \"not in source\": the source has no such"
                + " collection, so these could not be checked.\n\n");
    }

    private static void unreadable(StringBuilder out, AnalyzeResult result) {
        List<String> lines = new ArrayList<>();
        for (EntitySchema e : result.schema().entities()) {
            if (e.unreadable() > 0) unreadableLines(lines, "`" + e.name() + "`", e.unreadable(), result.notes(e.name()).unreadableSamples());
        }
        if (result.unreadableWithoutEntity() > 0) {
            unreadableLines(lines, "entity unknown", result.unreadableWithoutEntity(), result.unreadableWithoutEntitySamples());
        }
        if (lines.isEmpty()) return;
        out.append("## Unreadable records\n\n").append(String.join("\n", lines)).append("\n\n");
    }

    private static void unreadableLines(List<String> lines, String entity, long count, List<UnreadableSample> samples) {
        lines.add("- " + entity + ": " + plural(count, "record", "records"));
        for (UnreadableSample s : samples) {
            lines.add("  - " + (s.key().isEmpty() ? "(no key)" : s.key()) + ": " + s.code()
                    + (s.field() == null ? "" : " in " + s.field()) + ", " + s.reason());
        }
        if (count > samples.size() && !samples.isEmpty()) lines.add("  - and " + count(count - samples.size()) + " more");
    }

    /** Each field right after its parent map, each level in schema order. */
    static List<FieldStats> treeOrder(List<FieldStats> fields) {
        Map<List<String>, Integer> index = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) index.put(fields.get(i).path(), i);
        Comparator<FieldStats> byAncestors = (a, b) -> {
            int n = Math.min(a.path().size(), b.path().size());
            for (int i = 1; i <= n; i++) {
                int c = Integer.compare(index.getOrDefault(a.path().subList(0, i), Integer.MAX_VALUE),
                        index.getOrDefault(b.path().subList(0, i), Integer.MAX_VALUE));
                if (c != 0) return c;
            }
            return Integer.compare(a.path().size(), b.path().size());
        };
        List<FieldStats> out = new ArrayList<>(fields);
        out.sort(byAncestors);
        return out;
    }

    /** {@code address.city}; a name that itself holds a dot is quoted. */
    static String pathName(List<String> path) {
        return path.stream().map(p -> p.contains(".") || p.isEmpty() ? '"' + p + '"' : p).collect(Collectors.joining("."));
    }

    /** Non-null kinds by share of the non-null values, most frequent first: {@code int64 92% / text 8%}. */
    static String kinds(FieldStats f, String separator) {
        long nonNull = f.kinds().entrySet().stream().filter(k -> k.getKey() != Value.Kind.NULL).mapToLong(Map.Entry::getValue).sum();
        if (nonNull == 0) return f.nulls() > 0 ? "null" : "";
        return f.kinds().entrySet().stream()
                .filter(k -> k.getKey() != Value.Kind.NULL)
                .sorted(Map.Entry.<Value.Kind, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(k -> k.getKey().name().toLowerCase(Locale.ROOT) + " " + percent(k.getValue(), nonNull))
                .collect(Collectors.joining(separator));
    }

    /** A map's examples repeat what its nested fields' rows show. */
    private static boolean onlyMaps(FieldStats f) {
        return f.nonNullKinds().equals(List.of(Value.Kind.MAP));
    }

    private static String examples(List<String> examples) {
        StringBuilder out = new StringBuilder();
        for (String e : examples) {
            if (out.length() > 0 && out.length() + 2 + e.length() > EXAMPLES_WIDTH) break;
            if (out.length() > 0) out.append(", ");
            out.append(e);
        }
        return out.toString();
    }

    /** A whole percentage that never rounds a few to none or most to all. */
    static String percent(long part, long whole) {
        if (whole <= 0) return "–";
        if (part == 0) return "0%";
        if (part == whole) return "100%";
        double p = 100.0 * part / whole;
        if (p < 1) return "<1%";
        if (p > 99) return ">99%";
        return Math.round(p) + "%";
    }

    static String count(long n) { return String.format(Locale.ROOT, "%,d", n); }

    private static String plural(long n, String one, String many) { return count(n) + " " + (n == 1 ? one : many); }

    /** Binary units, one decimal: {@code 12.3 MiB}. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

}
