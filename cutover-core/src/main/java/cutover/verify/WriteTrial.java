package cutover.verify;

import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.RowText;
import cutover.model.Table;
import cutover.model.ValueCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
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
    /** The columns of the source lines last read back from a spool: one list for a table's rows, as the reader of the snapshot gives them. */
    private List<String> lineColumns;

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
                out = spoolTo(spool(d.table()));
                spools.put(d.table(), out);
            }
            write(out, new Tried(line, d instanceof Difference.Changed, row));
            rows++;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the dry run's rows to " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A row tried: its line in the changes file, whether it would be updated (else inserted), the row. */
    private record Tried(long line, boolean update, Record row) {}


    /**
     * Tries every row taken, then rolls all of it back (the trial is closed here). Returns the
     * number of rows the target would refuse; {@link #refused(String)} tells them by table. A trial
     * that fails (no row's fault) counts none refused.
     */
    public long run(SinkWriter.Trial trial) {
        return run(trial, t -> {});
    }

    /** {@link #run}, with {@code afterWrites} given the trial once its writes are in, before it is rolled back (a restore's deletions, tried). */
    public long run(SinkWriter.Trial trial, java.util.function.Consumer<SinkWriter.Trial> afterWrites) {
        try {
            return tryAll(trial, afterWrites);
        } catch (RuntimeException e) {
            refusedByTable.clear();
            refusedLines.clear();
            refused = 0;
            throw e;
        }
    }

    /**
     * The tables' rows, then round after round the rows refused for a missing parent, spooled as
     * they are met (with the target's words): a round that writes none leaves them refused so.
     */
    private long tryAll(SinkWriter.Trial trial, java.util.function.Consumer<SinkWriter.Trial> afterWrites) {
        try (trial) {
            closeSpools();
            Path orphans = folder.resolve("orphans-0.rows");
            long[] round; // rows tried, rows left for their parent
            try (DataOutputStream out = spoolTo(orphans)) {
                round = new long[2];
                for (String table : tried.keySet()) {
                    Path spool = spool(table);
                    if (!Files.exists(spool)) continue;
                    long[] r = tryFile(trial, spool, false, out);
                    round[0] += r[0];
                    round[1] += r[1];
                }
            }
            // settling: a row refused for a missing parent is tried again while a round writes any
            for (int n = 1; round[1] > 0; n++) {
                Path next = folder.resolve("orphans-" + n + ".rows");
                long left = round[1];
                try (DataOutputStream out = spoolTo(next)) {
                    round = tryFile(trial, orphans, true, out);
                }
                Files.delete(orphans);
                orphans = next;
                if (round[1] == left) { // none written this round: what refers to them comes with no row
                    try (DataInputStream in = spoolFrom(orphans)) {
                        for (Orphan o; (o = orphan(in)) != null; ) refuse(o.tried(), o.reason());
                    }
                    break;
                }
            }
            afterWrites.accept(trial);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read or write the dry run's rows in " + folder + ": " + e.getMessage(), e);
        }
        return refused;
    }

    /** A row refused for a missing parent, with the target's words, tried again in the next round. */
    private record Orphan(Tried tried, String reason) {}

    /** Tries the rows of a spool ({@code orphans}: of a round's orphans) in batches; returns how many were tried and how many went to {@code out}. */
    private long[] tryFile(SinkWriter.Trial trial, Path spool, boolean orphans, DataOutputStream out) throws IOException {
        long[] counts = new long[2];
        try (DataInputStream in = spoolFrom(spool)) {
            List<Tried> batch = new ArrayList<>(BATCH);
            while (true) {
                Tried next = orphans ? tried(orphan(in)) : next(in);
                if (next != null) batch.add(next);
                if (batch.size() == BATCH || (next == null && !batch.isEmpty())) {
                    counts[0] += batch.size();
                    counts[1] += tryBatch(trial, batch, out);
                    batch.clear();
                }
                if (next == null) return counts;
            }
        }
    }

    /** Tries a batch, each row on its own; the rows refused for a missing parent go to {@code orphans}, for the next round: how many. */
    private long tryBatch(SinkWriter.Trial trial, List<Tried> batch, DataOutputStream orphans) throws IOException {
        List<List<Record>> groups = new ArrayList<>(batch.size());
        for (Tried t : batch) groups.add(List.of(t.row()));
        long parked = 0;
        for (Map.Entry<Integer, RecordError> e : trial.refused(groups).entrySet()) {
            Tried t = batch.get(e.getKey());
            if (e.getValue().code() != ErrorCode.RECORD_REFERENCE_MISSING) {
                refuse(t, e.getValue().reason());
                continue;
            }
            byte[] reason = e.getValue().reason().getBytes(java.nio.charset.StandardCharsets.UTF_8); // a key's values may be long: not writeUTF's 64 KB
            orphans.writeInt(reason.length);
            orphans.write(reason);
            write(orphans, t);
            parked++;
        }
        return parked;
    }

    private static Tried tried(Orphan o) {
        return o == null ? null : o.tried();
    }

    private Orphan orphan(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        String reason = new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
        return new Orphan(next(in), reason);
    }

    private static DataOutputStream spoolTo(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    private static DataInputStream spoolFrom(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
    }

    /** A tried row; the line its source wrote it as, where it has one, after its values: the restore writes that text too. */
    private static void write(DataOutputStream out, Tried t) throws IOException {
        out.writeLong(t.line());
        out.writeBoolean(t.update());
        ValueCodec.encodeRecord(t.row(), out);
        RowText.writeTo(out, t.row().asWritten());
    }

    private void refuse(Tried t, String reason) throws IOException {
        String table = t.row().entity().value();
        refusedByTable.computeIfAbsent(table, k -> new long[2])[t.update() ? 1 : 0]++;
        refusedLines.set(Math.toIntExact(t.line()));
        refused++;
        if (refusals == null) refusals = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(folder.resolve("refused.ndjson"))));
        refusals.write((DifferenceLog.refusedLine(table, entityOf.apply(table), t.row().key().toString(), reason, t.update() ? "update" : "insert")
                + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    private Tried next(DataInputStream in) throws IOException {
        long line;
        try {
            line = in.readLong();
        } catch (EOFException end) {
            return null;
        }
        boolean update = in.readBoolean();
        Record row = ValueCodec.decodeRecord(in);
        RowText text = RowText.readFrom(in, lineColumns);
        if (text == null) return new Tried(line, update, row);
        lineColumns = text.columns();
        return new Tried(line, update, row.withAsWritten(text));
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
