package cutover.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.analyze.EntitySchema;
import cutover.analyze.FieldStats;
import cutover.analyze.Schema;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds everything wrong with a plan before a row moves, each problem at the line to edit: names it
 * does not know, tables and columns that clash, keys and foreign keys that cannot work, and, given
 * the analysis and the target, fields the source does not have, values that will not fit, and
 * existing tables that lack columns.
 */
public final class PlanChecker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlanFile file;
    private final Plan plan;
    private final Schema schema;
    private final TargetInfo target;
    private final List<PlanProblem> problems = new ArrayList<>();
    /** Target tables the plan creates, with their key columns. */
    private final Map<String, List<String>> tableKeys = new HashMap<>();
    private final Set<String> skippedTables = new HashSet<>();

    private PlanChecker(PlanFile file, Schema schema, TargetInfo target) {
        this.file = file;
        this.plan = file.plan();
        this.schema = schema;
        this.target = target;
    }

    /** Every problem found, in the order of the file; empty when the plan is fine. */
    public static List<PlanProblem> check(PlanFile file, Schema sourceOrNull, TargetInfo targetOrNull) {
        PlanChecker c = new PlanChecker(file, sourceOrNull, targetOrNull);
        c.run();
        List<PlanProblem> sorted = new ArrayList<>(c.problems);
        sorted.sort(java.util.Comparator.comparingInt(PlanProblem::line));
        return sorted;
    }

    private void run() {
        for (String pointer : file.unknownKeys()) {
            String key = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
            error(pointer, "unknown key \"" + key + "\"" + where(pointer) + "; see docs/plan-format.md for the keys");
        }
        if (plan.version() != Plan.VERSION) error("/version", "version " + plan.version() + " is not known; this Cutover reads version " + Plan.VERSION);
        checkOptions();
        boolean supabase = plan.supabase() || (target != null && target.supabase());
        if (target != null && target.supabase() && !plan.supabase()) {
            warning("/supabase", "the target is a Supabase database but the plan says supabase: false");
        }
        for (EntityMapping e : plan.entities()) {
            if (e.skip()) skippedTables.add(e.table());
            else tableKeys.putIfAbsent(e.table(), e.key());
        }
        Set<String> sources = new HashSet<>();
        Map<String, String> tableOwners = new HashMap<>();
        for (int i = 0; i < plan.entities().size(); i++) {
            EntityMapping e = plan.entities().get(i);
            String at = "/entities/" + i;
            if (!sources.add(e.source())) error(at + "/source", "entity " + e.source() + " is mapped twice");
            Optional<EntitySchema> found = Optional.empty();
            if (schema != null) {
                found = schema.entity(EntityName.of(e.source()));
                if (found.isEmpty()) {
                    error(at + "/source", "entity " + e.source() + " is not in the source; it has: "
                            + schema.entities().stream().map(s -> s.name().value()).collect(Collectors.joining(", ")));
                }
            }
            if (e.skip()) continue;
            checkName(at + "/table", "entity " + e.source() + ": table", e.table());
            claimTable(tableOwners, e.table(), e.source(), at + "/table");
            new EntityCheck(e, at, found.orElse(null), supabase, tableOwners).run();
        }
    }

    private void checkOptions() {
        Plan.Options o = plan.options();
        if (o.batchSize() < 1) error("/options/batchSize", "batchSize must be at least 1, found " + o.batchSize());
        if (o.parallelism() < 0) error("/options/parallelism", "parallelism must be 0 (one worker per processor) or more, found " + o.parallelism());
        try {
            o.deadLetterLimitValue();
        } catch (CutoverException ex) {
            error("/options/deadLetterLimit", ex.getMessage());
        }
    }

    /** PostgreSQL silently cuts identifiers at 63 bytes, which could merge two names into one. */
    private void checkName(String pointer, String what, String name) {
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (name.isBlank()) error(pointer, what + " name is empty");
        else if (bytes > Names.MAX_LENGTH) error(pointer, what + " name " + name + " is " + bytes + " bytes long; PostgreSQL keeps only " + Names.MAX_LENGTH);
    }

    private void claimTable(Map<String, String> owners, String table, String owner, String pointer) {
        String previous = owners.putIfAbsent(table, owner);
        if (previous != null) error(pointer, "table " + table + " of " + owner + " is already the table of " + previous);
    }

    /** The checks of one entity; {@code schema} is its analysis or null. */
    private final class EntityCheck {
        private final EntityMapping e;
        private final String at;
        private final EntitySchema analysis;
        private final boolean supabase;
        private final Map<String, String> tableOwners;
        private final String prefix;

        EntityCheck(EntityMapping e, String at, EntitySchema analysis, boolean supabase, Map<String, String> tableOwners) {
            this.e = e;
            this.at = at;
            this.analysis = analysis;
            this.supabase = supabase;
            this.tableOwners = tableOwners;
            this.prefix = "entity " + e.source() + ": ";
        }

        void run() {
            ConflictRule rule = ConflictRule.named(e.onConflict()).orElse(null);
            if (rule == null) error(at + "/onConflict", prefix + "unknown onConflict rule \"" + e.onConflict() + "\"; the rules are " + ConflictRule.names());
            if (supabase && !plan.rowLevelSecurity(e)) {
                warning(e.rowLevelSecurity() != null ? at + "/rowLevelSecurity" : "/rowLevelSecurity", prefix + "table " + e.table()
                        + " will have no row level security on a Supabase target: anyone with the anon key can read and write it"
                        + " over the HTTP API");
            }
            checkKey();
            Set<String> names = new HashSet<>(e.keyPartColumns());
            for (int j = 0; j < e.columns().size(); j++) {
                checkColumn(e.columns().get(j), at + "/columns/" + j, names, rule);
            }
            for (int j = 0; j < e.foreignKeys().size(); j++) {
                ForeignKeyMapping fk = e.foreignKeys().get(j);
                String fat = at + "/foreignKeys/" + j;
                for (String c : fk.columns()) {
                    if (!e.key().contains(c) && e.column(c).isEmpty()) error(fat + "/columns", prefix + "foreign key column " + c + " is not a column of " + e.table());
                }
                checkReference(fat + "/references", prefix + "foreign key " + fk.columns(), fk.columns().size(), fk.references());
            }
            checkExistingTable(e.table(), expectedColumns(), at + "/table");
        }

        private void checkKey() {
            if (e.key().isEmpty()) {
                // only a PostgreSQL table without a primary key goes without one, copied whole into PostgreSQL
                boolean copiedWhole = postgres(plan.source()) && postgres(plan.target()) && (analysis == null || analysis.keyColumns().isEmpty());
                if (!copiedWhole) {
                    String key = analysis != null && !analysis.keyColumns().isEmpty() ? analysis.keyColumns().toString() : "[id]";
                    error(at + "/key", prefix + "key columns missing: give the primary key (key: " + key + ")");
                }
                for (ColumnMapping c : e.columns()) {
                    if (copiedWhole && !c.asItIs()) {
                        error(at + "/key", prefix + "column " + c.name() + ": a table without a key is copied whole, as the source's own"
                                + " text, so its columns are the source's as they are (name = from, no transform, default, reference"
                                + " or child table); give the table a key to map it otherwise");
                    }
                }
                return;
            }
            Set<String> seen = new HashSet<>();
            for (String k : e.key()) if (!seen.add(k)) error(at + "/key", prefix + "key column " + k + " appears twice");
            int parts = analysis != null && !analysis.keyColumns().isEmpty() ? analysis.keyColumns().size() : EntityName.of(e.source()).depth();
            List<String> fromKey = e.keyPartColumns();
            if (fromKey.size() > parts) {
                error(at + "/key", prefix + "key columns " + fromKey + " are not under columns, so they take the record's key, which has only "
                        + parts + (parts == 1 ? " part" : " parts") + "; define the others under columns or remove them");
            } else if (fromKey.size() == e.key().size() && fromKey.size() < parts && (analysis == null || analysis.keyColumns().isEmpty())) {
                warning(at + "/key", prefix + "the key takes the last " + fromKey.size() + " of the " + parts + " ids of a document's path:"
                        + " documents under different parents with the same " + (fromKey.size() == 1 ? "id" : "ids") + " get one key, the later"
                        + " is set aside (RECORD_DUPLICATE_KEY), and rows of its subcollections may attach to the one kept");
            }
        }

        private static boolean postgres(String location) {
            try {
                return location != null && Set.of("postgresql", "postgres").contains(cutover.connector.Location.parse(location).scheme());
            } catch (cutover.error.CutoverException notALocation) {
                return false; // said at its own line
            }
        }

        private void checkColumn(ColumnMapping c, String cat, Set<String> names, ConflictRule entityRule) {
            String p = prefix.substring(0, prefix.length() - 2) + " column " + c.name() + ": ";
            if (!names.add(c.name())) error(cat + "/name", p + "the name is used twice in table " + e.table());
            checkName(cat + "/name", p + "column", c.name());
            ColumnType type = PlanTypes.columnType(c.type()).orElse(null);
            if (type == null) error(cat + "/type", p + "unknown type \"" + c.type() + "\"; the types are " + PlanTypes.names());
            Transform transform = null;
            if (c.transform() != null) {
                transform = Transform.named(c.transform()).orElse(null);
                if (transform == null) {
                    error(cat + "/transform", p + "unknown transform \"" + c.transform() + "\"; the transforms are " + Transform.names());
                } else if (type != null && !transform.fits(type)) {
                    error(cat + "/transform", p + "transform " + c.transform() + " makes values for a "
                            + transform.columnTypes().stream().map(PlanTypes::name).collect(Collectors.joining(" or ")) + " column, not " + c.type());
                }
            }
            ConflictRule rule = entityRule;
            if (c.onConflict() != null) {
                rule = ConflictRule.named(c.onConflict()).orElse(null);
                if (rule == null) error(cat + "/onConflict", p + "unknown onConflict rule \"" + c.onConflict() + "\"; the rules are " + ConflictRule.names());
            }
            if (c.arrays() != null && !c.arrays().equals(ColumnMapping.ARRAYS_JSONB) && !c.childTable()) {
                error(cat + "/arrays", p + "arrays must be jsonb or child_table, found \"" + c.arrays() + "\"");
            }
            boolean isKey = e.key().contains(c.name());
            if (c.childTable()) {
                if (isKey) error(cat + "/arrays", p + "a key column cannot become a child table");
                String child = PlanMapper.childTableName(e, c);
                claimTable(tableOwners, child, e.source() + " column " + c.name(), cat + "/arrays");
                checkExistingTable(child, childColumns(), cat + "/arrays");
            }
            if (isKey && c.nullable()) warning(cat + "/nullable", p + "a key column is never null; nullable: true is ignored");
            if (c.references() != null) {
                checkReference(cat + "/references", p + "references", 1, c.references());
                if (type != null && type != ColumnType.TEXT) {
                    error(cat + "/type", p + "a column with references holds the referenced document's id: its type must be text, not " + c.type());
                }
            }
            if (c.defaultValue() != null && type != null) checkDefault(c, type, cat + "/default", p);
            // an entity without records shows no fields: nothing to check its columns against
            if (analysis != null && analysis.count() > 0) checkField(c, type, transform, rule, cat, p);
        }

        private void checkReference(String pointer, String what, int columns, String table) {
            if (skippedTables.contains(table) && !tableKeys.containsKey(table)) {
                error(pointer, what + " refers to table " + table + ", whose entity the plan skips");
                return;
            }
            List<String> key = tableKeys.get(table);
            if (key == null) {
                error(pointer, what + " refers to table " + table + ", which is not in the plan; the tables are "
                        + String.join(", ", tableKeys.keySet().stream().sorted().toList()));
            } else if (key.size() != columns) {
                error(pointer, what + " has " + columns + (columns == 1 ? " column" : " columns") + " but table " + table
                        + "'s key has " + key.size() + " " + key);
            }
        }

        private void checkDefault(ColumnMapping c, ColumnType type, String pointer, String p) {
            try {
                if (type == ColumnType.JSON) JSON.readTree(c.defaultValue());
                else ValueConverter.convert(Value.of(c.defaultValue()), type, ConflictRule.COERCE, false, c.name());
            } catch (RowProblem | com.fasterxml.jackson.core.JsonProcessingException ex) {
                error(pointer, p + "default \"" + c.defaultValue() + "\" is not a " + c.type() + (type == ColumnType.JSON ? " (JSON text)" : ""));
            }
        }

        /** Checks against the analysis: the field exists, its values fit, it is there when required. */
        private void checkField(ColumnMapping c, ColumnType type, Transform transform, ConflictRule rule, String cat, String p) {
            Optional<FieldStats> stats = analysis.field(c.from());
            if (stats.isEmpty()) {
                error(cat + "/from", p + "unknown source field " + FieldPath.format(c.from()) + "; " + e.source() + " has "
                        + analysis.topLevelFields().stream().map(f -> FieldPath.format(f.path())).limit(30).collect(Collectors.joining(", ")));
                return;
            }
            FieldStats f = stats.get();
            long lacking = analysis.count() - f.present() + f.nulls();
            if (!c.nullable() && c.defaultValue() == null && lacking > 0 && !e.key().contains(c.name())) {
                warning(cat + "/nullable", p + lacking + " of " + analysis.count() + " records lack a value for " + FieldPath.format(c.from())
                        + " and the column is not nullable and has no default: they will go to the dead-letter file");
            }
            if (type == null || rule == null || transform != null || c.childTable()) return;
            long misfits = 0;
            List<String> kinds = new ArrayList<>();
            for (Value.Kind k : f.nonNullKinds()) {
                if (!fits(k, type, rule)) {
                    misfits += f.kinds().get(k);
                    kinds.add(k.name().toLowerCase(Locale.ROOT));
                }
            }
            if (type == ColumnType.DOUBLE && f.kinds().containsKey(Value.Kind.INT64) && !ValueConverter.doubleHoldsIntegers(f.minInt(), f.maxInt())) {
                warning(cat + "/type", p + "integers between " + f.minInt() + " and " + f.maxInt() + " do not all fit type double exactly"
                        + " (it holds every integer only up to 2^53): the records of those beyond go to the dead-letter file; numeric holds them");
            }
            if (misfits > 0) {
                warning(cat + "/type", p + misfits + " values (" + String.join(", ", kinds) + ") do not fit type " + c.type()
                        + " under rule " + rule.yamlName() + ": their records will go to the dead-letter file");
            }
        }

        private List<String> expectedColumns() {
            List<String> cols = new ArrayList<>(e.keyPartColumns());
            for (ColumnMapping c : e.columns()) if (!c.childTable()) cols.add(c.name());
            return cols;
        }

        private List<String> childColumns() {
            List<String> cols = new ArrayList<>();
            for (String k : e.key()) cols.add(Names.parentKeyColumn(e.table(), k));
            cols.add(PlanMapper.CHILD_INDEX);
            cols.add(PlanMapper.CHILD_VALUE);
            return cols;
        }
    }

    /** Whether values of this kind can always go into the type under the rule (coercing text may still fail per value). */
    static boolean fits(Value.Kind kind, ColumnType type, ConflictRule rule) {
        if (type == ColumnType.JSON || type.valueKind() == kind) return true;
        if (type == ColumnType.TEXT) return kind == Value.Kind.REFERENCE || rule != ConflictRule.DEAD_LETTER;
        if (type == ColumnType.DOUBLE && kind == Value.Kind.INT64) return true;
        if (type == ColumnType.NUMERIC && (kind == Value.Kind.INT64 || kind == Value.Kind.FLOAT64)) return true;
        if (rule != ConflictRule.COERCE) return false;
        return switch (type) {
            case BIGINT -> kind == Value.Kind.TEXT || kind == Value.Kind.FLOAT64 || kind == Value.Kind.DECIMAL;
            case DOUBLE -> kind == Value.Kind.TEXT || kind == Value.Kind.DECIMAL;
            case NUMERIC, BOOLEAN -> kind == Value.Kind.TEXT;
            case TIMESTAMPTZ -> kind == Value.Kind.TEXT || kind == Value.Kind.DATE;
            case DATE -> kind == Value.Kind.TEXT || kind == Value.Kind.TIMESTAMP;
            default -> false;
        };
    }

    private void checkExistingTable(String table, List<String> columns, String pointer) {
        if (target == null) return;
        Set<String> existing = target.tables().get(table);
        if (existing == null && target.defaultSchema() != null) existing = target.tables().get(target.defaultSchema() + "." + table);
        if (existing == null) return;
        Set<String> have = existing;
        List<String> missing = columns.stream().filter(c -> !have.contains(c)).distinct().toList();
        if (!missing.isEmpty()) {
            error(pointer, "table " + table + " already exists in the target without the columns " + String.join(", ", missing)
                    + "; add them to the table, or map to another table name");
        }
    }

    /**
     * Stops with PLAN_MISMATCH listing every error (warnings are left to the caller to show) when the
     * checker found any; does nothing otherwise.
     */
    public static void requireNoErrors(List<PlanProblem> problems) {
        List<String> errors = problems.stream().filter(PlanProblem::isError).map(PlanProblem::toString).toList();
        if (!errors.isEmpty()) {
            throw new CutoverException(ErrorCode.PLAN_MISMATCH, "the plan has " + errors.size() + (errors.size() == 1 ? " problem" : " problems")
                    + ":\n  " + String.join("\n  ", errors));
        }
    }

    private static String where(String pointer) {
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        return parent.isEmpty() ? "" : " at " + parent;
    }

    private void error(String pointer, String message) {
        problems.add(new PlanProblem(file.fileName(), file.lineOf(pointer), PlanProblem.Severity.ERROR, message));
    }

    private void warning(String pointer, String message) {
        problems.add(new PlanProblem(file.fileName(), file.lineOf(pointer), PlanProblem.Severity.WARNING, message));
    }
}
