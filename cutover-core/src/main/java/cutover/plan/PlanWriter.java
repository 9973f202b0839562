package cutover.plan;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a plan as YAML by hand rather than through Jackson's generator, which cannot write
 * comments: the header explains the format and each entity's notes go right above it.
 */
final class PlanWriter {
    private static final Pattern PLAIN = Pattern.compile("[\\p{L}_][\\p{L}\\p{M}\\p{N}_./*-]*"); // a name of any script, as a user would type it
    /** Words YAML 1.1 reads as booleans or null; written quoted so they stay text. */
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

    private static final String HEADER = """
            # Cutover migration plan. Review it, edit it, then run `cutover plan check` before `cutover migrate`.
            # The full format is in docs/plan-format.md.
            #
            # version           the plan format version (1)
            # source, target    the locations read from and written to
            # options           batchSize (rows per committed batch), parallelism (0 = one worker per processor),
            #                   deadLetterLimit (stop when more records than "1%" or "100" are set aside; "none"),
            #                   createTables (create missing tables from this plan)
            # supabase          the target is Supabase; rowLevelSecurity: the default for every table
            # entities          one mapping per source collection or table:
            #   source          the collection (users, users/*/posts) or table (public.orders)
            #   table           the target table;  skip: true leaves the entity out
            #   key             primary key columns; those not listed under columns take the document's ids
            #                   (the last ones, in order: [user_id, id] = the parent's id and the document's)
            #   foreignKeys     columns referring to another table's primary key (a subcollection to its parent)
            #   onConflict      what to do with a value whose kind does not fit its column:
            #                   coerce      convert when possible ("42" into bigint, anything into text)
            #                   widen       a text column takes any value as text; otherwise dead-letter
            #                   dead-letter set the record aside in the dead-letter file
            #   columns         name, from (field path: address.city, a dot in a name as \\.), type (text, bigint,
            #                   double, numeric, boolean, timestamptz, date, bytes, jsonb, geopoint), nullable,
            #                   default, transform (lowercase, uppercase, trim, split_full_name_first,
            #                   split_full_name_last, epoch_seconds_to_timestamptz, epoch_millis_to_timestamptz,
            #                   iso_text_to_timestamptz, to_text, to_json), onConflict, references (a table:
            #                   the column holds the referenced document's id, with a foreign key),
            #                   arrays (jsonb, or child_table: one row per element in <table>_<column>)
            # verify            how `cutover verify` compares what the target cannot hold exactly:
            #                   timestampPrecision (nanos, micros, millis, seconds: both sides truncated to it),
            #                   floatDigits (0 = doubles compared exactly; n = rounded to n significant digits)
            #
            # Row level security: Supabase exposes the public schema over its HTTP API; Cutover enables row
            # level security with no policies on every table it creates unless rowLevelSecurity: false
            # — closed until you write policies.
            """;

    private final StringBuilder out = new StringBuilder();

    static String write(Plan plan) {
        PlanWriter w = new PlanWriter();
        w.out.append(HEADER);
        w.plan(plan);
        return w.out.toString();
    }

    private void plan(Plan plan) {
        line(0, "version", Integer.toString(plan.version()));
        line(0, "source", scalar(plan.source()));
        line(0, "target", scalar(plan.target()));
        out.append("options:\n");
        Plan.Options o = plan.options();
        line(2, "batchSize", Integer.toString(o.batchSize()));
        line(2, "parallelism", Integer.toString(o.parallelism()));
        line(2, "deadLetterLimit", scalar(o.deadLetterLimit()));
        line(2, "createTables", Boolean.toString(o.createTables()));
        line(0, "supabase", Boolean.toString(plan.supabase()));
        line(0, "rowLevelSecurity", Boolean.toString(plan.rowLevelSecurity()));
        out.append("verify:\n");
        line(2, "timestampPrecision", plan.verify().timestampPrecision());
        line(2, "floatDigits", Integer.toString(plan.verify().floatDigits()));
        if (plan.entities().isEmpty()) {
            out.append("entities: []\n");
            return;
        }
        out.append("entities:\n");
        for (EntityMapping e : plan.entities()) entity(e);
    }

    private void entity(EntityMapping e) {
        for (String note : e.notes()) out.append("  #").append(note.isEmpty() ? "" : " " + note).append('\n');
        out.append("  - source: ").append(scalar(e.source())).append('\n');
        line(4, "table", scalar(e.table()));
        if (e.skip()) line(4, "skip", "true");
        line(4, "key", flowList(e.key()));
        line(4, "onConflict", scalar(e.onConflict()));
        if (e.rowLevelSecurity() != null) line(4, "rowLevelSecurity", e.rowLevelSecurity().toString());
        if (!e.foreignKeys().isEmpty()) {
            out.append("    foreignKeys:\n");
            for (ForeignKeyMapping fk : e.foreignKeys()) {
                out.append("      - columns: ").append(flowList(fk.columns())).append('\n');
                line(8, "references", scalar(fk.references()));
            }
        }
        if (e.columns().isEmpty()) {
            out.append("    columns: []\n");
            return;
        }
        out.append("    columns:\n");
        for (ColumnMapping c : e.columns()) {
            out.append("      - name: ").append(scalar(c.name())).append('\n');
            line(8, "from", scalar(FieldPath.format(c.from())));
            line(8, "type", scalar(c.type()));
            line(8, "nullable", Boolean.toString(c.nullable()));
            optional(8, "default", c.defaultValue());
            optional(8, "transform", c.transform());
            optional(8, "onConflict", c.onConflict());
            optional(8, "references", c.references());
            optional(8, "arrays", c.arrays());
        }
    }

    private void optional(int indent, String key, String value) {
        if (value != null) line(indent, key, scalar(value));
    }

    private void line(int indent, String key, String value) {
        out.append(" ".repeat(indent)).append(key).append(": ").append(value).append('\n');
    }

    private static String flowList(List<String> items) {
        return "[" + String.join(", ", items.stream().map(PlanWriter::scalar).toList()) + "]";
    }

    /** Whether a character shows as itself (a letter, mark, digit, symbol of any script): escaped only where it would not (controls, separators, formats). */
    private static boolean visible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR,
                 Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE -> false;
            default -> true;
        };
    }

    /** A YAML scalar that reads back as exactly this text: plain when safe, else double-quoted with escapes. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) return s;
        StringBuilder q = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp == '"') q.append("\\\"");
            else if (cp == '\\') q.append("\\\\");
            else if (cp >= 0x20 && cp < 0x7F || cp >= 0xA0 && visible(cp)) q.appendCodePoint(cp); // "prénom", not "pr\u00E9nom"
            else if (cp <= 0xFFFF) q.append(String.format("\\u%04X", cp));
            else q.append(String.format("\\U%08X", cp));
        });
        return q.append('"').toString();
    }
}
