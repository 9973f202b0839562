package cutover.plan;

import cutover.analyze.EntitySchema;
import cutover.analyze.FieldStats;
import cutover.analyze.Schema;
import cutover.connector.TargetInfo;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The first draft of a plan, from what analysis found: one table per collection or table, a column
 * per top-level field typed by the kind most values have, subcollections as child tables keyed by
 * their parents' ids, references as foreign keys where they can be. Whatever it had to decide (a
 * conflict widened, a reference left as a path) it says in the entity's notes, for the review.
 */
public final class PlanGenerator {
    private PlanGenerator() {}

    public static Plan generate(Schema schema, String source, String target, TargetInfo targetOrNull) {
        boolean supabase = targetOrNull != null && targetOrNull.supabase();
        List<EntitySchema> ordered = new ArrayList<>(schema.entities());
        ordered.sort(Comparator.comparingInt(e -> e.name().depth())); // parents first; stable otherwise
        Map<EntityName, String> tables = tableNames(ordered);
        List<EntityMapping> mappings = new ArrayList<>();
        for (EntitySchema e : ordered) {
            mappings.add(entity(e, schema, tables, supabase, targetOrNull));
        }
        return new Plan(Plan.VERSION, source, target, Plan.Options.DEFAULTS, supabase, supabase, mappings);
    }

    /** Leaf names; where two collide, subcollections take their parent's name too, then their whole path. */
    private static Map<EntityName, String> tableNames(List<EntitySchema> entities) {
        Map<EntityName, Integer> level = new LinkedHashMap<>();
        for (EntitySchema e : entities) level.put(e.name(), 1);
        for (int round = 0; round < 2; round++) {
            Map<String, Integer> uses = new HashMap<>();
            for (EntityName n : level.keySet()) uses.merge(candidate(n, level.get(n)), 1, Integer::sum);
            for (EntityName n : level.keySet()) {
                if (uses.get(candidate(n, level.get(n))) > 1 && n.isSubcollection()) level.put(n, level.get(n) + 1);
            }
        }
        Set<String> taken = new HashSet<>();
        Map<EntityName, String> names = new LinkedHashMap<>();
        for (EntityName n : level.keySet()) names.put(n, Names.unique(candidate(n, level.get(n)), taken));
        return names;
    }

    private static String candidate(EntityName n, int level) {
        if (level == 1 || !n.isSubcollection()) return Names.snake(n.leaf());
        List<String> ids = n.collectionIds();
        List<String> used = level == 2 ? ids.subList(ids.size() - 2, ids.size()) : ids;
        return Names.snake(String.join("_", used));
    }

    private static EntityMapping entity(EntitySchema e, Schema schema, Map<EntityName, String> tables,
                                        boolean supabase, TargetInfo target) {
        String table = tables.get(e.name());
        List<String> notes = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        List<String> key = new ArrayList<>();
        List<ForeignKeyMapping> fks = new ArrayList<>();
        boolean documents = e.keyColumns().isEmpty();
        if (documents) {
            List<String> ids = e.name().collectionIds();
            for (int i = 0; i < ids.size() - 1; i++) key.add(Names.unique(Names.singular(Names.snake(ids.get(i))) + "_id", taken));
            key.add(Names.unique("id", taken));
            EntityName parent = e.name().parent().orElse(null);
            if (parent != null && tables.containsKey(parent)) {
                fks.add(new ForeignKeyMapping(key.subList(0, key.size() - 1), tables.get(parent)));
            } else if (parent != null) {
                notes.add("the parent collection " + parent + " is not in the analysis: no foreign key to it");
            }
        }
        List<ColumnMapping> columns = new ArrayList<>();
        Map<String, String> columnOfField = new HashMap<>();
        for (FieldStats f : e.topLevelFields()) {
            String field = f.path().get(0);
            String base = Names.snake(field);
            List<String> why = new ArrayList<>();
            String references = f.nonNullKinds().equals(List.of(Value.Kind.REFERENCE)) ? referenceTable(f, schema, tables, why) : null;
            // a column holding the referenced document's id is named like one: user → user_id
            if (references != null && !base.endsWith("_id")) base = base + "_id";
            String name = Names.unique(base, taken);
            columnOfField.put(field, name);
            columns.add(column(e, f, name, references, notes));
            for (String w : why) notes.add(name + ": " + w);
        }
        if (!documents) {
            for (String k : e.keyColumns()) {
                // a key that is no field (SQLite's _rowid_) keeps its name where snake case would make it a column's (rowid)
                String part = columnOfField.getOrDefault(k, Names.snake(k));
                key.add(!columnOfField.containsKey(k) && columnOfField.containsValue(part) ? k : part);
            }
            columns.replaceAll(c -> key.contains(c.name()) && c.nullable()
                    ? new ColumnMapping(c.name(), c.from(), c.type(), false, c.defaultValue(), c.transform(), c.onConflict(), c.references(), c.arrays())
                    : c);
        }
        if (e.unreadable() > 0) notes.add(e.unreadable() + " records could not be read; they go to the dead-letter file");
        if (target != null && target.tables().containsKey(table)) {
            notes.add("table " + table + " already exists in the target: plan check compares its columns");
        }
        return new EntityMapping(e.name().value(), table, false, key, ConflictRule.WIDEN.yamlName(), supabase ? Boolean.TRUE : null,
                fks, columns, notes);
    }

