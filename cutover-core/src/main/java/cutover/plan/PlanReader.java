package cutover.plan;

import com.fasterxml.jackson.databind.JsonNode;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Turns the located YAML tree into a {@link Plan}. Shape errors (a list where a map belongs, a word
 * where a number belongs) stop here with PLAN_INVALID and the line; unknown keys are collected for
 * the checker, which reports them with everything else.
 */
final class PlanReader {
    private static final Set<String> PLAN_KEYS = Set.of("version", "source", "target", "options", "supabase", "rowLevelSecurity", "entities", "verify");
    private static final Set<String> VERIFY_KEYS = Set.of("timestampPrecision", "floatDigits");
    private static final Set<String> OPTION_KEYS = Set.of("batchSize", "parallelism", "deadLetterLimit", "createTables");
    private static final Set<String> ENTITY_KEYS = Set.of("source", "table", "skip", "key", "onConflict", "rowLevelSecurity",
            "foreignKeys", "columns");
    private static final Set<String> COLUMN_KEYS = Set.of("name", "from", "type", "nullable", "default", "transform",
            "onConflict", "references", "arrays");
    private static final Set<String> FOREIGN_KEY_KEYS = Set.of("columns", "references");

    private final LocatedYaml yaml;
    private final String fileName;
    private final String[] lines;
    final List<String> unknownKeys = new ArrayList<>();

    PlanReader(LocatedYaml yaml, String fileName, String text) {
        this.yaml = yaml;
        this.fileName = fileName;
        this.lines = text.split("\\r?\\n|\\r", -1);
    }

    Plan read() {
        JsonNode root = yaml.root;
        object(root, "");
        known(root, "", PLAN_KEYS);
        int version = integer(root, "", "version", -1);
        if (version == -1) throw invalid("/version", "the plan needs a version (version: " + Plan.VERSION + ")");
        Plan.Options options = options(root.get("options"), "/options");
        List<EntityMapping> entities = new ArrayList<>();
        JsonNode list = root.get("entities");
        if (list != null && !list.isNull()) {
            array(list, "/entities");
            for (int i = 0; i < list.size(); i++) entities.add(entity(list.get(i), "/entities/" + i));
        }
        return new Plan(version, requiredText(root, "", "source"), requiredText(root, "", "target"), options,
                bool(root, "", "supabase", false), bool(root, "", "rowLevelSecurity", false), entities,
                verifyRules(root.get("verify"), "/verify"));
    }

    private Plan.VerifyRules verifyRules(JsonNode node, String at) {
        Plan.VerifyRules d = Plan.VerifyRules.DEFAULTS;
        if (node == null || node.isNull()) return d;
        object(node, at);
        known(node, at, VERIFY_KEYS);
        String precision = text(node, at, "timestampPrecision", d.timestampPrecision());
        if (!Plan.VerifyRules.PRECISIONS.contains(precision)) {
            throw invalid(at + "/timestampPrecision", "timestampPrecision must be one of " + String.join(", ", Plan.VerifyRules.PRECISIONS));
        }
        int digits = integer(node, at, "floatDigits", d.floatDigits());
        if (digits < 0 || digits > 17) throw invalid(at + "/floatDigits", "floatDigits must be 0 (exact) to 17");
        return new Plan.VerifyRules(precision, digits);
    }

    private Plan.Options options(JsonNode node, String at) {
        Plan.Options d = Plan.Options.DEFAULTS;
        if (node == null || node.isNull()) return d;
        object(node, at);
        known(node, at, OPTION_KEYS);
        return new Plan.Options(integer(node, at, "batchSize", d.batchSize()), integer(node, at, "parallelism", d.parallelism()),
                text(node, at, "deadLetterLimit", d.deadLetterLimit()), bool(node, at, "createTables", d.createTables()));
    }

