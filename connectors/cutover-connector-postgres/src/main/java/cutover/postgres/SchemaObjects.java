package cutover.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.model.NativeDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a schema holds beside its tables' rows and definitions: its views and materialized views
 * (each with its options and, a materialized one, its indexes) and the sequences no column uses
 * (an application's own counters, drawn by {@code nextval} in its code). Read with the schema alone
 * on the search path, so their SQL names the schema's objects bare and applies in whichever schema
 * they are made again. Stored in a backup's manifest as {@link #FORMAT} (docs/backup-format.md,
 * "Schema objects"). Objects an extension made are its own, and left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SchemaObjects(List<View> views, List<Sequence> sequences) {
    static final String FORMAT = "postgresql/schema/1";
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    SchemaObjects {
        views = views == null ? List.of() : List.copyOf(views);
        sequences = sequences == null ? List.of() : List.copyOf(sequences);
    }

    /**
     * A view: {@code query} as {@code pg_get_viewdef} prints it, {@code options} its reloptions
     * ({@code security_invoker=true}, {@code check_option=local}); a materialized one with the full
     * {@code CREATE INDEX} statements of its indexes, and {@code unpopulated} where it was made
     * {@code WITH NO DATA} and not refreshed since (made so again: filling it may be costly).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(String name, boolean materialized, String query, List<String> options, List<String> indexes, boolean unpopulated) {
        View {
            options = options == null ? List.of() : List.copyOf(options);
            indexes = indexes == null ? List.of() : List.copyOf(indexes);
        }
    }

    /** A sequence no column uses; {@code lastValue} null when none was drawn or the backup's role could not read it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Sequence(String name, String type, long start, long increment, long min, long max, long cache, boolean cycle, Long lastValue) {}

    boolean isEmpty() { return views.isEmpty() && sequences.isEmpty(); }

    NativeDefinition toNative() {
        return new NativeDefinition(FORMAT, JSON.valueToTree(this));
    }

    static Optional<SchemaObjects> of(NativeDefinition d) {
        if (d == null || !FORMAT.equals(d.format())) return Optional.empty();
        try {
            return Optional.of(JSON.treeToValue(d.body(), SchemaObjects.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a schema's objects are not a " + FORMAT + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The schema's views, materialized views and sequences no column uses, read in one transaction with the schema alone on the path. */
    static SchemaObjects read(Connection c, String schema) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Catalog.schemaAloneOnPath(c, schema);
            List<View> views = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, c.relkind = 'm', pg_get_viewdef(c.oid), "
                    + "coalesce(c.reloptions, '{}')::text[], array(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1), "
                    + "c.relkind = 'm' AND NOT c.relispopulated "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('v', 'm') AND "
                    + Catalog.NOT_AN_EXTENSIONS + " ORDER BY c.oid")) { // in order of creation: a view's views were made before it, most often
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        views.add(new View(rs.getString(1), rs.getBoolean(2), rs.getString(3), Catalog.texts(rs.getArray(4)), Catalog.texts(rs.getArray(5)),
                                rs.getBoolean(6)));
                    }
                }
            }
            List<Sequence> sequences = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, "
                    + "q.seqmax, q.seqcache, q.seqcycle, CASE WHEN has_sequence_privilege(c.oid, 'SELECT') THEN pg_sequence_last_value(c.oid) END "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence q ON q.seqrelid = c.oid "
                    + "WHERE n.nspname = ? AND c.relkind = 'S' AND " + Catalog.NOT_AN_EXTENSIONS
                    // owned by a column (serial, identity) or named in a default: in that table's definition
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))"
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass"
                    + " AND d.refobjid = c.oid) ORDER BY c.relname")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Long last = rs.getObject(9, Long.class); // null: none drawn yet, or not readable by the backup's role
                        sequences.add(new Sequence(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                                rs.getLong(7), rs.getBoolean(8), last));
                    }
                }
            }
            return new SchemaObjects(views, sequences);
        } finally {
            c.rollback(); // read only; the search path goes with the transaction
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Makes in {@code schema} the sequences and views it lacks (one it has, of the name, is left as
     * it is), in the caller's transaction; returns a sentence for each that could not be made. Views
     * are made in rounds, as long as a round makes one: one may select from another made later in
     * the source. A materialized view is filled from the tables as they are now.
     */
    List<String> make(Connection c, String schema) throws SQLException {
        String searchPath = Catalog.schemaAloneOnPath(c, schema);
        List<String> problems = new ArrayList<>();
        try {
            for (Sequence q : sequences) {
                if (exists(c, q.name())) continue;
                String ddl = "CREATE SEQUENCE " + TableName.quote(q.name()) + " AS " + q.type() + " INCREMENT BY " + q.increment() + " MINVALUE " + q.min()
                        + " MAXVALUE " + q.max() + " START WITH " + q.start() + " CACHE " + q.cache() + (q.cycle() ? " CYCLE" : " NO CYCLE");
                String failed = DefinedTable.attempt(c, ddl, q.lastValue() == null ? null
                        : "SELECT setval(" + DefinedTable.literal(TableName.quote(q.name())) + ", " + q.lastValue() + ", true)");
                if (failed != null) problems.add("sequence " + q.name() + " was not made: " + failed);
            }
            List<View> pending = new ArrayList<>();
            for (View v : views) {
                String kind = kindOf(c, v.name());
                if (kind == null) pending.add(v);
                else if (!kind.equals(v.materialized() ? "m" : "v")) { // one of the name the target has is its own; another kind is said
                    problems.add((v.materialized() ? "materialized view " : "view ") + v.name() + " was not made: the target has a "
                            + switch (kind) {
                                case "r", "p" -> "table";
                                case "v" -> "view";
                                case "m" -> "materialized view";
                                case "S" -> "sequence";
                                default -> "relation";
                            } + " of that name");
                }
            }
            List<String> lastErrors = new ArrayList<>();
            boolean madeOne = true;
            while (!pending.isEmpty() && madeOne) {
                madeOne = false;
                lastErrors.clear();
                for (java.util.Iterator<View> it = pending.iterator(); it.hasNext(); ) {
                    View v = it.next();
                    String with = v.options().isEmpty() ? "" : " WITH (" + String.join(", ", v.options()) + ")";
                    String query = v.query().strip();
                    if (query.endsWith(";")) query = query.substring(0, query.length() - 1);
                    String ddl = v.materialized()
                            ? "CREATE MATERIALIZED VIEW " + TableName.quote(v.name()) + with + " AS " + query + (v.unpopulated() ? " WITH NO DATA" : " WITH DATA")
                            : "CREATE VIEW " + TableName.quote(v.name()) + with + " AS " + query;
                    String failed = DefinedTable.attempt(c, ddl, v.indexes().toArray(String[]::new));
                    if (failed == null) {
                        it.remove();
                        madeOne = true;
                    } else {
                        lastErrors.add((v.materialized() ? "materialized view " : "view ") + v.name() + " was not made: " + failed);
                    }
                }
            }
            problems.addAll(lastErrors);
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
        return problems;
    }

    /** The names of the sequences and views {@link #make} would make in {@code schema}: those it lacks, by kind; empty when none. */
    List<String> missing(Connection c, String schema) throws SQLException {
        String searchPath = Catalog.schemaAloneOnPath(c, schema);
        try {
            List<String> sequencesMissing = new ArrayList<>(), viewsMissing = new ArrayList<>();
            for (Sequence q : sequences) if (!exists(c, q.name())) sequencesMissing.add(q.name());
            for (View v : views) if (!exists(c, v.name())) viewsMissing.add(v.name());
            List<String> out = new ArrayList<>();
            if (!viewsMissing.isEmpty()) out.add("views " + String.join(", ", viewsMissing));
            if (!sequencesMissing.isEmpty()) out.add("sequences " + String.join(", ", sequencesMissing));
            return out;
        } finally {
            Catalog.setSearchPath(c, searchPath);
        }
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        return kindOf(c, name) != null;
    }

    /** The {@code relkind} of the relation of that name on the search path, or null when there is none. */
    private static String kindOf(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, TableName.quote(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