    private static ColumnMapping column(EntitySchema e, FieldStats f, String name, String references, List<String> notes) {
        List<Value.Kind> kinds = f.nonNullKinds();
        // what the data shows, or what the source's schema allows: a column that may hold NULL stays
        // nullable even if none is there yet (a later NULL, in a phased migration, must not be refused)
        boolean nullable = f.present() < e.count() || f.nulls() > 0
                || (f.path().size() == 1 && e.declaresNullable(f.path().get(0)).orElse(false));
        ColumnType type = typeOf(kinds);
        // a double holds integers exactly only up to 2^53: mixed numbers with a larger one go to numeric
        if (type == ColumnType.DOUBLE && kinds.contains(Value.Kind.INT64) && !ValueConverter.doubleHoldsIntegers(f.minInt(), f.maxInt())) {
            type = ColumnType.NUMERIC;
        }
        // a JSON column's document null beside its maps or arrays is no conflict: the column is jsonb either way
        if (kinds.stream().filter(k -> k != Value.Kind.JSON_NULL).count() > 1) {
            boolean numbers = kinds.stream().allMatch(PlanGenerator::isNumber);
            notes.add(name + ": " + kindShares(f) + (numbers
                    ? " — mixed numbers, " + PlanTypes.name(type) + " holds them all"
                    : " — conflict, widened to " + PlanTypes.name(type) + " (rule widen)"));
        }
        return new ColumnMapping(name, f.path(), PlanTypes.name(type), nullable, null, null, null, references, null);
    }

    /** The table a reference column can have a foreign key to, or null; {@code why} gets a note either way. */
    private static String referenceTable(FieldStats f, Schema schema, Map<EntityName, String> tables, List<String> why) {
        List<FieldStats.ReferenceStats> targets = f.references().stream().filter(r -> r.count() > 0).toList();
        if (targets.size() != 1) {
            why.add("references point into " + (targets.isEmpty() ? "no known collection" : targets.size() + " collections")
                    + ": the column holds the document path, no foreign key");
            return null;
        }
        FieldStats.ReferenceStats r = targets.get(0);
        boolean singleKeyTable = !r.target().isSubcollection()
                && schema.entity(r.target()).map(t -> t.keyColumns().isEmpty()).orElse(false);
        if (!tables.containsKey(r.target()) || !singleKeyTable) {
            why.add("references " + r.target() + ", which " + (tables.containsKey(r.target())
                    ? "has a composite key" : "is not migrated") + ": the column holds the document path, no foreign key");
            return null;
        }
        if (r.dangling() > 0) {
            // Deleted users and the like are common in Firestore; the rows are kept and the key still guards new rows.
            why.add(r.dangling() + " of " + r.count() + " references point to missing documents of " + r.target()
                    + ": the foreign key to " + tables.get(r.target()) + " is added NOT VALID, the rows are kept and migrate names them");
            return tables.get(r.target());
        }
        why.add("references " + r.target() + " — holds the document id, foreign key to " + tables.get(r.target()));
        return tables.get(r.target());
    }

    static ColumnType typeOf(List<Value.Kind> kinds) {
        if (kinds.isEmpty()) return ColumnType.TEXT;
        if (kinds.size() == 1) return typeOf(kinds.get(0));
        if (kinds.stream().allMatch(PlanGenerator::isNumber)) {
            return kinds.contains(Value.Kind.DECIMAL) ? ColumnType.NUMERIC : ColumnType.DOUBLE;
        }
        if (kinds.contains(Value.Kind.ARRAY) || kinds.contains(Value.Kind.MAP) || kinds.contains(Value.Kind.JSON_NULL)) return ColumnType.JSON;
        return ColumnType.TEXT;
    }

    private static ColumnType typeOf(Value.Kind kind) {
        return switch (kind) {
            case BOOL -> ColumnType.BOOLEAN;
            case INT64 -> ColumnType.BIGINT;
            case FLOAT64 -> ColumnType.DOUBLE;
            case DECIMAL -> ColumnType.NUMERIC;
            case TIMESTAMP -> ColumnType.TIMESTAMPTZ;
            case DATE -> ColumnType.DATE;
            case BYTES -> ColumnType.BYTES;
            case GEOPOINT -> ColumnType.GEOPOINT;
            case ARRAY, MAP, JSON_NULL -> ColumnType.JSON;
            case NULL, TEXT, REFERENCE -> ColumnType.TEXT;
        };
    }

    private static boolean isNumber(Value.Kind k) {
        return k == Value.Kind.INT64 || k == Value.Kind.FLOAT64 || k == Value.Kind.DECIMAL;
    }

    /** {@code int64 92%, text 8%}: the share of each kind among the non-null values, largest first. */
    static String kindShares(FieldStats f) {
        long total = f.nonNullKinds().stream().mapToLong(k -> f.kinds().get(k)).sum();
        return String.join(", ", f.nonNullKinds().stream()
                .sorted(Comparator.comparingLong((Value.Kind k) -> -f.kinds().get(k)).thenComparing(k -> k))
                .map(k -> k.name().toLowerCase(Locale.ROOT) + " " + percent(f.kinds().get(k), total))
                .toList());
    }

    private static String percent(long part, long total) {
        double p = 100.0 * part / total;
        if (p > 0 && p < 1) return "<1%";
        if (p < 100 && p > 99) return ">99%";
        return Math.round(p) + "%";
    }
}