    private EntityMapping entity(JsonNode node, String at) {
        object(node, at);
        known(node, at, ENTITY_KEYS);
        List<ForeignKeyMapping> fks = new ArrayList<>();
        JsonNode fkList = node.get("foreignKeys");
        if (fkList != null && !fkList.isNull()) {
            array(fkList, at + "/foreignKeys");
            for (int i = 0; i < fkList.size(); i++) {
                String fat = at + "/foreignKeys/" + i;
                JsonNode fk = fkList.get(i);
                object(fk, fat);
                known(fk, fat, FOREIGN_KEY_KEYS);
                fks.add(new ForeignKeyMapping(names(fk, fat, "columns"), requiredText(fk, fat, "references")));
            }
        }
        List<ColumnMapping> columns = new ArrayList<>();
        JsonNode columnList = node.get("columns");
        if (columnList != null && !columnList.isNull()) {
            array(columnList, at + "/columns");
            for (int i = 0; i < columnList.size(); i++) columns.add(column(columnList.get(i), at + "/columns/" + i));
        }
        String source = requiredText(node, at, "source");
        String table = text(node, at, "table", null);
        if (table == null) throw invalid(at, "entity " + source + " needs a table name (table:)");
        JsonNode rls = node.get("rowLevelSecurity");
        Boolean rowLevelSecurity = rls == null || rls.isNull() ? null : bool(node, at, "rowLevelSecurity", false);
        return new EntityMapping(source, table, bool(node, at, "skip", false), names(node, at, "key"),
                text(node, at, "onConflict", ConflictRule.WIDEN.yamlName()), rowLevelSecurity, fks, columns, notesAbove(at));
    }

    private ColumnMapping column(JsonNode node, String at) {
        object(node, at);
        known(node, at, COLUMN_KEYS);
        String name = requiredText(node, at, "name");
        List<String> from = List.of(name);
        JsonNode f = node.get("from");
        if (f != null && !f.isNull()) {
            if (f.isArray()) {
                from = names(node, at, "from");
                if (from.isEmpty()) throw invalid(at + "/from", "the field path is empty");
            } else {
                try {
                    from = FieldPath.parse(scalar(f, at + "/from"));
                } catch (IllegalArgumentException e) {
                    throw invalid(at + "/from", e.getMessage());
                }
            }
        }
        String type = text(node, at, "type", null);
        if (type == null) throw invalid(at, "column " + name + " needs a type (" + PlanTypes.names() + ")");
        return new ColumnMapping(name, from, type, bool(node, at, "nullable", true), text(node, at, "default", null),
                text(node, at, "transform", null), text(node, at, "onConflict", null), text(node, at, "references", null),
                text(node, at, "arrays", null));
    }

    /** The comment lines right above an entity's first line: the notes the writer put there. */
    private List<String> notesAbove(String at) {
        int line = yaml.positionOf(at)[0] - 1; // 0-based index of the entity's first line
        List<String> notes = new ArrayList<>();
        for (int i = line - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.startsWith("#")) break;
            notes.add(0, l.substring(1).strip());
        }
        return notes;
    }

    private void known(JsonNode node, String at, Set<String> keys) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) unknownKeys.add(at + "/" + LocatedYaml.escape(k));
        }
    }

    private void object(JsonNode node, String at) {
        if (!node.isObject()) throw invalid(at, "expected a map of keys, found " + describe(node));
    }

    private void array(JsonNode node, String at) {
        if (!node.isArray()) throw invalid(at, "expected a list, found " + describe(node));
    }

    private String scalar(JsonNode node, String at) {
        if (node.isTextual() || node.isBoolean()) return node.asText();
        throw invalid(at, "expected a single value, found " + describe(node));
    }

    private String requiredText(JsonNode parent, String at, String key) {
        String s = text(parent, at, key, null);
        if (s == null) throw invalid(at, "missing key \"" + key + "\"");
        return s;
    }

    private String text(JsonNode parent, String at, String key, String otherwise) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? otherwise : scalar(n, at + "/" + key);
    }

    private int integer(JsonNode parent, String at, String key, int otherwise) {
        String s = text(parent, at, key, null);
        if (s == null) return otherwise;
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw invalid(at + "/" + key, key + " must be a whole number, found \"" + s + "\"");
        }
    }

    private boolean bool(JsonNode parent, String at, String key, boolean otherwise) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return otherwise;
        if (n.isBoolean()) return n.booleanValue();
        throw invalid(at + "/" + key, key + " must be true or false, found " + describe(n));
    }

    private List<String> names(JsonNode parent, String at, String key) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return List.of();
        String kat = at + "/" + key;
        if (!n.isArray()) return List.of(scalar(n, kat)); // key: id is as good as key: [id]
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) names.add(scalar(n.get(i), kat + "/" + i));
        return names;
    }

    private static String describe(JsonNode n) {
        if (n.isObject()) return "a map";
        if (n.isArray()) return "a list";
        if (n.isNull()) return "nothing";
        return "\"" + n.asText() + "\"";
    }

    private CutoverException invalid(String at, String message) {
        int[] p = yaml.positionOf(at);
        return new CutoverException(ErrorCode.PLAN_INVALID, fileName + ":" + p[0] + ":" + p[1] + ": " + message
                + (at.isEmpty() ? "" : " (at " + at + ")"));
    }
}
