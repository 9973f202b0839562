package cutover.sqlite;

import cutover.model.Column;
import cutover.model.Table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What keeps an existing table from taking a plan's rows; each problem names table and column. */
final class TableCheck {
    private TableCheck() {}

    static List<String> problems(Table plan, TableShape existing) {
        List<String> problems = new ArrayList<>();
        String where = "table " + existing.name() + (existing.name().equals(plan.name()) ? "" : " (plan table " + plan.name() + ")");
        boolean byRowid = keyedByOwnRowid(plan, existing);
        if (TableDdl.keyedByRowid(plan) && !existing.hasRowid()) {
            // keyed by a rowid (a source table without a primary key) into one WITHOUT ROWID: no column would do
            problems.add(where + ": the plan keys its rows by their rowid (" + plan.primaryKey().get(0) + ": the source table has no primary"
                    + " key), and this table has none (WITHOUT ROWID); write into a new table, or make this one without WITHOUT ROWID");
            return problems;
        }
        for (Column c : plan.columns()) {
            var found = existing.column(c.name());
            if (found.isEmpty() && byRowid && TableDdl.isRowid(c.name())) continue; // the table's own rowid
            if (found.isEmpty()) {
                problems.add(where + ": column " + c.name() + " is missing; add it as " + SqliteTypes.declaredType(c.type())
                        + " or remove it from the plan");
                continue;
            }
            Affinity affinity = found.get().affinity();
            if (!SqliteTypes.compatibleAffinities(c.type()).contains(affinity)) {
                problems.add(where + ": column " + c.name() + " is declared '" + found.get().declaredType() + "' (" + affinity
                        + " affinity), where SQLite would convert " + c.type() + " values; declare it "
                        + SqliteTypes.declaredType(c.type()) + " or change the plan's type");
            }
            if (c.nullable() && found.get().notNull() && !plan.primaryKey().contains(c.name())) {
                problems.add(where + ": column " + c.name() + " is NOT NULL but the plan lets it be null");
            }
        }
        Set<String> planned = new HashSet<>();
        plan.columns().forEach(c -> planned.add(c.name().toLowerCase(java.util.Locale.ROOT)));
        for (TableShape.ColumnShape c : existing.columns()) {
            if (c.notNull() && !planned.contains(c.name().toLowerCase(java.util.Locale.ROOT))) {
                problems.add(where + ": column " + c.name() + " is NOT NULL and the plan does not fill it; map a field to it or make it nullable");
            }
        }
        if (!byRowid && !existing.isUniqueOn(new HashSet<>(plan.primaryKey()))) {
            problems.add(where + ": neither its primary key " + existing.primaryKey() + " nor a unique index matches the plan's key "
                    + plan.primaryKey() + ", so rows cannot be upserted on it");
        }
        return problems;
    }

    /**
     * The plan's columns whose values an existing column's affinity may convert, checked value by
     * value ({@link RowCheck#numberAsStored}): decimal and JSON columns of NUMERIC affinity (a decimal,
     * or a JSON document that is one, is stored as a SQLite number), and text columns of a numeric
     * affinity (a plan that saw only NULLs there, or no row, types it text; text that looks like a
     * number would become one).
     */
    static List<String> convertedByAffinity(Table plan, TableShape existing) {
        List<String> out = new java.util.ArrayList<>();
        for (Column c : plan.columns()) {
            Affinity affinity = existing.column(c.name()).map(TableShape.ColumnShape::affinity).orElse(null);
            boolean numbers = (c.type() == cutover.model.ColumnType.NUMERIC || c.type() == cutover.model.ColumnType.JSON) && affinity == Affinity.NUMERIC;
            boolean text = c.type() == cutover.model.ColumnType.TEXT && (affinity == Affinity.NUMERIC || affinity == Affinity.INTEGER || affinity == Affinity.REAL);
            if (numbers || text) out.add(c.name());
        }
        return out;
    }

    /** Whether the plan keys the table by its rowid and the table has one of its own (no column takes the name). */
    static boolean keyedByOwnRowid(Table plan, TableShape existing) {
        return TableDdl.keyedByRowid(plan) && existing.hasRowid() && existing.column(plan.primaryKey().get(0)).isEmpty();
    }
}
