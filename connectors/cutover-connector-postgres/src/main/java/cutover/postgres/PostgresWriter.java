package cutover.postgres;

import cutover.connector.CopyColumn;
import cutover.connector.CopyTextSink;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Column;
import cutover.model.Fields;
import cutover.model.ForeignKey;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Writes one split's batches. A batch is one transaction: its rows, grouped by table, go by COPY
 * into a session-local staging table and from there into the target with
 * {@code INSERT … ON CONFLICT (pk) DO UPDATE}, then the split's checkpoint is upserted, then commit.
 * So a batch re-sent after a failure updates rows instead of duplicating them, and a crash leaves
 * either the batch and its checkpoint or neither.
 *
 * <p>Fast path: a table this run created (so it held no rows but this run's) is filled by COPY
 * straight into it, skipping the staging step. That stays exact on resume because rows re-sent after
 * a crash are exactly the ones that did not commit. Should a key collide anyway (a run restarted over
 * its own rows), the batch is rolled back and redone through staging, and the table leaves the fast
 * path for good.
 *
 * <p>Within a batch the last row of a key wins: PostgreSQL refuses to update one row twice in one
 * statement, and the last is the newest the source sent.
 */
final class PostgresWriter implements SinkWriter {
    private final Pool pool;
    private final String schema;
    private final String runId;
    private final String splitId;
    /** The plan's tables by name, parents before their children (the order the mapper gives them in). */
    private final Map<String, Table> tables = new LinkedHashMap<>();

    private Connection connection;
    /** Tables this run may COPY into directly, as recorded by prepare. */
    private Set<TableName> fastPath;
    /** Staging tables known to exist in this connection's session (created in a committed transaction). */
    private final Set<String> staged = new HashSet<>();
    private final Map<TableName, Set<String>> generatedColumns = new HashMap<>();
    private final Map<TableName, Set<String>> identityAlways = new HashMap<>();
    private final Map<TableName, Map<String, String>> jsonText = new HashMap<>();
    /** Native array columns of existing tables where the plan has JSON, by plan table (written as array literals). */
    private final Map<String, Map<String, ArrayColumn>> arrays;
    /** By plan table, the columns that take a record's source line as its own text ({@link AsWrittenColumns}), as prepare found them. */
    private final Map<String, Set<String>> textColumns;
    private final Map<String, AsWrittenColumns> asWritten = new HashMap<>();
    /** A restore's, and a migration's from a database: the tables' own triggers do not fire for the rows written ({@link #quietTriggers}). */
    private final boolean quietTriggers;
    /** Shared by the sink's writers: the relations (and triggers) that fire for rows kept quiet otherwise, the role not owning them. */
    private final Set<String> triggersFiring;
    /** By table, the statements that turn its enabled triggers off, and those that set them as they were; none where the role does not own it. */
    private final Map<TableName, TriggerSwitches> triggerSwitches = new HashMap<>();

    /** The statements that turn a table's enabled triggers off, and those that set them as they were. */
    private record TriggerSwitches(List<String> off, List<String> asTheyWere) {}

    PostgresWriter(Pool pool, String schema, String runId, String splitId, List<Table> tables, Map<String, Map<String, ArrayColumn>> arrays,
                   Map<String, Set<String>> textColumns, boolean quietTriggers, Set<String> triggersFiring) {
        this.pool = pool;
        this.arrays = arrays;
        this.textColumns = textColumns;
        this.quietTriggers = quietTriggers;
        this.triggersFiring = triggersFiring;
        this.schema = schema;
        this.runId = runId;
        this.splitId = splitId;
        for (Table t : tables) this.tables.put(t.name(), t);
    }

    @Override
    public void write(List<Record> rows, Sink.Checkpoint checkpoint) {
        write(rows, List.of(), checkpoint);
    }

    @Override
    public void write(List<Record> rows, List<KeyClaim> claims, Sink.Checkpoint checkpoint) {
        Map<Table, Map<List<Value>, Record>> byTable = group(rows);
        try {
            open();
            try {
                writeBatch(byTable, claims, checkpoint, true);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState()) || !usesFastPath(byTable)) throw e;
                rollback();
                leaveFastPath(byTable);
                writeBatch(byTable, claims, checkpoint, false);
            }
        } catch (SQLException e) {
            rollback();
            CutoverException failure = withRuleAdvice(SqlErrors.translateBatch(e, "writing a batch of split " + splitId + " (" + rows.size() + " rows)",
                    pool.location()), e, byTable.keySet());
            if (SqlErrors.isConnectionLoss(e)) dropConnection();
            throw failure;
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
    }

    private void writeBatch(Map<Table, Map<List<Value>, Record>> byTable, List<KeyClaim> claims, Sink.Checkpoint checkpoint,
                            boolean allowFastPath) throws SQLException {
        if (!claims.isEmpty()) {
            Map<Integer, String> taken = claim(claims);
            if (!taken.isEmpty()) {
                rollback();
                throw new KeysTaken(taken);
            }
        }
        List<String> back = quietTriggers(byTable.keySet());
        List<String> createdNow = writeRows(byTable, allowFastPath);
        execute(back);
        saveCheckpoint(checkpoint);
        connection.commit();
        staged.addAll(createdNow);
    }

    /** Writes the rows in the open transaction; returns the staging tables it created (they last once it commits). */
    private List<String> writeRows(Map<Table, Map<List<Value>, Record>> byTable, boolean allowFastPath) throws SQLException {
        List<String> createdNow = new ArrayList<>();
        Set<Table> upserted = new HashSet<>();
        for (var e : byTable.entrySet()) {
            Table table = e.getKey();
            TableName name = TableName.resolve(table.name(), schema);
            // a generated column of the target (one the application's schema made) is the server's to fill: its values are left out
            Set<String> generated = generatedColumns(name);
            String columns = writtenColumns(table, generated);
            if (allowFastPath && fastPath.contains(name)) {
                copy("COPY " + name.sql() + " (" + columns + ") FROM STDIN", table, generated, e.getValue().values());
            } else {
                upserted.add(table);
                String stage = stagingName(name, table);
                if (!staged.contains(stage)) {
                    staging(name, table, columns);
                    createdNow.add(stage);
                }
                copy("COPY " + TableName.quote(stage) + " (" + columns + ") FROM STDIN", table, generated, e.getValue().values());
                try (Statement s = connection.createStatement()) {
                    s.executeUpdate(upsert(table, name, stage, columns));
                }
            }
        }
        dropElementsPast(byTable, upserted);
        return createdNow;
    }

    /**
     * For each parent row upserted (written again over a row it may have written before), the rows of
     * its arrays' element tables that this batch did not bring (an array that shrank since): in a
     * table the run made and fills by COPY there are none. The batch's rows are in the staging tables.
     */
    private void dropElementsPast(Map<Table, Map<List<Value>, Record>> byTable, Set<Table> upserted) throws SQLException {
        for (Table elements : tables.values()) {
            ForeignKey toParent = elements.elementsOf();
            Table parent = toParent == null ? null : tables.get(toParent.referencedTable());
            if (parent == null || !upserted.contains(parent)) continue;
            TableName name = TableName.resolve(elements.name(), schema);
            // a table this run made and fills by COPY holds only this run's rows: nothing of an earlier write is there
            boolean inBatch = byTable.containsKey(elements);
            if (inBatch ? !upserted.contains(elements) : fastPath.contains(name)) continue;
            String parentStage = TableName.quote(stagingName(TableName.resolve(parent.name(), schema), parent));
            List<String> ofParent = new ArrayList<>(), kept = new ArrayList<>();
            for (int i = 0; i < toParent.columns().size(); i++) {
                String column = TableName.quote(toParent.columns().get(i));
                ofParent.add("e." + column + " = p." + TableName.quote(toParent.referencedColumns().get(i)));
                kept.add("s." + column + " = e." + column);
            }
            String index = TableName.quote(elements.primaryKey().get(elements.primaryKey().size() - 1));
            kept.add("s." + index + " = e." + index);
            String sql = "DELETE FROM " + name.sql() + " e USING " + parentStage + " p WHERE " + String.join(" AND ", ofParent);
            // the parents' elements the batch brought stay (staged with it); with none, every element of theirs goes
            if (inBatch) sql += " AND NOT EXISTS (SELECT 1 FROM " + TableName.quote(stagingName(name, elements)) + " s WHERE " + String.join(" AND ", kept) + ")";
            try (Statement s = connection.createStatement()) {
                s.executeUpdate(sql);
            }
        }
    }

    /**
     * Tries each group on its own, in order, in one pass inside the server: the batch's rows go by
     * COPY into probe tables beside staging, each row tagged with its group, and one PL/pgSQL block
     * upserts, table by table (parents first, as the real write), group after group, each in a block
     * of its own whose exception handler (a subtransaction, as a savepoint) notes the group, the
     * SQLSTATE and the message and goes on; a group refused in one table is passed over in the next.
     * A group that writes stays, so a later group meets the unique value an earlier one took, as in the
     * real write. Constraints are made IMMEDIATE first, so a deferred one refuses its own group. All of
     * it is rolled back. One round trip whatever the number of refused records (a probe that asked
     * group by group from here cost about 3 ms a refused record).
     */
    @Override
    public Map<Integer, cutover.error.RecordError> refused(List<List<Record>> groups) {
        return refused(groups, false);
    }

    @Override
    public Map<Integer, cutover.error.RecordError> refusedOrOrphaned(List<List<Record>> groups) {
        return refused(groups, true);
    }

    private Map<Integer, cutover.error.RecordError> refused(List<List<Record>> groups, boolean orphansRefused) {
        try {
            open();
            try {
                return probe(groups, orphansRefused, false);
            } finally {
                rollback();
            }
        } catch (SQLException e) {
            CutoverException failure = SqlErrors.translate(e, "finding the rows split " + splitId + " refused", pool.location());
            if (SqlErrors.isConnectionLoss(e)) dropConnection();
            throw failure;
        }
    }

    /**
     * A dry run's trial writes: the probe of {@link #refusedOrOrphaned}, its rows left written in the
     * open transaction for the next call, all rolled back on close. It waits at most {@link
     * #TRIAL_LOCK_WAIT} for a lock (a row the application holds), then fails: a dry run does not
     * queue behind the application's transactions. It opens a connection of its own, not {@link
     * #open}'s: a dry run's target may hold none of Cutover's state tables.
     */
    @Override
    public java.util.Optional<Trial> trial() {
        return java.util.Optional.of(new Trial() {
            private Map<String, Long> sequencesBefore;
            private final List<String> leftChanged = new ArrayList<>();

            @Override
            public Map<Integer, cutover.error.RecordError> refused(List<List<Record>> groups) {
                return inTrial("trying the rows that would change", c -> probe(groups, true, true));
            }

            @Override
            public Map<String, cutover.connector.RowDeletion.Deleted> delete(Map<Table, List<cutover.model.Key>> keys) {
                return inTrial("trying the deletion of rows only the target holds", c -> deleteInTransaction(keys));
            }

            /** {@code work} in the trial's transaction; a failure ends the trial (rolled back, its connection dropped). */
            private <T> T inTrial(String doing, PostgresSink.Work<T> work) {
                try {
                    begin();
                    return work.run(connection);
                } catch (SQLException e) {
                    CutoverException failure = SqlErrors.translate(e, doing, pool.location());
                    rollback();
                    dropConnection();
                    throw failure;
                }
            }

            @Override
            public boolean deletes() {
                return true;
            }

            private void begin() throws SQLException {
                if (connection != null) return;
                connection = pool.connection();
                sequencesBefore = sequences(connection);
                connection.setAutoCommit(false);
                try (Statement s = connection.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = '" + TRIAL_LOCK_WAIT.toMillis() + "ms'");
                }
            }

            @Override
            public void close() {
                rollback();
                PostgresWriter.this.close();
                if (sequencesBefore != null) { // also after a trial that failed part way
                    try (Connection c = pool.connection()) {
                        Map<String, Long> after = sequences(c);
                        List<String> drawn = after.entrySet().stream().filter(e -> !java.util.Objects.equals(e.getValue(), sequencesBefore.get(e.getKey())))
                                .map(Map.Entry::getKey).sorted().toList();
                        if (!drawn.isEmpty()) {
                            leftChanged.add("the rows tried drew from sequences " + String.join(", ", drawn) + " (a default or a trigger of theirs),"
                                    + " which PostgreSQL never rolls back: they are ahead of where they were, as the restore would leave them");
                        }
                    } catch (SQLException e) {
                        leftChanged.add("the sequences could not be read after the trial (" + e.getMessage() + "): a default or trigger may have drawn from them");
                    }
                }
            }

            @Override
            public List<String> leftChanged() {
                return List.copyOf(leftChanged);
            }

            @Override
            public List<String> notes() {
                return ranOnDelete(firedOnDelete, true);
            }
        });
    }

    /** The last value of each sequence of the database the role may read (null: none drawn yet). */
    private static Map<String, Long> sequences(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        // CASE, not AND: the planner may test the privilege of a relation that is no sequence first, which is an error
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT c.oid::regclass::text, pg_sequence_last_value(c.oid) FROM pg_class c"
                + " WHERE CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'SELECT') ELSE false END")) {
            while (rs.next()) out.put(rs.getString(1), rs.getObject(2, Long.class));
        }
        return out;
    }

    /**
     * Whether the target takes every row of a trial's batch, written table by table in one statement
     * each, as the real write does: then they stay. Else they are rolled back to before them (a
     * savepoint), for the probe to try group by group: a subtransaction a batch, not one a row, where
     * nothing is refused (a transaction of many subtransactions slows every session's snapshots).
     */
    private static boolean takesWhole(Statement s, List<String> upserts) throws SQLException {
        s.execute("SAVEPOINT cutover_trial");
        try {
            for (String upsert : upserts) s.execute(upsert);
        } catch (SQLException refused) {
            s.execute("ROLLBACK TO SAVEPOINT cutover_trial");
            // a lock waited on too long (or a statement cancelled) is no row's: the probe would only wait again (acceptance run 14: 9 s, not 5)
            if ("55P03".equals(refused.getSQLState()) || "57014".equals(refused.getSQLState())) throw refused;
            return false;
        }
        s.execute("RELEASE SAVEPOINT cutover_trial");
        return true;
    }

    /** How long a dry run's trial write waits for a lock another session holds. */
    static final java.time.Duration TRIAL_LOCK_WAIT = java.time.Duration.ofSeconds(5);

    /** {@code kept}: the rows written stay, in the open transaction, and the probe's own tables are dropped (a trial's next call makes them again). */
    private Map<Integer, cutover.error.RecordError> probe(List<List<Record>> groups, boolean orphansRefused, boolean kept) throws SQLException {
        // each table's rows with their groups, in batch order, the tables parents first
        Map<Table, List<Record>> rows = new LinkedHashMap<>();
        Map<Table, List<Integer>> groupOf = new LinkedHashMap<>();
        for (Table t : tables.values()) { // a record's parent rows are upserted before its children's, as in the real write
            rows.put(t, new ArrayList<>());
            groupOf.put(t, new ArrayList<>());
        }
        for (int g = 0; g < groups.size(); g++) {
            for (Record r : groups.get(g)) {
                Table t = tableOf(r);
                rows.get(t).add(r);
                groupOf.get(t).add(g);
            }
        }
        rows.values().removeIf(List::isEmpty);
        quietTriggers(rows.keySet()); // as the write will be: the probe rolls back, and they with it
        if (orphansRefused) allImmediate();
        else immediateButForeignKeys(rows.keySet());
        List<String> upserts = new ArrayList<>();
        List<String> whole = new ArrayList<>(); // by table, the upsert of all its rows at once
        List<String> grouped = new ArrayList<>(); // what the loop group by group needs of the probe tables (not the upsert of all at once)
        List<String> probes = new ArrayList<>(List.of("cutover_refused"));
        List<String> selfReferring = new ArrayList<>(); // by table, its probe table where it refers to itself, else null
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TEMP TABLE cutover_refused (grp int, tbl int, state text, message text, detail text, col text) ON COMMIT DROP");
            if (rows.size() > 1) s.execute("CREATE INDEX ON cutover_refused (grp)"); // each later table's loop asks it group by group
            int n = 0;
            for (var e : rows.entrySet()) {
                Table table = e.getKey();
                TableName name = TableName.resolve(table.name(), schema);
                Set<String> generated = generatedColumns(name);
                String columns = writtenColumns(table, generated);
                String probe = "cutover_probe_" + n++;
                probes.add(probe);
                // columns of text, each cast to its column's type (its length or precision left to the column) in the block:
                // a value the type refuses (an enum's label the target lacks) is then its record's refusal, not the probe's
                Map<String, String> types = Catalog.columnTypes(connection, name);
                List<String> written = table.columns().stream().map(Column::name).filter(c -> !generated.contains(c)).toList();
                s.execute("CREATE TEMP TABLE " + probe + " (cutover_group int, " + String.join(", ", written.stream().map(c -> TableName.quote(c) + " text").toList())
                        + ") ON COMMIT DROP");
                copyGrouped("COPY " + probe + " (cutover_group, " + columns + ") FROM STDIN", table, generated, e.getValue(), groupOf.get(table));
                grouped.add("CREATE INDEX ON " + probe + " (cutover_group)");
                grouped.add("ANALYZE " + probe);
                String casts = String.join(", ", written.stream().map(c -> Catalog.fromText(TableName.quote(c), types.get(c)) + " AS " + TableName.quote(c)).toList());
                // a table this run made as its source defined it gets its key when its rows are in: until then, rows are inserted
                // (it holds none of theirs: a batch sent again is one that did not commit), as its COPY does
                boolean keyed = TargetSchema.hasUniqueOn(connection, name, table.primaryKey());
                String rowsOfGroup = "SELECT " + casts + " FROM " + probe + " WHERE cutover_group = cutover_g";
                String rowsInOrder = "SELECT " + casts + " FROM " + probe + " ORDER BY cutover_group";
                upserts.add(keyed ? upsertOf(table, name, rowsOfGroup, columns) : insertOf(name, rowsOfGroup, columns));
                whole.add(keyed ? upsertOf(table, name, rowsInOrder, columns) : insertOf(name, rowsInOrder, columns));
                selfReferring.add(orphansRefused && DefinedTable.holds(connection, "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f'"
                        + " AND conrelid = to_regclass(?) AND confrelid = conrelid)", name.sql()) ? probe : null);
            }
            if (kept && takesWhole(s, whole)) {
                s.execute("DROP TABLE " + String.join(", ", probes));
                return Map.of();
            }
            for (String sql : grouped) s.execute(sql);
            // table by table, parents first, as the real write goes (a child may come before its parent in the batch, as an
            // export lists a document's subcollections before it); a group a table refused is passed over in the next
            StringBuilder loops = new StringBuilder();
            for (int k = 0; k < upserts.size(); k++) {
                String upsert = upserts.get(k);
                String skipRefused = loops.isEmpty() ? "" : "CONTINUE WHEN EXISTS (SELECT 1 FROM cutover_refused WHERE grp = cutover_g);";
                loops.append("FOR cutover_g IN 0..").append(groups.size() - 1).append(" LOOP ").append(skipRefused)
                        .append(" BEGIN\n").append(upsert).append(";\nEXCEPTION WHEN OTHERS OR ASSERT_FAILURE THEN GET STACKED DIAGNOSTICS")
                        .append(" cutover_d = PG_EXCEPTION_DETAIL, cutover_c = COLUMN_NAME; INSERT INTO cutover_refused VALUES (cutover_g, ").append(k)
                        .append(", SQLSTATE, SQLERRM, cutover_d, cutover_c); END; END LOOP;\n");
                if (selfReferring.get(k) != null) loops.append(parentsLaterInTheBatch(upsert, k, selfReferring.get(k)));
            }
            // the block's variables are named as no table's column is likely to be: a column of a variable's name is ambiguous in the upserts
            s.execute("DO $cutover$ DECLARE cutover_d text; cutover_c text; cutover_g int; cutover_wrote boolean; cutover_descending boolean; BEGIN "
                    + loops + "END $cutover$");
        }
        Map<Integer, cutover.error.RecordError> refused = new java.util.TreeMap<>();
        Set<String> states = new HashSet<>();
        String message = null; // the last refusal's: a row-level security policy's, when that is every refusal's
        String parentMissing = null; // a group's parent not in yet: not its fault, and the batch's write meets it again
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT grp, state, message, detail, col, tbl FROM cutover_refused ORDER BY grp, tbl")) {
            List<Table> probed = new ArrayList<>(rows.keySet()); // by the probe's table index
            Map<Integer, Boolean> policiesDecide = new HashMap<>(); // by table index: asked once, not for each row refused
            while (rs.next()) {
                String state = rs.getString(2);
                if (SqlErrors.isMissingParent(state)) {
                    if (orphansRefused) refused.put(rs.getInt(1), SqlErrors.orphan(rs.getString(3), rs.getString(4)));
                    else parentMissing = rs.getString(3);
                    continue;
                }
                message = rs.getString(3);
                // not a row's fault (a missing parent, a lost lock): the batch's failure stands, as this error; a refusal for a
                // privilege is a policy's where the table has row-level security and the role the privileges an upsert needs
                boolean rowsFault;
                if ("42501".equals(state)) {
                    Boolean decides = policiesDecide.get(rs.getInt(6));
                    if (decides == null) policiesDecide.put(rs.getInt(6), decides = policiesDecide(probed.get(rs.getInt(6))));
                    rowsFault = decides;
                } else {
                    rowsFault = SqlErrors.isRowRefusal(state, message);
                }
                if (!rowsFault) throw new SQLException(message, state);
                refused.put(rs.getInt(1), SqlErrors.refusal(state, message, rs.getString(4), rs.getString(5)));
                states.add(state);
            }
        }
        if (kept) {
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE " + String.join(", ", probes));
            }
        }
        // only parents missing: the batch waits for them, as its write's failure says
        if (refused.isEmpty() && parentMissing != null) throw new SQLException(parentMissing, "23503");
        if (states.equals(Set.of("42501")) && refused.size() == groups.size() && groups.size() > 1) {
            // every record: the policies, not the rows (an upsert needs INSERT, SELECT and UPDATE to pass where only INSERT's was written)
            throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "row-level security refuses every row of a batch of split " + splitId
                    + " (" + message + "): Cutover writes by INSERT ... ON CONFLICT DO UPDATE, which needs policies letting the role"
                    + " INSERT, SELECT and UPDATE the rows; write them (or connect as the table's owner), then run again: the run resumes", null, false);
        }
        return refused;
    }

    /**
     * Whether a refusal for a privilege (42501) on this table can only be a row-level security
     * policy's: the table has row-level security on, and the role may INSERT, SELECT and UPDATE it
     * (what an upsert needs). Told so, not by the message, which is in the server's language.
     */
    private boolean policiesDecide(Table table) throws SQLException {
        return DefinedTable.holds(connection, "SELECT c.relrowsecurity AND has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'SELECT')"
                + " AND has_table_privilege(c.oid, 'UPDATE') FROM pg_class c WHERE c.oid = to_regclass(?)", TableName.resolve(table.name(), schema).sql());
    }

    /**
     * The probe's rows of table {@code k}, one that refers to itself, refused for a missing parent,
     * tried again in rounds, last first then first first, while a round writes one: the parent may
     * be a later row of the batch (a tree whose children come first), which the real write, one
     * statement a table, lets through (a foreign key is checked at the statement's end); refused row
     * by row, such a row would be parked and written only when the run settles. A row refused for
     * another reason now is kept with that reason. A cycle within the batch stays refused, and is
     * written by settling. Only for a table referring to itself: another table's parents were
     * written before its loop (parents first), so a retry could only fail again, and would cost a
     * second try of each orphan (a quarter more time at 1 in 10 posts missing their user). And only
     * where a row after a refused one was written: else none of the batch's rows can be a refused
     * one's parent (a chain each row of which refers to the next, cut by the batch's end: trying
     * every row again took half as long again).
     */
    private static String parentsLaterInTheBatch(String upsert, int k, String probe) {
        return "IF EXISTS (SELECT 1 FROM cutover_refused r WHERE r.tbl = " + k + " AND r.state = '23503' AND r.grp < (SELECT max(p.cutover_group) FROM "
                + probe + " p WHERE NOT EXISTS (SELECT 1 FROM cutover_refused x WHERE x.grp = p.cutover_group))) THEN\n"
                + "cutover_descending := true; LOOP cutover_wrote := false; FOR cutover_g IN SELECT grp FROM cutover_refused WHERE tbl = " + k
                + " AND state = '23503' ORDER BY CASE WHEN cutover_descending THEN -grp ELSE grp END LOOP BEGIN\n" + upsert
                + ";\nDELETE FROM cutover_refused WHERE grp = cutover_g AND tbl = " + k + "; cutover_wrote := true; EXCEPTION WHEN OTHERS OR ASSERT_FAILURE"
                + " THEN GET STACKED DIAGNOSTICS cutover_d = PG_EXCEPTION_DETAIL, cutover_c = COLUMN_NAME; UPDATE cutover_refused SET state = SQLSTATE,"
                + " message = SQLERRM, detail = cutover_d, col = cutover_c WHERE grp = cutover_g AND tbl = " + k + "; END; END LOOP;"
                + " EXIT WHEN NOT cutover_wrote; cutover_descending := NOT cutover_descending; END LOOP; END IF;\n";
    }

    /**
     * Makes the tables' deferred constraints IMMEDIATE, so that one refuses its own record in the
     * probe, but their foreign keys: a child may come before its parent in a batch, which a deferred
     * key lets through until the commit (the probe never commits; the real write checks them there).
     */
    private void immediateButForeignKeys(java.util.Collection<Table> probed) throws SQLException {
        List<String> deferrable = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(k.conname)"
                + " FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE k.conrelid = to_regclass(?) AND k.condeferrable AND k.contype <> 'f'")) {
            for (Table t : probed) {
                ps.setString(1, TableName.resolve(t.name(), schema).sql());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) deferrable.add(rs.getString(1));
                }
            }
        }
        if (deferrable.isEmpty()) return;
        try (Statement s = connection.createStatement()) {
            s.execute("SET CONSTRAINTS " + String.join(", ", deferrable) + " IMMEDIATE");
        }
    }

    /** Makes every deferred constraint IMMEDIATE, foreign keys too: each refuses its own record in the probe. */
    private void allImmediate() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET CONSTRAINTS ALL IMMEDIATE");
        }
    }

    /** COPYs the rows, each after its group's number. */
    private void copyGrouped(String sql, Table table, Set<String> generated, List<Record> rows, List<Integer> groups) throws SQLException {
        copyIn(sql, text -> {
            for (int i = 0; i < rows.size(); i++) {
                text.value(Value.of((long) groups.get(i)), cutover.model.ColumnType.BIGINT, true);
                encodeFields(table, generated, rows.get(i), text, false);
                text.endRow();
            }
            text.flush();
        });
    }

    /** Creates the session's staging table for {@code table} if it has none yet; returns its name. */
    private String staging(TableName name, Table table, String columns) throws SQLException {
        String stage = stagingName(name, table);
        try (Statement s = connection.createStatement()) {
            // Only the plan's columns, no constraints: defaults and NOT NULL apply when rows reach the target.
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + TableName.quote(stage) + " ON COMMIT DELETE ROWS AS SELECT "
                    + columns + " FROM " + name.sql() + " WITH NO DATA");
        }
        return stage;
    }

    /** The table's columns a write names (quoted, in order): all but the generated ones. */
    private static String writtenColumns(Table table, Set<String> generated) {
        return TargetSchema.quotedList(table.columns().stream().map(Column::name).filter(c -> !generated.contains(c)).toList());
    }

    /** The table's generated columns, asked once per writer. */
    private Set<String> generatedColumns(TableName name) throws SQLException {
        Set<String> known = generatedColumns.get(name);
        if (known == null) generatedColumns.put(name, known = Catalog.generatedColumns(connection, name));
        return known;
    }

    /** The insert of the rows {@code rows} (a query giving {@code columns} in order), the keys as given. */
    private static String insertOf(TableName name, String rows, String columns) {
        return "INSERT INTO " + name.sql() + " (" + columns + ") OVERRIDING SYSTEM VALUE " + rows;
    }

    /** The table's json and json[] columns, asked once per writer. */
    private Map<String, String> jsonTextColumns(TableName name) throws SQLException {
        Map<String, String> known = jsonText.get(name);
        if (known == null) jsonText.put(name, known = Catalog.jsonTextColumns(connection, name));
        return known;
    }

    /** The table's GENERATED ALWAYS identity columns, asked once per writer. */
    private Set<String> identityAlways(TableName name) throws SQLException {
        Set<String> known = identityAlways.get(name);
        if (known == null) identityAlways.put(name, known = Catalog.identityAlwaysColumns(connection, name));
        return known;
    }

    /** The upsert of staged rows; an identity column GENERATED ALWAYS that is no key keeps the value it has (PostgreSQL updates it only to DEFAULT). */
    private String upsert(Table table, TableName name, String stage, String columns) throws SQLException {
        return upsertOf(table, name, "SELECT " + columns + " FROM " + TableName.quote(stage), columns);
    }

    /**
     * The upsert of the rows {@code rows} (a query giving {@code columns} in order). A row whose
     * columns already hold what it brings is left as it is, not updated to the same values: a restore
     * over a table that kept most of its rows (or one run again) writes no new row versions for them,
     * so the next backup finds them unchanged, and their triggers do not fire. Compared as the rows'
     * text, which every type has (json and point have no equality), and which tells 1.50 from 1.5.
     */
    private String upsertOf(Table table, TableName name, String rows, String columns) throws SQLException {
        Set<String> generated = generatedColumns(name), identityAlways = identityAlways(name);
        Map<String, String> jsonText = jsonTextColumns(name);
        List<String> updates = new ArrayList<>(), now = new ArrayList<>(), brought = new ArrayList<>(), there = new ArrayList<>(), sent = new ArrayList<>();
        for (Column c : table.columns()) {
            if (table.primaryKey().contains(c.name()) || generated.contains(c.name()) || identityAlways.contains(c.name())) continue;
            String column = TableName.quote(c.name());
            updates.add(column + " = EXCLUDED." + column);
            now.add("cutover_row." + column);
            brought.add("EXCLUDED." + column);
            // a json document as a value (jsonb): a row's text rendered from the snapshot's values differs from the text the
            // target holds (spaces, repeated keys, number forms) where the document does not (acceptance run 16)
            there.add(comparable("cutover_old." + column, jsonText.get(c.name())));
            sent.add(comparable("cutover_new." + column, jsonText.get(c.name())));
        }
        // With the triggers quiet (a restore), a row the target holds as it is sent is not sent at all: PostgreSQL checks an
        // inserted row's CHECK constraints (a NOT VALID one too) before it finds the conflict, so a row already restored was refused
        // (acceptance run 15: 3,001 unchanged rows set aside where a CHECK came after the backup). Where the triggers fire, every
        // row goes through them, as the application's write of it would
        List<String> keyThere = new ArrayList<>(), keySent = new ArrayList<>();
        for (String k : table.primaryKey()) {
            keyThere.add("cutover_old." + TableName.quote(k));
            keySent.add("cutover_new." + TableName.quote(k));
        }
        String changed = "SELECT * FROM (" + rows + ") cutover_new WHERE NOT EXISTS (SELECT 1 FROM " + name.sql() + " cutover_old WHERE ROW("
                + String.join(", ", keyThere) + ") = ROW(" + String.join(", ", keySent) + ")" + (there.isEmpty() ? ""
                : " AND ROW(" + String.join(", ", there) + ")::text = ROW(" + String.join(", ", sent) + ")::text") + ")";
        // the rows keep their keys, also in a GENERATED ALWAYS identity column (COPY writes those as given too)
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(name.sql()).append(" AS cutover_row (").append(columns).append(") OVERRIDING SYSTEM VALUE ")
                .append(quietTriggers ? changed : rows).append(" ON CONFLICT (")
                .append(TargetSchema.quotedList(table.primaryKey())).append(") DO ");
        if (updates.isEmpty()) return sql.append("NOTHING").toString();
        return sql.append("UPDATE SET ").append(String.join(", ", updates)).append(" WHERE ROW(").append(String.join(", ", now))
                .append(")::text IS DISTINCT FROM ROW(").append(String.join(", ", brought)).append(")::text").toString();
    }

    /**
     * Claims the keys for their records in the open transaction, in key order (two writers claiming
     * the same keys then wait on each other instead of deadlocking); returns, by claim index, the
     * holders of keys another record holds. A claim another writer holds uncommitted waits for it.
     * Only when the insert did not take them all (some held already: by the same record in an earlier
     * attempt, or by another) are the holders looked up.
     */
    private Map<Integer, String> claim(List<KeyClaim> claims) throws SQLException {
        String[] tableNames = new String[claims.size()], keys = new String[claims.size()], holders = new String[claims.size()];
        for (int i = 0; i < claims.size(); i++) {
            tableNames[i] = claims.get(i).table();
            keys[i] = claims.get(i).key();
            holders[i] = claims.get(i).holder();
        }
        int inserted;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + StateTables.KEY_CLAIMS
                + " (run_id, table_name, key_digest, holder) SELECT ?, table_name, decode(key_hex, 'hex'), holder"
                + " FROM unnest(?::text[], ?::text[], ?::text[]) AS c(table_name, key_hex, holder)"
                + " ORDER BY table_name, key_hex ON CONFLICT DO NOTHING")) {
            insert.setString(1, runId);
            setArrays(insert, 2, tableNames, keys, holders);
            inserted = insert.executeUpdate();
        }
        Map<Integer, String> taken = new java.util.TreeMap<>();
        if (inserted == claims.size()) return taken; // every key was free
        try (PreparedStatement held = connection.prepareStatement("SELECT c.i, k.holder FROM unnest(?::text[], ?::text[], ?::text[])"
                + " WITH ORDINALITY AS c(table_name, key_hex, holder, i) JOIN " + StateTables.KEY_CLAIMS + " k ON k.run_id = ?"
                + " AND k.table_name = c.table_name AND k.key_digest = decode(c.key_hex, 'hex') WHERE k.holder <> c.holder")) {
            setArrays(held, 1, tableNames, keys, holders);
            held.setString(4, runId);
            try (ResultSet rs = held.executeQuery()) {
                while (rs.next()) taken.put(rs.getInt(1) - 1, rs.getString(2));
            }
        }
        return taken;
    }

    private void setArrays(PreparedStatement ps, int first, String[]... arrays) throws SQLException {
        for (int i = 0; i < arrays.length; i++) ps.setArray(first + i, connection.createArrayOf("text", arrays[i]));
    }

    private void saveCheckpoint(Sink.Checkpoint cp) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + StateTables.CHECKPOINTS
                + " (run_id, split_id, position_ordinal, position_token, read, written, dead_lettered, skipped, done, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (run_id, split_id) DO UPDATE SET "
                + "position_ordinal = EXCLUDED.position_ordinal, position_token = EXCLUDED.position_token, read = EXCLUDED.read, "
                + "written = EXCLUDED.written, dead_lettered = EXCLUDED.dead_lettered, skipped = EXCLUDED.skipped, done = EXCLUDED.done, "
                + "updated_at = EXCLUDED.updated_at")) {
            ps.setString(1, runId);
            ps.setString(2, splitId);
            ps.setLong(3, cp.position().ordinal());
            ps.setString(4, cp.position().token());
            ps.setLong(5, cp.read());
            ps.setLong(6, cp.written());
            ps.setLong(7, cp.deadLettered());
            ps.setLong(8, cp.skipped());
            ps.setBoolean(9, cp.done());
            ps.executeUpdate();
        }
    }

    /**
     * The split's rows as COPY text straight into a table this run created, or through staging and
     * an upsert into one that has rows of its own, committed with the split's checkpoint ({@link
     * CopyTextSink#copyIn}); nothing is committed if anything fails, the source's own check at the
     * end of its rows included.
     */
    long copyText(Table table, List<CopyColumn> columns, CopyTextSink.RowWriter rows, LongFunction<Sink.Checkpoint> checkpoint) {
        TableName name = TableName.resolve(table.name(), schema);
        try {
            open();
            List<String> back = quietTriggers(List.of(table));
            boolean direct = fastPath.contains(name);
            // generated columns (a table made from a definition that has them) are the server's to fill: their fields are left out
            Set<String> generated = generatedColumns(name);
            String tableColumns = writtenColumns(table, generated);
            String stage = direct ? null : staging(name, table, tableColumns); // a table with rows of its own: upsert from staging
            List<String> copied = columns.stream().map(CopyColumn::name).filter(c -> !generated.contains(c)).toList();
            // a table of no column (its rows are empty lines) takes no column list: "()" is no syntax COPY knows
            String sql = "COPY " + (direct ? name.sql() : TableName.quote(stage)) + (copied.isEmpty() ? "" : " (" + TargetSchema.quotedList(copied) + ")")
                    + " FROM STDIN";
            Set<Integer> droppedFields = new HashSet<>();
            for (int i = 0; i < columns.size(); i++) if (generated.contains(columns.get(i).name())) droppedFields.add(i);
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            long written, loaded;
            try {
                java.io.OutputStream toCopy = new java.io.OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        try {
                            copy.writeToCopy(b, off, len);
                        } catch (SQLException e) {
                            throw new IOException(e);
                        }
                    }
                };
                written = rows.writeTo(droppedFields.isEmpty() ? toCopy : new CopyFieldsDropped(toCopy, droppedFields));
                loaded = copy.endCopy();
            } finally {
                if (copy.isActive()) copy.cancelCopy();
            }
            if (loaded != written) {
                throw new CutoverException(ErrorCode.INTERNAL, "COPY into " + name + " loaded " + loaded + " rows of the " + written + " sent");
            }
            if (!direct) {
                try (Statement s = connection.createStatement()) {
                    s.executeUpdate(upsert(table, name, stage, tableColumns));
                }
            }
            execute(back);
            saveCheckpoint(checkpoint.apply(loaded));
            connection.commit();
            return loaded;
        } catch (SQLException e) {
            rollback();
            CutoverException failure = SqlErrors.translateBatch(e, "loading split " + splitId + " into " + name + " as COPY text", pool.location());
            if (SqlErrors.isConnectionLoss(e)) dropConnection();
            throw failure;
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /**
     * A column's value as an upsert compares it: as it is, or a json (or json[]) column's as the
     * document it holds ({@code asDocument}: jsonb or jsonb[]), spaces and repeated keys aside; but
     * a text holding a backslash-u escape is compared as text, since jsonb refuses some (the escape of NUL: its
     * cast failed the whole batch, acceptance run 17).
     */
    private static String comparable(String column, String asDocument) {
        if (asDocument == null) return column;
        return "CASE WHEN strpos(" + column + "::text, '\\u') > 0 THEN " + column + "::text ELSE " + column + "::" + asDocument + "::text END";
    }

    /**
     * Deletes the rows of {@code keys} from their tables in one transaction ({@link KeyedDelete}), the
     * tables' triggers quiet as the restore's writes keep them, every constraint immediate; the rows
     * the target keeps are named with why. By table name, what went and what was kept.
     */
    Map<String, cutover.connector.RowDeletion.Deleted> delete(Map<Table, List<cutover.model.Key>> keys) {
        try {
            open();
            Map<String, cutover.connector.RowDeletion.Deleted> done = deleteInTransaction(keys);
            connection.commit();
            return done;
        } catch (SQLException e) {
            rollback();
            CutoverException failure = SqlErrors.translate(e, "deleting rows only the target holds from " + String.join(", ",
                    keys.keySet().stream().map(t -> TableName.resolve(t.name(), schema).toString()).toList()), pool.location());
            if (SqlErrors.isConnectionLoss(e)) dropConnection();
            throw failure;
        }
    }

    /** {@link #delete} in the open transaction, the tables' triggers and rules as they were when it returns; not committed. */
    private Map<String, cutover.connector.RowDeletion.Deleted> deleteInTransaction(Map<Table, List<cutover.model.Key>> keys) throws SQLException {
        Map<String, cutover.connector.RowDeletion.Deleted> out = new LinkedHashMap<>();
        KeyedDelete deletion = new KeyedDelete(connection);
        List<Table> deleting = new ArrayList<>();
        for (Map.Entry<Table, List<cutover.model.Key>> e : keys.entrySet()) {
            Table table = e.getKey();
            TableName name = TableName.resolve(table.name(), schema);
            List<String> key = table.primaryKey();
            if (!TargetSchema.hasUniqueOn(connection, name, key)) { // a DELETE by key would take every row of it, the snapshot's one too
                Map<cutover.model.Key, String> kept = new LinkedHashMap<>();
                for (cutover.model.Key k : e.getValue()) kept.put(k, "table " + name + " has no unique index on " + key + ": the rows of one key cannot be told apart");
                out.put(table.name(), new cutover.connector.RowDeletion.Deleted(0, kept));
                continue;
            }
            String[][] texts = new String[key.size()][e.getValue().size()];
            for (int r = 0; r < e.getValue().size(); r++) {
                List<Value> parts = e.getValue().get(r).parts();
                for (int k = 0; k < key.size(); k++) texts[k][r] = keyText(table, key.get(k), parts.get(k));
            }
            deletion.add(name, key, Catalog.columnTypes(connection, name), e.getValue(), texts);
            deleting.add(table);
        }
        if (deleting.isEmpty()) return out;
        List<String> back = quietTriggers(deleting);
        firedOnDelete.addAll(leftOnForDeletes(deleting));
        allImmediate();
        // a policy that would hide a row (of the table, or of one referring to it) fails the statement rather than
        // leave it out: a referring row unseen would be taken by a cascade
        execute(List.of(Pool.ALL_ROWS_OR_NONE));
        List<cutover.connector.RowDeletion.Deleted> done = deletion.delete();
        for (int i = 0; i < deleting.size(); i++) out.put(deleting.get(i).name(), done.get(i));
        execute(back);
        return out;
    }

    /** The triggers and rules on DELETE the deletions of this writer ran (the role does not own their tables, so they stayed on). */
    private final Set<String> firedOnDelete = new java.util.TreeSet<>();

    Set<String> firedOnDelete() {
        return firedOnDelete;
    }

    /** The sentence naming the triggers and rules on DELETE that ran ({@code trial}: would run) for the rows deleted, or none. */
    static List<String> ranOnDelete(Set<String> fired, boolean trial) {
        if (fired.isEmpty()) return List.of();
        return List.of("--delete: triggers and rules on DELETE " + (trial ? "would run" : "ran") + " for the rows deleted, and may "
                + (trial ? "change or add" : "have changed or added") + " rows elsewhere (the role does not own their tables, so could not turn them"
                + " off; a table they write to, restored too, may " + (trial ? "then hold" : "now hold") + " rows the snapshot does not: verify it, or"
                + " restore as the tables' owner): " + String.join(", ", new java.util.TreeSet<>(fired)));
    }

    /** The triggers and rules on DELETE of these tables (and their partitions) still on once {@link #quietTriggers} ran, each "table (kind name)". */
    private List<String> leftOnForDeletes(List<Table> tables) throws SQLException {
        List<String> out = new ArrayList<>();
        String[] names = tables.stream().map(t -> TableName.resolve(t.name(), schema).sql()).toArray(String[]::new);
        String relations = "(SELECT to_regclass(n) FROM unnest(?::text[]) AS n UNION SELECT p.relid FROM unnest(?::text[]) AS n,"
                + " pg_partition_tree(to_regclass(n)) AS p)";
        try (PreparedStatement ps = connection.prepareStatement("SELECT t.tgrelid::regclass::text || ' (trigger ' || t.tgname || ')' FROM pg_trigger t"
                + " WHERE t.tgrelid IN " + relations + " AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 8) <> 0"
                + " UNION SELECT r.ev_class::regclass::text || ' (rule ' || r.rulename || ')' FROM pg_rewrite r WHERE r.ev_class IN " + relations
                + " AND r.ev_type = '4' AND r.ev_enabled <> 'D' ORDER BY 1")) {
            for (int i = 1; i <= 4; i++) ps.setArray(i, connection.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A key column's value as the text its type reads. */
    private static String keyText(Table table, String column, Value value) {
        StringBuilder text = new StringBuilder();
        CopyText.render(value, table.column(column).map(cutover.model.Column::type).orElse(cutover.model.ColumnType.TEXT), text);
        return text.toString();
    }

    /** COPYs the rows, encoding them as they are sent: the batch is never held whole as bytes. */
    private void copy(String sql, Table table, Set<String> generated, Iterable<Record> rows) throws SQLException {
        copyIn(sql, text -> encode(table, generated, rows, text));
    }

    /** What a COPY sends: rows written into its text. */
    private interface CopyBody {
        void writeTo(CopyText text) throws IOException;
    }

    /** Runs the COPY {@code sql}, its text written by {@code body} as it is sent; cancelled if anything fails (the transaction's rollback follows). */
    private void copyIn(String sql, CopyBody body) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            body.writeTo(new CopyText((bytes, length) -> {
                try {
                    copy.writeToCopy(bytes, 0, length);
                } catch (SQLException e) {
                    throw new IOException(e);
                }
            }));
            copy.endCopy();
        } catch (IOException e) {
            if (e.getCause() instanceof SQLException se) throw se;
            throw new SQLException("COPY failed: " + e.getMessage(), "08006", e);
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException ignored) {
                    // the write fails anyway; its rollback follows
                }
            }
        }
    }

    private void encode(Table table, Set<String> generated, Iterable<Record> rows, CopyText text) throws IOException {
        for (Record row : rows) {
            encodeFields(table, generated, row, text, true);
            text.endRow();
        }
        text.flush();
    }

    /**
     * One row's fields, in the table's column order, generated columns left out; {@code first}: no
     * field before them on the line. A column that takes the record's source line as its text gets
     * the line's field as it is ({@link AsWrittenColumns}).
     */
    private void encodeFields(Table table, Set<String> generated, Record row, CopyText text, boolean first) throws IOException {
        Map<String, ArrayColumn> arrays = this.arrays.getOrDefault(table.name(), Map.of());
        int[] lineFields = asWrittenColumns(table).fields(row);
        int[] bounds = lineFields == null ? null : AsWrittenColumns.bounds(row.asWritten().line(), row.asWritten().columns().size());
        List<Column> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column col = columns.get(i);
            if (generated.contains(col.name())) continue;
            if (lineFields != null && lineFields[i] >= 0) {
                int f = lineFields[i];
                text.asWritten(row.asWritten().line(), bounds[2 * f], bounds[2 * f + 1], first);
                first = false;
                continue;
            }
            Value v = Fields.lookup(row.fields(), i, col.name());
            if (v != null && !col.type().accepts(v)) {
                throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "record " + row.entity() + "/" + row.key() + ": column "
                        + col.name() + " takes " + col.type() + ", found " + v.kind() + " (the sink's check should have set it aside)", null, false);
            }
            try {
                ArrayColumn array = arrays.get(col.name());
                if (array == null) text.value(v, col.type(), first);
                else text.array(v, array, first);
                first = false;
            } catch (IllegalArgumentException e) {
                throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "record " + row.entity() + "/" + row.key() + ": column "
                        + col.name() + ": " + e.getMessage() + " (the sink's check should have set it aside)", e, false);
            }
        }
    }

    /**
     * Rows by table, parents' tables before their children's (a target's own foreign keys hold while
     * rows are written, and an export lists a document's subcollections before it), deduplicated on
     * the primary key values, the last one kept.
     */
    private Map<Table, Map<List<Value>, Record>> group(List<Record> rows) {
        Map<Table, Map<List<Value>, Record>> out = new LinkedHashMap<>();
        for (Table t : tables.values()) out.put(t, new LinkedHashMap<>());
        for (Record r : rows) {
            Table t = tableOf(r);
            List<Value> pk = new ArrayList<>(t.primaryKey().size());
            for (String col : t.primaryKey()) {
                Value v = r.get(col);
                pk.add(v == null ? Value.NULL : v);
            }
            Map<List<Value>, Record> rowsOfTable = out.get(t);
            rowsOfTable.remove(pk);
            rowsOfTable.put(pk, r);
        }
        out.values().removeIf(Map::isEmpty);
        return out;
    }

    private AsWrittenColumns asWrittenColumns(Table table) {
        return asWritten.computeIfAbsent(table.name(), t -> new AsWrittenColumns(table, textColumns.getOrDefault(t, Set.of())));
    }

    /** The plan's table a row is for. */
    private Table tableOf(Record row) {
        Table t = tables.get(row.entity().value());
        if (t == null) {
            throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "record " + row.entity() + "/" + row.key()
                    + " is for a table this writer was not opened for; known: " + tables.keySet(), null, false);
        }
        return t;
    }

    /**
     * In a restore, turns off the enabled triggers of the tables about to be written, in the open
     * transaction, in the order of their names (writers of other splits take the same locks in the
     * same order); returns the statements that set them as they were, to run before the commit. A
     * rollback, or a crash, leaves them as they were too: the change is the transaction's. Turning
     * a trigger off locks its table against other writers (SHARE ROW EXCLUSIVE) until the commit, so
     * splits of one table that has triggers write one after the other. A table the role does not own
     * keeps them firing (the dry run says so).
     */
    private List<String> quietTriggers(java.util.Collection<Table> written) throws SQLException {
        if (!quietTriggers) return List.of();
        java.util.TreeMap<String, TableName> byName = new java.util.TreeMap<>();
        for (Table t : written) {
            TableName name = TableName.resolve(t.name(), schema);
            byName.put(name.sql(), name);
        }
        List<String> back = new ArrayList<>();
        for (TableName name : byName.values()) {
            TriggerSwitches switches = triggerSwitches.get(name);
            if (switches == null) {
                switches = triggerSwitches(name);
                triggerSwitches.put(name, switches);
            }
            execute(switches.off());
            back.addAll(switches.asTheyWere());
        }
        return back;
    }

    /**
     * The switches of the enabled triggers and rules on INSERT and DELETE (a restore's --delete) of the table and, a partitioned one,
     * of each of its partitions (rows are routed to them, and fire their own triggers and their
     * copies of the parent's), each relation switched ONLY (not recursing: a partition's copy may
     * be set otherwise than its parent's trigger, and must come back so). A rule would rewrite a
     * restored row (DO INSTEAD), and PostgreSQL takes no upsert into a table with an enabled one.
     * A relation the role does not own keeps them, its triggers noted in {@code triggersFiring}.
     */
    private TriggerSwitches triggerSwitches(TableName name) throws SQLException {
        List<String> off = new ArrayList<>(), asTheyWere = new ArrayList<>();
        String tree = Catalog.withPartitions(connection, "to_regclass(" + DefinedTable.literal(name.sql()) + ")");
        String relation = " FROM " + tree + " p JOIN pg_class c ON c.oid = p.relid JOIN pg_namespace n ON n.oid = c.relnamespace";
        try (PreparedStatement ps = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS relation,"
                + " 'TRIGGER' AS kind, t.tgname AS name, t.tgenabled::text, pg_has_role(c.relowner, 'USAGE'), c.relispartition" + relation
                + " JOIN pg_trigger t ON t.tgrelid = c.oid WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
                + " UNION ALL SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), 'RULE', r.rulename, r.ev_enabled::text,"
                + " pg_has_role(c.relowner, 'USAGE'), c.relispartition" + relation
                + " JOIN pg_rewrite r ON r.ev_class = c.oid WHERE r.ev_type IN ('3', '4') AND r.ev_enabled <> 'D'"
                + " ORDER BY relispartition, relation, kind, name")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1), kind = rs.getString(2), object = rs.getString(3);
                    if (!rs.getBoolean(5)) {
                        // a rule left on refuses the batch's upsert, and the error names it (withRuleAdvice)
                        if (kind.equals("TRIGGER")) triggersFiring.add(table + " (" + object + ")");
                        continue;
                    }
                    off.add(Catalog.enabledAs(table, true, kind, object, "D"));
                    asTheyWere.add(Catalog.enabledAs(table, true, kind, object, rs.getString(4)));
                }
            }
        }
        // FORCE ROW LEVEL SECURITY holds the owner to the table's policies: the snapshot's rows go back as they were, not as
        // the application's policies let its own writes (the owner's restore of a row a policy hides was refused)
        try (PreparedStatement ps = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)" + relation
                + " WHERE c.relforcerowsecurity AND pg_has_role(c.relowner, 'USAGE') ORDER BY 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    off.add("ALTER TABLE ONLY " + rs.getString(1) + " NO FORCE ROW LEVEL SECURITY");
                    asTheyWere.add("ALTER TABLE ONLY " + rs.getString(1) + " FORCE ROW LEVEL SECURITY");
                }
            }
        }
        return new TriggerSwitches(off, asTheyWere);
    }

    /**
     * The batch's failure, with what to do where it is PostgreSQL's refusal of an upsert (a batch's
     * {@code INSERT … ON CONFLICT}, SQLSTATE 0A000) into a table with rules: prepare names those it
     * finds ({@link TargetSchema#rulesRefusingTheUpsert}), so here only a rule made since.
     */
    private CutoverException withRuleAdvice(CutoverException failure, SQLException e, java.util.Collection<Table> tables) {
        if (!"0A000".equals(e.getSQLState()) || SqlErrors.isConnectionLoss(e)) return failure;
        List<String> refusing = new ArrayList<>();
        // a connection of its own: HikariCP closes the batch's after a 0A000, as it does after any SQLSTATE it deems fatal
        try (Connection c = pool.connection()) {
            for (Table t : tables) refusing.addAll(TargetSchema.rulesRefusingTheUpsert(c, TableName.resolve(t.name(), schema), quietTriggers));
        } catch (SQLException unreadable) {
            return failure;
        }
        if (refusing.isEmpty()) return failure;
        return new CutoverException(failure.code(), failure.getMessage() + "; " + String.join("; ", refusing), e, false);
    }

    private void execute(List<String> statements) throws SQLException {
        if (statements.isEmpty()) return;
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private boolean usesFastPath(Map<Table, ?> byTable) {
        for (Table t : byTable.keySet()) if (fastPath.contains(TableName.resolve(t.name(), schema))) return true;
        return false;
    }

    private void leaveFastPath(Map<Table, ?> byTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + StateTables.RUN_TABLES
                + " SET fast_path = false WHERE run_id = ? AND table_schema = ? AND table_name = ?")) {
            for (Table t : byTable.keySet()) {
                TableName name = TableName.resolve(t.name(), schema);
                if (!fastPath.remove(name)) continue;
                ps.setString(1, runId);
                ps.setString(2, name.schema());
                ps.setString(3, name.name());
                ps.executeUpdate();
            }
        }
        connection.commit();
    }

    private void open() throws SQLException {
        if (connection != null) return;
        connection = pool.connection();
        connection.setAutoCommit(false);
        staged.clear();
        if (fastPath == null) fastPath = loadFastPath();
    }

    private Set<TableName> loadFastPath() throws SQLException {
        Set<TableName> out = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT table_schema, table_name FROM " + StateTables.RUN_TABLES
                + " WHERE run_id = ? AND fast_path")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new TableName(rs.getString(1), rs.getString(2)));
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) throw e; // no state tables: prepare was never run, so no fast path
            connection.rollback();
        }
        connection.commit();
        return out;
    }

    /** A session-local name per target table and column set, so writers sharing a pooled connection agree on it. */
    private static String stagingName(TableName name, Table table) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(name.toString().getBytes(StandardCharsets.UTF_8));
            for (Column c : table.columns()) sha.update(("\0" + c.name()).getBytes(StandardCharsets.UTF_8));
            return "cutover_stage_" + HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void rollback() {
        if (connection != null) PostgresSink.rollbackQuietly(connection);
    }

    private void dropConnection() {
        if (connection == null) return;
        pool.discard(connection);
        connection = null;
        staged.clear();
    }

    @Override
    public void close() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // returning a broken connection to the pool: the pool drops it
        } finally {
            connection = null;
        }
    }
}
