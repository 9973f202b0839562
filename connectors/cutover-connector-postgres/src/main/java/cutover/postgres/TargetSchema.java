package cutover.postgres;

import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the plan's missing tables and checks the existing ones against it (prepare), noting the
 * existing columns that take the plan's values only within a limit ({@link ColumnLimit}) or as a
 * native array ({@link ArrayColumn}).
 */
final class TargetSchema {
    /**
     * An existing column: its {@code pg_type} name and type modifier (length, precision and scale; a
     * domain's base type's), and whether the type reads its values from text the server checks (a uuid, an enum, a domain over text, uuid or an enum), which a plan's
     * text column may be written into: a value the type refuses sets its record aside, with the
     * server's reason.
     */
    record ExistingColumn(String typname, int typmod, boolean takesText) {}

    private final String defaultSchema;
    private final Map<String, Map<String, ColumnLimit>> limits = new LinkedHashMap<>();
    private final Map<String, Map<String, ArrayColumn>> arrays = new LinkedHashMap<>();
    private final java.util.Set<String> sourceText = new java.util.HashSet<>();
    private final Map<String, java.util.Set<String>> textColumns = new LinkedHashMap<>();

    private final boolean quietTriggers;
    /** The tables {@link #prepare} made as their source defined them, with the plan's table. */
    private final Map<DefinedTable, Table> definedNow = new LinkedHashMap<>();

    /** What becomes of a table without a key that holds rows: refused, emptied to be loaded whole (restore --delete), or counted as to be (its dry run). */
    enum Keyless { REFUSE, EMPTY, WOULD_EMPTY }

    private final Keyless emptiesKeyless;
    private final Map<String, Long> emptied = new LinkedHashMap<>();

    /** {@code quietTriggers}: the run turns the tables' triggers and rules on INSERT off for its rows, where the role owns them. */
    TargetSchema(String defaultSchema, boolean quietTriggers) {
        this(defaultSchema, quietTriggers, Keyless.REFUSE);
    }

    TargetSchema(String defaultSchema, boolean quietTriggers, Keyless emptiesKeyless) {
        this.defaultSchema = defaultSchema;
        this.quietTriggers = quietTriggers;
        this.emptiesKeyless = emptiesKeyless;
    }

    /** The tables without a key {@link #prepare} emptied, by plan table name, with how many rows each held. */
    Map<String, Long> emptied() { return emptied; }

    /** The existing tables found by {@link #prepare} to have their definition's column types, by plan table name. */
    java.util.Set<String> takingSourceText() { return sourceText; }

    /**
     * The columns of tables with a definition found by {@link #prepare} to be of their definition's
     * type, by plan table name: a record read from its source's line writes the line's own text there.
     */
    Map<String, java.util.Set<String>> textColumns() { return textColumns; }

    /** The tables {@link #prepare} made as their source defined them, now, with the plan's table. */
    Map<DefinedTable, Table> definedNow() { return definedNow; }

    /** The limited columns found by {@link #prepare}: plan table name → column name → limit. */
    Map<String, Map<String, ColumnLimit>> limits() { return limits; }

    /** The native array columns found by {@link #prepare} where the plan has JSON: plan table name → column name → array column. */
    Map<String, Map<String, ArrayColumn>> arrays() { return arrays; }

