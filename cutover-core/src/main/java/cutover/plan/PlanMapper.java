package cutover.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.migrate.RowMapper;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Fields;
import cutover.model.ForeignKey;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.RowText;
import cutover.model.Table;
import cutover.model.Value;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps source records to rows as a plan says. Built once from a plan (unknown types, transforms or
 * rules stop it with PLAN_INVALID: run the checker first for every problem with its line), then
 * immutable and so safe on the pipeline's threads.
 */
public final class PlanMapper implements RowMapper {
    static final String CHILD_INDEX = "index";
    static final String CHILD_VALUE = "value";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<EntityName, EntityPlan> entities;
    private final Map<EntityName, String> skipped;
    private final List<Table> tables;
    /** By entity, the columns of the source lines ({@link RowText}) its records carry on, found copied as they are ({@link #copiesAsIs}). */
    private final Map<EntityName, List<String>> textCarried = new java.util.concurrent.ConcurrentHashMap<>();

    private record ColumnPlan(String name, List<String> from, String field, ColumnType type, boolean nullable, Value defaultValue,
                              Transform transform, ConflictRule rule, boolean referenceId, Table childTable) {}

    private record EntityPlan(Table table, List<String> keyParts, List<ColumnPlan> columns, List<ColumnPlan> childColumns) {}

    private PlanMapper(Map<EntityName, EntityPlan> entities, Map<EntityName, String> skipped, List<Table> tables) {
        this.entities = entities;
        this.skipped = skipped;
        this.tables = tables;
    }

    public static PlanMapper of(Plan plan) {
        return of(plan, Map.of());
    }

    /**
     * The plan's mapper, its tables made as {@code definitions} (by table name) define them where the
     * sink reads their format: a restore of tables stored as their database's own rows. An entity
     * without a key (a source table that had no primary key) takes its rows only whole, as the
     * source's text ({@link #tableWithoutKey}); a migration gives such a table its definition.
     */
    public static PlanMapper of(Plan plan, Map<String, cutover.model.NativeDefinition> definitions) {
        return of(plan, definitions, java.util.Set.of());
    }

    /**
     * {@link #of(Plan, Map)} for a part of a whole plan (a restore of part of a snapshot: the rest of it
     * is not restored), making no foreign key to the tables of the entities it skips, where a foreign
     * key to a table the plan does not make is otherwise refused; a reference column still holds the
     * referenced document's id, as a restore of the whole snapshot made it.
     */
    public static PlanMapper ofPart(Plan plan, Map<String, cutover.model.NativeDefinition> definitions) {
        return of(plan, definitions, skippedTables(plan));
    }

