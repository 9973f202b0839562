package cutover.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.ValueCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the target itself would refuse of a restore's changes, where only writing tells (a foreign
 * key's missing parent, a unique value another row holds, a CHECK, a trigger that raises): every row
 * the restore would insert or update is written in one transaction that is rolled back ({@link
 * SinkWriter.Trial}), table after table, parents first, as the restore writes them. A row refused for
 * a missing parent is tried again once the others are in, round after round while a round writes
 * any (its parent later in its table, a cycle), as a restore settles the records it parked; those
 * still refused refer to a row nothing brings, and the restore would set them aside so.
 *
 * <p>The rows are spooled as the comparison finds them ({@link DifferenceLog.Changes}), a file a
 * table, so memory holds a batch, not the changes. Each row keeps the number of its line in the
 * changes file, whose line a refused row's replaces ({@link #rewrite}).
 */
public final class WriteTrial implements DifferenceLog.Changes, AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    /** Rows a trial write: each batch is written whole first, and only a refused one row by row. */
    private static final int BATCH = 5000;

    private final Path folder;
    private final Map<String, Table> tried = new LinkedHashMap<>();
    private final Function<String, String> entityOf;
    private final Map<String, DataOutputStream> spools = new HashMap<>();
    private final Map<String, long[]> refusedByTable = new HashMap<>(); // by table: refused inserts, refused updates
    private final BitSet refusedLines = new BitSet();
    private DataOutputStream refusals;
    private long refused;
    private long rows;

    /**
     * {@code tables}: the tables to try, parents first (those the target holds: one the restore would
     * make holds only what the snapshot's rows met); {@code entityOf}: the source entity of a table's
     * rows, for the refusal's line (null: none to name); {@code folder}: the spool's, removed on close.
     */
    public WriteTrial(List<Table> tables, Function<String, String> entityOf, Path folder) {
        for (Table t : tables) tried.put(t.name(), t);
        this.entityOf = entityOf;
        this.folder = folder;
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot make the dry run's folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Takes a row the restore would insert ({@link Difference.Missing}) or update ({@link Difference.Changed}), of a table tried. */
    @Override
    public synchronized void change(Difference d, long line) {
        Record row = d instanceof Difference.Missing m ? m.given() : ((Difference.Changed) d).given();
        if (row == null || !tried.containsKey(d.table())) return;
        try {
            DataOutputStream out = spools.get(d.table());
            if (out == null) {
                out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool(d.table()))));
                spools.put(d.table(), out);
            }
            out.writeLong(line);
            out.writeBoolean(d instanceof Difference.Changed);
            ValueCodec.encodeRecord(row, out);
            rows++;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the dry run's rows to " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A row tried: its line in the changes file, whether it would be updated (else inserted), the row. */
    private record Tried(long line, boolean update, Record row) {}

    /** A row refused for a missing parent, with the target's words, tried again in the next round. */
    private record Orphan(Tried tried, String reason) {}

    /**
     * Tries every row taken, then rolls all of it back (the trial is closed here). Returns the
     * number of rows the target would refuse; {@link #refused(String)} tells them by table. A trial
     * that fails (no row's fault) counts none refused.
     */
    public long run(SinkWriter.Trial trial) {
        try {
            return tryAll(trial);
        } catch (RuntimeException e) {
            refusedByTable.clear();
            refusedLines.clear();
            refused = 0;
            throw e;
        }
    }

    private long tryAll(SinkWriter.Trial trial) {
        try (trial) {
            closeSpools();
            List<Orphan> orphans = new ArrayList<>();
            for (String table : tried.keySet()) {
                Path spool = spool(table);
                if (!Files.exists(spool)) continue;
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spool)))) {
                    List<Tried> batch = new ArrayList<>(BATCH);
                    Tried next;
                    while ((next = next(in)) != null) {
                        batch.add(next);
                        if (batch.size() == BATCH) {
                            orphans.addAll(tryBatch(trial, batch));
                            batch.clear();
                        }
                    }
                    orphans.addAll(tryBatch(trial, batch));
                }
            }
            // settling: a row refused for a missing parent is tried again while a round writes any
            while (!orphans.isEmpty()) {
                List<Orphan> still = new ArrayList<>();
                for (int from = 0; from < orphans.size(); from += BATCH) {
                    still.addAll(tryBatch(trial, orphans.subList(from, Math.min(orphans.size(), from + BATCH)).stream().map(Orphan::tried).toList()));
                }
                if (still.size() == orphans.size()) {
                    for (Orphan o : still) refuse(o.tried(), o.reason());
                    break;
                }
                orphans = still;
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read the dry run's rows in " + folder + ": " + e.getMessage(), e);
        }
        return refused;
    }

    /** Tries a batch, each row on its own; returns the rows refused for a missing parent, for the next round. */
    private List<Orphan> tryBatch(SinkWriter.Trial trial, List<Tried> batch) throws IOException {
        if (batch.isEmpty()) return List.of();
        List<List<Record>> groups = new ArrayList<>(batch.size());
        for (Tried t : batch) groups.add(List.of(t.row()));
        List<Orphan> orphans = new ArrayList<>();
        for (Map.Entry<Integer, RecordError> e : trial.refused(groups).entrySet()) {
            Tried t = batch.get(e.getKey());
            if (e.getValue().code() == ErrorCode.RECORD_REFERENCE_MISSING) orphans.add(new Orphan(t, e.getValue().reason()));
            else refuse(t, e.getValue().reason());
        }
        return orphans;
    }

    private void refuse(Tried t, String reason) throws IOException {
        String table = t.row().entity().value();
        refusedByTable.computeIfAbsent(table, k -> new long[2])[t.update() ? 1 : 0]++;
        refusedLines.set(Math.toIntExact(t.line()));
        refused++;
        if (refusals == null) refusals = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(folder.resolve("refused.ndjson"))));
        refusals.write((line(table, t, reason) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private String line(String table, Tried t, String reason) {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(s)) {
            g.writeStartObject();
            g.writeStringField("table", table);
            String entity = entityOf.apply(table);
            if (entity != null) g.writeStringField("entity", entity);
            g.writeStringField("key", t.row().key().toString());
            g.writeStringField("kind", "refused");
            g.writeStringField("reason", reason);
            g.writeStringField("tried", t.update() ? "update" : "insert");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    /** The rows taken to try. */
    public synchronized long rows() {
        return rows;
    }

    /** Of a table's rows, those refused that would have been inserted ([0]) and updated ([1]). */
    public long[] refused(String table) {
        return refusedByTable.getOrDefault(table, new long[2]).clone();
    }

    /**
     * The changes file as the trial leaves it: each refused row's line (it would be inserted or
     * updated) taken out, and its refusal, with why, added at the end.
     */
    public void rewrite(Path changesFile) {
        if (refused == 0) return;
        Path next = changesFile.resolveSibling(changesFile.getFileName() + ".next");
        try {
            refusals.close();
            try (var in = Files.newBufferedReader(changesFile); var out = Files.newBufferedWriter(next)) {
                String line;
                for (int n = 0; (line = in.readLine()) != null; n++) {
                    if (refusedLines.get(n)) continue;
                    out.write(line);
                    out.newLine();
                }
                try (var refusedRows = Files.newBufferedReader(folder.resolve("refused.ndjson"))) {
                    refusedRows.transferTo(out);
                }
            }
            Files.move(next, changesFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the changes file " + changesFile + ": " + e.getMessage(), e);
        }
    }

    private static Tried next(DataInputStream in) throws IOException {
        long line;
        try {
            line = in.readLong();
        } catch (EOFException end) {
            return null;
        }
        boolean update = in.readBoolean();
        return new Tried(line, update, ValueCodec.decodeRecord(in));
    }

    private Path spool(String table) {
        return folder.resolve("table-" + List.copyOf(tried.keySet()).indexOf(table) + ".rows");
    }

    private void closeSpools() throws IOException {
        for (DataOutputStream out : spools.values()) out.close();
        spools.clear();
    }

    /** Removes the spool. */
    @Override
    public synchronized void close() {
        try {
            closeSpools();
            if (refusals != null) refusals.close();
            try (var files = Files.list(folder)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot remove the dry run's rows in " + folder + ": " + e.getMessage(), e);
        }
    }
}