    /**
     * Creates or checks each table and records in {@code cutover.run_tables} whether this run may COPY
     * straight into it: only when this run created it (now, or in an earlier attempt of the same run).
     */
    List<String> prepare(Connection c, String runId, List<Table> tables, boolean create) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (Table table : tables) {
            TableName name = TableName.resolve(table.name(), defaultSchema);
            Map<String, ExistingColumn> existing = columns(c, name);
            DefinedTable defined = TableDefinition.of(table).map(d -> new DefinedTable(name, d)).orElse(null);
            if (existing.isEmpty()) {
                if (!create) {
                    problems.add("table " + name + " does not exist and creating tables is off; create it or allow creation");
                    continue;
                }
                if (defined != null) {
                    defined.create(c, table);
                    definedNow.put(defined, table);
                } else {
                    createTable(c, name, table);
                }
                markRunTable(c, runId, name, true, defined != null);
                // made as the source defined it: native arrays and limits the plan's types do not show, should records come
                if (defined != null) {
                    noteColumnChecks(table, columns(c, name));
                    textColumns.put(table.name(), defined.columnsAsDefined(c)); // not a column made of its plan's type instead
                }
            } else if (table.primaryKey().isEmpty()) {
                // a table without a key takes its rows whole, by COPY, and only where it holds no rows of its own
                // (none to match the snapshot's to); found empty by an earlier attempt of this run, it holds only this run's
                List<String> wrong = StateTables.runTable(c, runId, name, StateTables.FAST_PATH) ? List.of() : notReadyWithoutKey(c, runId, name, table, defined);
                if (emptiesKeyless != Keyless.REFUSE && wrong.size() == 1 && wrong.get(0).contains(HAS_ROWS)) wrong = empty(c, name, table.name());
                if (wrong.isEmpty()) StateTables.markFastPath(c, runId, name); // found empty, again too after a finished attempt took it off the fast path
                problems.addAll(wrong);
            } else if (defined != null && StateTables.runTable(c, runId, name, StateTables.DEFINED)) {
                // made by an earlier attempt of this run as the source defined it, not as the plan's types say; its key
                // comes after the rows, unless rows are to come by upsert (the run was restarted), which needs it, and
                // takes them as the source's text, its columns being of the source's types
                if (!StateTables.runTable(c, runId, name, StateTables.FAST_PATH)) {
                    defined.ensurePrimaryKey(c, table.primaryKey());
                    sourceText.add(table.name());
                }
                noteColumnChecks(table, existing);
                textColumns.put(table.name(), defined.columnsAsDefined(c));
                continue;
            } else if (defined != null && defined.takesTheSourceText(c, table.columns().stream().map(Column::name).toList())) {
                // the table the snapshot came from (or one like it): its rows go back as the source's text, by upsert
                problems.addAll(keyAndRequiredColumns(c, name, table));
                problems.addAll(rulesRefusingTheUpsert(c, name, quietTriggers));
                sourceText.add(table.name());
                noteColumnChecks(table, existing); // for a split whose text the table refuses, which goes record by record
                textColumns.put(table.name(), defined.columnsAsDefined(c));
                markRunTable(c, runId, name, false, false);
            } else {
                // a column of the type the snapshot's table had takes its values, whatever kind the plan made of them (a uuid as text)
                java.util.Set<String> asDefined = defined == null ? java.util.Set.of() : defined.columnsAsDefined(c);
                problems.addAll(compare(c, name, table, existing, asDefined));
                if (defined != null) textColumns.put(table.name(), asDefined);
                noteColumnChecks(table, existing);
                markRunTable(c, runId, name, false, false);
            }
        }
        return problems;
    }

    /** Why an existing table cannot take the rows of a table without a key, whole, by COPY; empty when it can. */
    private static List<String> notReadyWithoutKey(Connection c, String runId, TableName name, Table table, DefinedTable defined) throws SQLException {
        if (defined == null || !defined.takesTheSourceText(c, table.columns().stream().map(Column::name).toList())) {
            return List.of("table " + name + " exists with other columns or types than the source's table, which has no primary key"
                    + " (its rows go whole, as the source's text, into a table like it)");
        }
        List<String> required = requiredColumns(c, name, table);
        if (!required.isEmpty()) return required;
        if (!isEmpty(c, name)) {
            // started over (--restart, a rollback, a table dropped): its rows are an earlier attempt's, and the application's since
            String whose = StateTables.knowsTable(c, runId, name) ? " (an earlier attempt of this run loaded it: the rows are that attempt's, with any"
                    + " written since; started over, the run loads it whole again)" : "";
            return List.of("table " + name + HAS_ROWS + whose
                    + ": empty it (TRUNCATE) to load it whole, or leave it out of the plan (skip: true; restore: --only the others)");
        }
        return List.of();
    }

    /** What {@link #notReadyWithoutKey} says of a table that holds rows (its shape fits). */
    private static final String HAS_ROWS = " has rows, and it has no primary key to match the source's rows to them by";

    /**
     * Empties a table without a key for its rows to be loaded whole (TRUNCATE), in the prepare's
     * transaction: committed with the rest of the prepare, so a run stopped later resumes on it as
     * its own (the fast path). Locked first, so the rows counted are those that go; a partitioned
     * table with its partitions (they are its rows), a table others inherit from without theirs
     * (not the snapshot's to replace). Its dry run counts the rows and takes no lock beyond the read.
     * Where TRUNCATE is refused (a foreign key refers to the table, a privilege), says why: a DELETE
     * would cascade into other tables and fire their triggers, which --delete does not reach into.
     */
    private List<String> empty(Connection c, TableName name, String planName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
                + " AND confrelid = to_regclass(?) AND conrelid <> confrelid ORDER BY 1 LIMIT 1")) {
            ps.setString(1, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return List.of("table " + name + " has rows and no primary key, and cannot be emptied to be loaded whole (--delete): a"
                            + " foreign key of " + rs.getString(1) + " refers to it, which TRUNCATE would need to empty too (CASCADE);"
                            + " empty both by hand, or leave it out with --only");
                }
            }
        }
        boolean partitioned = DefinedTable.holds(c, "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(?)", name.sql());
        String only = partitioned ? "" : "ONLY ";
        if (emptiesKeyless == Keyless.EMPTY) {
            String refused = DefinedTable.attempt(c, "LOCK TABLE " + only + name.sql() + " IN ACCESS EXCLUSIVE MODE");
            if (refused != null) return List.of("table " + name + " has rows and no primary key, and could not be emptied to be loaded whole (--delete): " + refused);
        }
        long rows;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + only + name.sql())) {
            rs.next();
            rows = rs.getLong(1);
        }
        if (emptiesKeyless == Keyless.EMPTY) {
            String refused = DefinedTable.attempt(c, "TRUNCATE " + only + name.sql());
            if (refused != null) {
                return List.of("table " + name + " has rows and no primary key to match the snapshot's rows to them by, and could not be"
                        + " emptied to be loaded whole (--delete): " + refused + " (TRUNCATE it by hand, or leave it out with --only)");
            }
        }
        emptied.put(planName, rows);
        return List.of();
    }

    private static boolean isEmpty(Connection c, TableName name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + name.sql() + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The limits and native arrays of an existing table's columns, which records written into it are checked and shaped by. */
    private void noteColumnChecks(Table table, Map<String, ExistingColumn> existing) {
        Map<String, ColumnLimit> tableLimits = new LinkedHashMap<>();
        Map<String, ArrayColumn> tableArrays = new LinkedHashMap<>();
        for (Column col : table.columns()) {
            ExistingColumn actual = existing.get(col.name());
            if (actual == null) continue;
            ColumnLimit.of(col.type(), actual.typname(), actual.typmod()).ifPresent(l -> tableLimits.put(col.name(), l));
            ArrayColumn.of(col.type(), actual.typname(), actual.typmod()).ifPresent(a -> tableArrays.put(col.name(), a));
        }
        if (!tableLimits.isEmpty()) limits.put(table.name(), tableLimits);
        if (!tableArrays.isEmpty()) arrays.put(table.name(), tableArrays);
    }

    private void createTable(Connection c, TableName name, Table table) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(name.sql()).append(" (");
        for (Column col : table.columns()) {
            ddl.append(TableName.quote(col.name())).append(' ').append(PgTypes.sqlType(col.type()));
            if (!col.nullable() || table.primaryKey().contains(col.name())) ddl.append(" NOT NULL");
            ddl.append(", ");
        }
        // a table without a key (its rows only ever come whole); of no column, "()"
        if (table.primaryKey().isEmpty() && !table.columns().isEmpty()) ddl.setLength(ddl.length() - 2);
        else ddl.append("PRIMARY KEY (").append(quotedList(table.primaryKey())).append(')');
        ddl.append(')');
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(name.schema()));
            s.execute(ddl.toString());
            // On Supabase a table in public is readable over HTTP by anyone holding the anon key until RLS is on.
            if (table.rowLevelSecurity()) s.execute("ALTER TABLE " + name.sql() + " ENABLE ROW LEVEL SECURITY");
        }
    }

    /**
     * A table this run created keeps its fast path on a resumed prepare; any other table never gets
     * it. One it made from its definition is completed by {@link PostgresSink#finish}. A table made
     * now replaces what the run knew of one of its name (dropped since, the run started over): it
     * holds no rows yet, and has no keys until it is completed.
     */
    private static void markRunTable(Connection c, String runId, TableName name, boolean createdNow, boolean defined) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + StateTables.RUN_TABLES
                + " (run_id, table_schema, table_name, fast_path, defined) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, table_schema, table_name) "
                + (createdNow ? "DO UPDATE SET fast_path = EXCLUDED.fast_path, defined = EXCLUDED.defined, created_at = now()" : "DO NOTHING"))) {
            ps.setString(1, runId);
            ps.setString(2, name.schema());
            ps.setString(3, name.name());
            ps.setBoolean(4, createdNow);
            ps.setBoolean(5, defined);
            ps.executeUpdate();
        }
    }

    private List<String> compare(Connection c, TableName name, Table table, Map<String, ExistingColumn> existing,
                                 java.util.Set<String> asDefined) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (Column col : table.columns()) {
            ExistingColumn column = existing.get(col.name());
            String actual = column == null ? null : column.typname();
            if (asDefined.contains(col.name())) continue;
            if (actual == null) {
                // a table with its source's definition names the column's own type (text[], where the plan's would say jsonb)
                Optional<String> defined = TableDefinition.of(table).flatMap(d -> d.columns().stream().filter(dc -> dc.name().equals(col.name())).findFirst())
                        .map(TableDefinition.DefinedColumn::type);
                problems.add("table " + name + ": column " + col.name() + " is missing (" + defined.map(t -> "the source's table has it as " + t)
                        .orElse("the plan wants " + PgTypes.sqlType(col.type())) + ")");
            } else if (!PgTypes.compatible(col.type()).contains(actual) && !(col.type() == ColumnType.TEXT && column.takesText())
                    && ColumnLimit.of(col.type(), actual, column.typmod()).isEmpty()
                    && ArrayColumn.of(col.type(), actual, column.typmod()).isEmpty()) {
                problems.add("table " + name + ": column " + col.name() + " is " + actual + " but the plan wants " + PgTypes.sqlType(col.type())
                        + " (accepted: " + String.join(", ", new java.util.TreeSet<>(PgTypes.compatible(col.type()))) + ")");
            }
        }
        problems.addAll(keyAndRequiredColumns(c, name, table));
        problems.addAll(rulesRefusingTheUpsert(c, name, quietTriggers));
        return problems;
    }

    /**
     * Why PostgreSQL would refuse the upsert ({@code INSERT … ON CONFLICT}) of rows into the existing
     * table for its rules: a rule on UPDATE, even disabled (the rewriter counts it before it skips
     * disabled rules), or an enabled rule on INSERT the run does not turn off ({@code quietTriggers}
     * off, or a table the role does not own). Asked by prepare, before any row is written, and by a
     * writer whose batch was refused so (a rule made since).
     */
    static List<String> rulesRefusingTheUpsert(Connection c, TableName name, boolean quietTriggers) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT string_agg(r.rulename, ', ' ORDER BY r.rulename) FILTER (WHERE r.ev_type = '2'),"
                + " string_agg(r.rulename, ', ' ORDER BY r.rulename) FILTER (WHERE r.ev_type = '3' AND r.ev_enabled <> 'D'),"
                + " pg_has_role(t.relowner, 'USAGE') FROM pg_class t LEFT JOIN pg_rewrite r ON r.ev_class = t.oid WHERE t.oid = to_regclass(?)"
                + " GROUP BY t.relowner")) {
            ps.setString(1, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return problems;
                String onUpdate = rs.getString(1), onInsert = rs.getString(2);
                if (onUpdate != null) {
                    problems.add("table " + name + " has rules on UPDATE (" + onUpdate + "): PostgreSQL refuses the upsert (INSERT … ON CONFLICT)"
                            + " the rows go by into such a table, even with the rules disabled; drop them while the rows are written and make"
                            + " them again after (pg_get_ruledef gives their definitions)");
                } else if (onInsert != null && !quietTriggers) {
                    problems.add("table " + name + " has rules on INSERT (" + onInsert + "), with which PostgreSQL refuses the upsert (INSERT … ON"
                            + " CONFLICT) the rows go by: migrate with --triggers quiet, which turns them off for the rows written");
                } else if (onInsert != null && !rs.getBoolean(3)) {
                    problems.add("table " + name + " has rules on INSERT (" + onInsert + "), with which PostgreSQL refuses the upsert (INSERT … ON"
                            + " CONFLICT) the rows go by, and the role does not own the table, so cannot turn them off: run as the table's owner");
                }
            }
        }
        return problems;
    }

    /** An upsert's needs of an existing table: a unique index on the key, and a value or a default for each NOT NULL column. */
    private static List<String> keyAndRequiredColumns(Connection c, TableName name, Table table) throws SQLException {
        List<String> problems = requiredColumns(c, name, table);
        if (!hasUniqueOn(c, name, table.primaryKey())) {
            String madeBy = madeByAnotherRun(c, name);
            problems.add("table " + name + ": no primary key or unique constraint on (" + String.join(", ", table.primaryKey())
                    + "), which the upsert needs; " + (madeBy == null ? "add one or change the plan's key"
                    : "it was made by run " + madeBy + ", which stopped before adding its key: run that same restore or migration again"
                    + " to finish it (from a copy of the repository, if a damaged one stopped it), or drop the table to start over"));
        }
        return problems;
    }

    /** The table's NOT NULL columns without a default that the plan writes no value to: every row would be refused. */
    private static List<String> requiredColumns(Connection c, TableName name, Table table) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (String required : requiredWithoutDefault(c, name)) {
            if (table.column(required).isEmpty()) {
                problems.add("table " + name + ": column " + required + " is NOT NULL without a default, and the plan writes no value to it");
            }
        }
        return problems;
    }

    /** The run that made the table from its definition, when one did (its key comes last, so a run that stopped left none). */
    private static String madeByAnotherRun(Connection c, TableName name) throws SQLException {
        // the state tables exist: prepare made them first
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id FROM " + StateTables.RUN_TABLES
                + " WHERE table_schema = ? AND table_name = ? AND defined ORDER BY created_at DESC LIMIT 1")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Column name to pg_type.typname (arrays as _text) and modifier, in column order; empty if the table does not exist. */
    static Map<String, ExistingColumn> columns(Connection c, TableName name) throws SQLException {
        Map<String, ExistingColumn> cols = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                // a domain's column is taken as its base type's (a value its checks refuse sets its record aside, with the server's reason)
                "SELECT a.attname, CASE WHEN t.typtype = 'd' THEN b.typname ELSE t.typname END,"
                        + " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, t.typtype = 'e' OR t.typname = 'uuid' OR (t.typtype = 'd' AND (b.typtype = 'e'"
                        + " OR b.typname IN ('text', 'varchar', 'citext', 'bpchar', 'uuid'))) FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid"
                        + " JOIN pg_namespace n ON n.oid = r.relnamespace JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type b ON b.oid = t.typbasetype"
                        + " WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p') ORDER BY a.attnum")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) cols.put(rs.getString(1), new ExistingColumn(rs.getString(2), rs.getInt(3), rs.getBoolean(4)));
            }
        }
        return cols;
    }

    private static List<String> requiredWithoutDefault(Connection c, TableName name) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                + "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** True if a unique index (the primary key or another) covers exactly these columns, in any order. */
    static boolean hasUniqueOn(Connection c, TableName name, List<String> columns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i "
                + "JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                + "JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY (i.indkey) "
                + "WHERE n.nspname = ? AND r.relname = ? AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL GROUP BY i.indexrelid")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.name());
            java.util.Set<String> wanted = java.util.Set.copyOf(columns);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> got = List.of((String[]) rs.getArray(1).getArray());
                    if (got.size() == wanted.size() && wanted.containsAll(got)) return true;
                }
            }
        }
        return false;
    }

    static String quotedList(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(TableName.quote(n));
        }
        return sb.toString();
    }
}
