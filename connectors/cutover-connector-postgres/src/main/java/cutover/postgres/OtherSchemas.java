package cutover.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The other schemas a snapshot's tables and objects name, as the server printed them: a foreign key
 * to {@code auth.users}, a policy calling {@code auth.uid()}, a trigger running {@code public.f()}, a
 * view reading another schema's table. Restored into a database without such a schema, they are not
 * made (a Supabase project's {@code public} restored before its {@code auth}); a dry run names them.
 * Only names the server qualified are seen: it prints another schema's objects qualified, the
 * table's own schema's bare (the path it was read with).
 */
final class OtherSchemas {
    private static final String NAME = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\\w$]*)";
    /** A foreign key's referred table, qualified. */
    private static final Pattern REFERENCES = Pattern.compile("REFERENCES\\s+" + NAME + "\\.");
    /** A qualified call, not part of a longer qualified name. */
    private static final Pattern CALL = Pattern.compile("(?<![\\w$.\"])" + NAME + "\\." + NAME + "\\s*\\(");
    /** A view's qualified table. */
    private static final Pattern READ = Pattern.compile("(?i)(?:FROM|JOIN)\\s+" + NAME + "\\." + NAME);
    private static final List<String> SYSTEM = List.of("pg_catalog", "information_schema");

    private OtherSchemas() {}

    /** The schemas other than {@code own} (and the system's) that these name, each with what names it ("policy p on t"). */
    static Map<String, List<String>> named(SchemaObjects objects, Map<String, TableDefinition> definitions, String own) {
        Map<String, List<String>> out = new TreeMap<>();
        definitions.forEach((table, d) -> d.constraints().stream().filter(TableDefinition.DefinedConstraint::foreignKey)
                .forEach(k -> note(out, own, REFERENCES, k.definition(), "foreign key " + k.name() + " of " + table)));
        if (objects != null) {
            for (SchemaObjects.Policy p : objects.policies()) {
                String what = "policy " + p.name() + " on " + p.table();
                note(out, own, CALL, p.using(), what);
                note(out, own, CALL, p.withCheck(), what);
            }
            for (SchemaObjects.Trigger t : objects.triggers()) note(out, own, CALL, t.definition(), "trigger " + t.name() + " on " + t.table());
            for (SchemaObjects.View v : objects.views()) {
                note(out, own, READ, v.query(), (v.materialized() ? "materialized view " : "view ") + v.name());
                note(out, own, CALL, v.query(), (v.materialized() ? "materialized view " : "view ") + v.name());
            }
        }
        return out;
    }

    private static void note(Map<String, List<String>> out, String own, Pattern pattern, String sql, String what) {
        if (sql == null) return;
        Matcher m = pattern.matcher(sql);
        while (m.find()) {
            String schema = unquoted(m.group(1));
            if (schema.equals(own) || SYSTEM.contains(schema)) continue;
            List<String> of = out.computeIfAbsent(schema, k -> new ArrayList<>());
            if (!of.contains(what)) of.add(what);
        }
    }

    private static String unquoted(String name) {
        return name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
    }
}