    /** The tables of the entities the plan skips. */
    public static java.util.Set<String> skippedTables(Plan plan) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (EntityMapping e : plan.entities()) if (e.skip()) out.add(e.table());
        return out;
    }

    private static PlanMapper of(Plan plan, Map<String, cutover.model.NativeDefinition> definitions, java.util.Set<String> notReferred) {
        Map<String, List<String>> keys = new HashMap<>();
        for (EntityMapping e : plan.entities()) if (!e.skip()) keys.put(e.table(), e.key());
        Map<EntityName, EntityPlan> entities = new LinkedHashMap<>();
        Map<EntityName, String> skipped = new HashMap<>();
        List<Table> tables = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            EntityName name = EntityName.of(e.source());
            if (entities.containsKey(name) || skipped.containsKey(name)) throw invalid(e, null, "the entity is mapped twice");
            if (e.skip()) {
                skipped.put(name, "the plan skips " + e.source() + " (skip: true)");
                continue;
            }
            EntityPlan p = compile(plan, e, keys, definitions.get(e.table()), notReferred);
            entities.put(name, p);
            tables.add(p.table());
            for (ColumnPlan c : p.childColumns()) tables.add(c.childTable());
            java.util.Set<String> tableNames = new java.util.HashSet<>();
            for (Table t : tables) if (!tableNames.add(t.name())) throw invalid(e, null, "table " + t.name() + " is made twice");
        }
        return new PlanMapper(entities, skipped, TableOrder.parentsFirst(tables));
    }

    private static EntityPlan compile(Plan plan, EntityMapping e, Map<String, List<String>> keys, cutover.model.NativeDefinition definition,
                                      java.util.Set<String> notReferred) {
        ConflictRule entityRule = ConflictRule.named(e.onConflict())
                .orElseThrow(() -> invalid(e, null, "unknown onConflict rule \"" + e.onConflict() + "\" (" + ConflictRule.names() + ")"));
        List<Column> columns = new ArrayList<>();
        List<String> keyParts = e.keyPartColumns();
        for (String k : keyParts) columns.add(new Column(k, ColumnType.TEXT, false));
        List<ColumnPlan> plain = new ArrayList<>();
        List<ColumnPlan> children = new ArrayList<>();
        List<ForeignKey> fks = new ArrayList<>();
        for (ForeignKeyMapping fk : e.foreignKeys()) {
            if (!notReferred.contains(fk.references())) fks.add(foreignKey(e, null, fk.columns(), fk.references(), keys));
        }
        for (ColumnMapping c : e.columns()) {
            ColumnType type = PlanTypes.columnType(c.type())
                    .orElseThrow(() -> invalid(e, c, "unknown type \"" + c.type() + "\" (" + PlanTypes.names() + ")"));
            Transform transform = c.transform() == null ? null : Transform.named(c.transform())
                    .orElseThrow(() -> invalid(e, c, "unknown transform \"" + c.transform() + "\" (" + Transform.names() + ")"));
            if (transform != null && !transform.fits(type)) {
                throw invalid(e, c, "transform " + c.transform() + " makes values for " + transform.columnTypes().stream()
                        .map(PlanTypes::name).toList() + " columns, not " + c.type());
            }
            ConflictRule rule = c.onConflict() == null ? entityRule : ConflictRule.named(c.onConflict())
                    .orElseThrow(() -> invalid(e, c, "unknown onConflict rule \"" + c.onConflict() + "\" (" + ConflictRule.names() + ")"));
            if (c.arrays() != null && !c.arrays().equals(ColumnMapping.ARRAYS_JSONB) && !c.childTable()) {
                throw invalid(e, c, "arrays must be jsonb or child_table, found \"" + c.arrays() + "\"");
            }
            boolean isKey = e.key().contains(c.name());
            Value defaultValue = c.defaultValue() == null ? null : defaultValue(e, c, type);
            String field = FieldPath.format(c.from());
            if (c.childTable()) {
                if (e.key().isEmpty()) throw invalid(e, c, "a table without a key has no child tables: its rows have nothing to be referenced by");
                Table child = childTable(e, c, type, columns, plan);
                children.add(new ColumnPlan(c.name(), c.from(), field, type, true, null, transform, rule, c.references() != null, child));
                continue;
            }
            columns.add(new Column(c.name(), type, c.nullable() && !isKey));
            plain.add(new ColumnPlan(c.name(), c.from(), field, type, c.nullable() && !isKey, defaultValue, transform, rule,
                    c.references() != null, null));
            if (c.references() != null && !notReferred.contains(c.references())) fks.add(foreignKey(e, c, List.of(c.name()), c.references(), keys));
        }
        java.util.Set<String> columnNames = new java.util.HashSet<>();
        for (Column col : columns) if (!columnNames.add(col.name())) throw invalid(e, null, "column " + col.name() + " is defined twice");
        for (String k : e.key()) {
            if (!columnNames.contains(k)) throw invalid(e, null, "key column " + k + " is a child table, not a column");
        }
        Table table = new Table(e.table(), columns, e.key(), fks, plan.rowLevelSecurity(e), definition);
        return new EntityPlan(table, keyParts, plain, children);
    }

    /** The table of an array column mapped to rows: the parent's key, the element's index, the element. */
    private static Table childTable(EntityMapping e, ColumnMapping c, ColumnType type, List<Column> parentColumns, Plan plan) {
        List<Column> columns = new ArrayList<>();
        List<String> parentKey = new ArrayList<>();
        for (String k : e.key()) {
            ColumnType keyType = parentColumns.stream().filter(p -> p.name().equals(k)).map(Column::type).findFirst()
                    .orElseGet(() -> e.column(k).flatMap(m -> PlanTypes.columnType(m.type())).orElse(ColumnType.TEXT));
            String name = Names.parentKeyColumn(e.table(), k);
            parentKey.add(name);
            columns.add(new Column(name, keyType, false));
        }
        columns.add(new Column(CHILD_INDEX, ColumnType.BIGINT, false));
        columns.add(new Column(CHILD_VALUE, type, true));
        List<String> pk = new ArrayList<>(parentKey);
        pk.add(CHILD_INDEX);
        ForeignKey toParent = new ForeignKey(parentKey, e.table(), e.key());
        return new Table(childTableName(e, c), columns, pk, List.of(toParent), plan.rowLevelSecurity(e), null, toParent);
    }

    static String childTableName(EntityMapping e, ColumnMapping c) { return e.table() + "_" + c.name(); }

    private static ForeignKey foreignKey(EntityMapping e, ColumnMapping c, List<String> columns, String table, Map<String, List<String>> keys) {
        List<String> referenced = keys.get(table);
        if (referenced == null) throw invalid(e, c, "foreign key to table " + table + ", which the plan does not create");
        if (referenced.size() != columns.size()) {
            throw invalid(e, c, "foreign key " + columns + " to table " + table + " whose key has " + referenced.size() + " columns " + referenced);
        }
        return new ForeignKey(columns, table, referenced);
    }

    private static Value defaultValue(EntityMapping e, ColumnMapping c, ColumnType type) {
        String text = c.defaultValue();
        if (type == ColumnType.JSON) {
            try {
                return fromJson(JSON.readTree(text));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw invalid(e, c, "default \"" + text + "\" is not JSON: " + ex.getOriginalMessage());
            }
        }
        try {
            return ValueConverter.convert(Value.of(text), type, ConflictRule.COERCE, false, c.name());
        } catch (RowProblem p) {
            throw invalid(e, c, "default \"" + text + "\" is not a " + c.type());
        }
    }

    private static Value fromJson(JsonNode n) {
        if (n.isNull()) return Value.NULL;
        if (n.isBoolean()) return Value.of(n.booleanValue());
        if (n.isIntegralNumber() && n.canConvertToLong()) return Value.of(n.longValue());
        if (n.isNumber()) return Value.of(new BigDecimal(n.asText()));
        if (n.isTextual()) return Value.of(n.textValue());
        if (n.isArray()) {
            List<Value> values = new ArrayList<>();
            n.forEach(v -> values.add(fromJson(v)));
            return new Value.Array(values);
        }
        Map<String, Value> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            fields.put(f.getKey(), fromJson(f.getValue()));
        }
        return new Value.MapValue(fields);
    }

    private static CutoverException invalid(EntityMapping e, ColumnMapping c, String message) {
        return new CutoverException(ErrorCode.PLAN_INVALID, "entity " + e.source() + (c == null ? "" : " column " + c.name())
                + ": " + message + "; run `cutover plan check` for every problem with its line");
    }

    @Override
    public List<Table> tables() { return tables; }

    /**
     * The same mapping, its tables carrying their definitions where {@code byTable} has one (a restore
     * of tables a database of the target's kind defined): the sink makes them as defined.
     */
    @Override
    public java.util.Optional<String> tableOf(EntityName entity) {
        return java.util.Optional.ofNullable(entities.get(entity)).map(p -> p.table().name());
    }

    @Override
    public java.util.Optional<Table> tableWithoutKey(EntityName entity) {
        EntityPlan p = entities.get(entity);
        return p == null || !p.table().primaryKey().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(p.table());
    }

    @Override
    public java.util.Optional<Table> copiesAsIs(EntityName entity, List<String> fields) {
        EntityPlan p = entities.get(entity);
        if (p == null || !p.keyParts().isEmpty() || !p.childColumns().isEmpty() || p.columns().size() != fields.size()) return java.util.Optional.empty();
        for (ColumnPlan c : p.columns()) {
            boolean plain = fields.contains(c.name()) && c.from().equals(List.of(c.name())) && c.transform() == null
                    && c.defaultValue() == null && !c.referenceId();
            if (!plain) return java.util.Optional.empty();
        }
        return java.util.Optional.of(p.table());
    }

    @Override
    public java.util.Set<String> tablesWithDerivedKeys(java.util.function.Function<EntityName, List<String>> sourceKeyColumns,
                                                       java.util.function.Predicate<EntityName> keysMayRepeat) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        entities.forEach((entity, p) -> {
            boolean shared = keysMayRepeat.test(entity) || !keyedAsInSource(entity, p, sourceKeyColumns.apply(entity));
            if (!p.table().primaryKey().isEmpty() && shared) out.add(p.table().name());
        });
        return out;
    }

    /**
     * Whether each row's key is its record's own key in the source, as it is (so no two records share
     * one): every part of a document's path, or each primary key column of a source table taken as
     * it is. A transform, a default, a reference's id or a parse (rule coerce: "01" and "1") may make
     * two keys one; a child table's rows are keyed by their parent's key and their place in it.
     */
    private static boolean keyedAsInSource(EntityName entity, EntityPlan p, List<String> sourceKey) {
        List<String> key = p.table().primaryKey();
        if (sourceKey.isEmpty()) return p.keyParts().equals(key) && key.size() == entity.depth();
        if (!p.keyParts().isEmpty() || key.size() != sourceKey.size()) return false;
        java.util.Set<String> fromFields = new java.util.HashSet<>();
        for (ColumnPlan c : p.columns()) {
            if (!key.contains(c.name())) continue;
            boolean asItIs = c.from().size() == 1 && c.transform() == null && c.defaultValue() == null && !c.referenceId()
                    && c.rule() != ConflictRule.COERCE;
            if (!asItIs) return false;
            fromFields.add(c.from().get(0));
        }
        return fromFields.equals(new java.util.HashSet<>(sourceKey));
    }

    @Override
    public boolean leavesOut(EntityName entity) {
        return !entities.containsKey(entity);
    }

    @Override
    public Mapped map(Record source) {
        EntityPlan p = entities.get(source.entity());
        if (p == null) {
            String why = skipped.get(source.entity());
            return new Skipped(why != null ? why : "the plan has no mapping for " + source.entity());
        }
        try {
            Fields.Builder row = Fields.builder(16);
            List<Value> parts = source.key().parts();
            int n = p.keyParts().size();
            if (parts.size() < n) {
                throw new RowProblem(ErrorCode.RECORD_MISSING_REQUIRED, p.keyParts().get(0), "the record's key " + source.key()
                        + " has " + parts.size() + " parts; the plan's key columns " + p.keyParts() + " need " + n);
            }
            for (int i = 0; i < n; i++) row.put(p.keyParts().get(i), Value.of(ValueConverter.asText(parts.get(parts.size() - n + i), false)));
            for (ColumnPlan c : p.columns()) row.put(c.name(), value(source, c));
            List<Value> keyValues = new ArrayList<>();
            for (String k : p.table().primaryKey()) {
                Value v = row.get(k);
                if (v.kind() == Value.Kind.NULL) {
                    throw new RowProblem(ErrorCode.RECORD_MISSING_REQUIRED, k, "key column " + k + " of table " + p.table().name() + " has no value");
                }
                keyValues.add(v);
            }
            // a table without a key: the row goes by its record's own key (its place), compared by its content
            Key key = keyValues.isEmpty() ? source.key() : new Key(keyValues);
            List<Record> rows = new ArrayList<>();
            rows.add(new Record(p.table().entity(), key, row.build(), source.version(), carried(source)));
            for (ColumnPlan c : p.childColumns()) childRows(source, c, keyValues, rows);
            return new Rows(rows);
        } catch (RowProblem problem) {
            return new Failed(problem.error());
        }
    }

    /** The source's line, where the plan copies its entity column for column: its values' own text is then the row's. */
    private RowText carried(Record source) {
        RowText text = source.asWritten();
        if (text == null) return null;
        List<String> plain = textCarried.get(source.entity());
        if (plain == null) {
            plain = copiesAsIs(source.entity(), text.columns()).isPresent() ? text.columns() : List.of();
            textCarried.put(source.entity(), plain);
        }
        return plain == text.columns() || plain.equals(text.columns()) ? text : null;
    }

    private static Value value(Record source, ColumnPlan c) throws RowProblem {
        Value raw = lookup(source, c.from());
        Value v = raw == null ? Value.NULL : raw;
        if (c.transform() != null) v = c.transform().apply(v, c.field());
        if (v.kind() == Value.Kind.NULL) {
            if (c.defaultValue() != null) return c.defaultValue();
            if (!c.nullable()) {
                throw new RowProblem(ErrorCode.RECORD_MISSING_REQUIRED, c.field(), "field " + c.field() + " is "
                        + (raw == null ? "missing" : "null") + ", and column " + c.name() + " is not nullable and has no default");
            }
            return Value.NULL;
        }
        return ValueConverter.convert(v, c.type(), c.rule(), c.referenceId(), c.field());
    }

    private static void childRows(Record source, ColumnPlan c, List<Value> parentKey, List<Record> rows) throws RowProblem {
        Value raw = lookup(source, c.from());
        if (raw == null || raw.kind() == Value.Kind.NULL) return;
        if (!(raw instanceof Value.Array array)) {
            throw new RowProblem(ErrorCode.RECORD_TYPE_MISMATCH, c.field(), "field " + c.field() + ": found " + Transform.kindName(raw)
                    + ", expected an array (arrays: child_table into " + c.childTable().name() + ")");
        }
        List<String> names = c.childTable().primaryKey();
        for (int i = 0; i < array.values().size(); i++) {
            Value element = array.values().get(i);
            if (c.transform() != null) element = c.transform().apply(element, c.field() + "[" + i + "]");
            if (element.kind() != Value.Kind.NULL) element = ValueConverter.convert(element, c.type(), c.rule(), c.referenceId(), c.field() + "[" + i + "]");
            Fields.Builder row = Fields.builder(16);
            for (int k = 0; k < parentKey.size(); k++) row.put(names.get(k), parentKey.get(k));
            row.put(CHILD_INDEX, Value.of((long) i));
            row.put(CHILD_VALUE, element);
            List<Value> key = new ArrayList<>(parentKey);
            key.add(Value.of((long) i));
            rows.add(new Record(c.childTable().entity(), new Key(key), row.build(), source.version()));
        }
    }

    /** The value at a field path, through nested maps; null when the record has no such field. */
    private static Value lookup(Record source, List<String> path) {
        Value v = source.get(path.get(0));
        for (int i = 1; i < path.size() && v != null; i++) {
            v = v instanceof Value.MapValue m ? m.fields().get(path.get(i)) : null;
        }
        return v;
    }
}
