package cutover.cli;

import cutover.backup.EntitySnapshot;
import cutover.backup.Snapshot;
import cutover.plan.ColumnMapping;
import cutover.plan.EntityMapping;
import cutover.plan.ForeignKeyMapping;
import cutover.plan.Plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A restore's plan with the names of the tables a database gave back as they were: a generated plan
 * names tables and columns in snake case, as suits documents (`userProfiles` → `user_profiles`), but
 * a table restored into a database is the application's own table, `"MixedCase"."Id"` included, and
 * restored over the original it must find it by its name. The entities a snapshot took of a
 * database's table (held as its own rows, COPY text, or with the columns it declares nullable: a
 * SQLite table) keep their table's and their columns' names; documents keep the plan's.
 */
final class TableNamesKept {
    private TableNamesKept() {}

    static Plan of(Plan plan, Snapshot snapshot) {
        Map<String, String> tables = new HashMap<>(); // the plan's table name → the source's
        for (EntityMapping e : plan.entities()) {
            boolean fromTable = snapshot.entity(cutover.model.EntityName.of(e.source()))
                    .filter(s -> s.copyText() != null || s.nullableColumns() != null).isPresent();
            if (fromTable && !e.skip()) tables.put(e.table(), e.source());
        }
        if (tables.isEmpty()) return plan;
        List<EntityMapping> entities = new ArrayList<>();
        for (EntityMapping e : plan.entities()) {
            Map<String, String> columns = new HashMap<>(); // the plan's column name → the field's
            if (tables.containsKey(e.table())) {
                for (ColumnMapping c : e.columns()) if (c.from().size() == 1) columns.put(c.name(), c.from().get(0));
            }
            List<ColumnMapping> renamed = e.columns().stream().map(c -> new ColumnMapping(columns.getOrDefault(c.name(), c.name()), c.from(), c.type(),
                    c.nullable(), c.defaultValue(), c.transform(), c.onConflict(), c.references() == null ? null : tables.getOrDefault(c.references(), c.references()),
                    c.arrays())).toList();
            List<ForeignKeyMapping> keys = e.foreignKeys().stream().map(k -> new ForeignKeyMapping(
                    k.columns().stream().map(n -> columns.getOrDefault(n, n)).toList(), tables.getOrDefault(k.references(), k.references()))).toList();
            entities.add(new EntityMapping(e.source(), tables.getOrDefault(e.table(), e.table()), e.skip(),
                    e.key().stream().map(n -> columns.getOrDefault(n, n)).toList(), e.onConflict(), e.rowLevelSecurity(), keys, renamed, e.notes()));
        }
        return new Plan(plan.version(), plan.source(), plan.target(), plan.options(), plan.supabase(), plan.rowLevelSecurity(), entities, plan.verify());
    }
}
