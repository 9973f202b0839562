package cutover.postgres;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of one table that the write-ahead log says changed between two moments, each with
 * whether it was in the table at the first ({@code before}) and is at the second ({@code after}):
 * the first change of a key tells the one (an insert: it was not), the last the other (a delete:
 * it is not). A key is its columns' text in COPY's form joined by tabs, as {@link LineKeyCounting}
 * reads lines. A truncated table, or one whose log does not carry its primary key (replica identity
 * {@code NOTHING}, or an index other than the key), is {@link #known() not known}. The row each
 * insert or update wrote is kept too, as the line {@code COPY … TO} would write for it, so that a
 * layer can be written from the log without reading the table ({@link #rows}), up to
 * {@link #ROW_BYTES}. Kept as encoded lines, not values: a process that reads the log ahead holds
 * them for the whole interval, where a row's six strings cost three times its line's bytes and the
 * garbage collector copies them all, and the escaping is done as they are read, not at the backup.
 */
final class LoggedKeys {
    private static final byte BEFORE = 1, AFTER = 2;
    /** The rows' lines kept at most, in bytes: past it they are read from the table. */
    static final long ROW_BYTES = 64L << 20;

    private final Map<String, Byte> states = new HashMap<>();
    /** Each key's row as its last change wrote it, a line of COPY text (UTF-8, no newline), while {@link #rowsKept}. */
    private final Map<String, byte[]> rows = new HashMap<>();
    private boolean unknown;
    private boolean rowsKept = true;
    private long rowBytes;
    /** The columns the kept rows' values are in (the table's, as the log described it). */
    private List<String> columns;

    /** Whether every change of the table is told. */
    boolean known() { return !unknown; }

    int size() { return states.size(); }

    /** The keys that are in the table now: those whose rows a layer stores. */
    long written() {
        long n = 0;
        for (byte state : states.values()) if ((state & AFTER) != 0) n++;
        return n;
    }

    interface KeyVisitor {
        void key(String line, boolean before, boolean after);
    }

    void forEach(KeyVisitor visitor) {
        states.forEach((key, state) -> visitor.key(key, (state & BEFORE) != 0, (state & AFTER) != 0));
    }

    /** A key in the table now, with its row there as a line of COPY text (UTF-8, no newline). */
    record Row(String key, byte[] line) {}

    /**
     * The rows of the keys that are in the table now, as the log wrote them, in no order, in the
     * columns {@code columns}; empty when they were not all kept (too many, a value stored out of
     * line and not sent again, or the table's columns changed meanwhile): they are read by key then.
     */
    java.util.Optional<List<Row>> rows(List<String> columns) {
        if (states.isEmpty()) return java.util.Optional.of(List.of()); // nothing changed: no row, in any columns
        if (!rowsKept || !columns.equals(this.columns)) return java.util.Optional.empty();
        List<Row> out = new java.util.ArrayList<>(rows.size());
        for (Map.Entry<String, Byte> e : states.entrySet()) {
            if ((e.getValue() & AFTER) == 0) continue;
            byte[] row = rows.get(e.getKey());
            if (row == null) return java.util.Optional.empty();
            out.add(new Row(e.getKey(), row));
        }
        return java.util.Optional.of(out);
    }

    /**
     * Adds the changes {@code later} read of the same table, which came after these: a key keeps the
     * state before of its first change here, and takes its state after and its row from there.
     */
    void addLater(LoggedKeys later) {
        if (later.unknown) unknown = true;
        if (!later.rowsKept || (columns != null && later.columns != null && !columns.equals(later.columns))) dropRows();
        if (later.columns != null) columns = later.columns;
        later.states.forEach((key, state) -> {
            Byte was = states.get(key);
            states.put(key, was == null ? state : (byte) ((was & BEFORE) | (state & AFTER)));
            if (rowsKept) {
                byte[] row = later.rows.get(key);
                if (row == null && (state & AFTER) != 0) dropRows(); // cannot happen while later kept its rows
                else keepLine(key, row);
            }
        });
    }

    /**
     * The reader of a relation's changes into {@code tables}, by table name: the changes of a table
     * of {@code schema} whose primary key {@code keys} gives; another schema's are ignored. A table
     * of the schema whose key {@code keys} lacks (made since they were read, and published at a
     * backup's moment since) is {@link #known() not known}: ignoring its changes would tell a backup
     * it has none.
     */
    static Reader readerInto(Map<String, LoggedKeys> tables, PgOutput.Relation r, String schema, Map<String, List<String>> keys) {
        if (!r.schema().equals(schema)) return Reader.IGNORED;
        LoggedKeys table = tables.computeIfAbsent(r.name(), n -> new LoggedKeys());
        List<String> key = keys.get(r.name());
        if (key == null) {
            table.unknown = true;
            return Reader.IGNORED;
        }
        return table.reader(r, key);
    }

    /** Reads the changes of the relation {@code r} (as the log describes it now) whose primary key is {@code keyColumns}. */
    Reader reader(PgOutput.Relation r, List<String> keyColumns) {
        int[] at = new int[keyColumns.size()];
        boolean carriesKey = r.replicaIdentity() == 'f' || r.replicaIdentity() == 'd';
        for (int i = 0; i < at.length && carriesKey; i++) {
            at[i] = r.columns().indexOf(keyColumns.get(i));
            if (at[i] < 0 || (r.replicaIdentity() == 'd' && !r.keyColumns().get(at[i]))) carriesKey = false;
        }
        if (!carriesKey) {
            unknown = true;
            return Reader.IGNORED;
        }
        if (columns != null && !columns.equals(r.columns())) dropRows(); // the rows kept so far are in the earlier columns
        columns = r.columns();
        return new Reader() {
            @Override
            public int inserted(PgOutput.Tuple row) {
                return change(key(row), false, true, row);
            }

            @Override
            public int updated(PgOutput.Tuple old, PgOutput.Tuple row) {
                String now = key(row);
                String then = old == null ? now : key(old);
                if (now == null || then == null) return change(null, true, true, null);
                if (then.equals(now)) return change(now, true, true, row);
                return change(then, true, false, null) + change(now, false, true, row); // the key itself changed
            }

            @Override
            public int deleted(PgOutput.Tuple old) {
                return change(key(old), true, false, null);
            }

            @Override
            public void truncated() {
                unknown = true;
            }

            /** The key's line, or null when a key column was not sent. */
            private String key(PgOutput.Tuple row) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < at.length; i++) {
                    String v = row.value(at[i]);
                    if (v == null || v == PgOutput.UNCHANGED) return null;
                    if (i > 0) line.append('\t');
                    PgCopyText.appendField(line, v);
                }
                return line.toString();
            }
        };
    }

    /**
     * Records a change of {@code key}: its state before is that of its first change; {@code row},
     * the row it wrote (null for a delete). Returns the keys told (1).
     */
    private int change(String key, boolean before, boolean after, PgOutput.Tuple row) {
        if (key == null) {
            unknown = true;
            return 0;
        }
        Byte was = states.get(key);
        byte first = was == null ? (before ? BEFORE : 0) : (byte) (was & BEFORE);
        states.put(key, (byte) (first | (after ? AFTER : 0)));
        if (rowsKept) keepRow(key, row);
        return 1;
    }

    private void keepRow(String key, PgOutput.Tuple row) {
        if (row == null) {
            keepLine(key, null);
            return;
        }
        StringBuilder line = new StringBuilder();
        List<String> values = row.values();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == PgOutput.UNCHANGED) { // its value is only in the table
                dropRows();
                return;
            }
            if (i > 0) line.append('\t');
            PgCopyText.appendField(line, v);
        }
        keepLine(key, line.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Keeps {@code line} as the key's row, or forgets its row ({@code null}: the key was deleted). */
    private void keepLine(String key, byte[] line) {
        byte[] earlier = line == null ? rows.remove(key) : rows.put(key, line);
        rowBytes += (line == null ? 0 : line.length) - (earlier == null ? 0 : earlier.length);
        if (rowBytes > ROW_BYTES) dropRows();
    }

    private void dropRows() {
        rowsKept = false;
        rows.clear();
        rowBytes = 0;
    }

    /** What one relation's changes do to its keys. */
    interface Reader {
        /** A relation whose changes are not asked for. */
        Reader IGNORED = new Reader() {
            @Override public int inserted(PgOutput.Tuple row) { return 0; }
            @Override public int updated(PgOutput.Tuple old, PgOutput.Tuple row) { return 0; }
            @Override public int deleted(PgOutput.Tuple old) { return 0; }
            @Override public void truncated() {}
        };

        /**
         * Applies a change message (insert, update, delete, truncate) through the reader of its
         * relation; returns the keys it told (0 for any other message).
         */
        static int apply(PgOutput.Message m, java.util.function.IntFunction<Reader> readerOf) {
            if (m instanceof PgOutput.Insert i) return readerOf.apply(i.relation()).inserted(i.row());
            if (m instanceof PgOutput.Update u) return readerOf.apply(u.relation()).updated(u.old(), u.row());
            if (m instanceof PgOutput.Delete d) return readerOf.apply(d.relation()).deleted(d.old());
            if (m instanceof PgOutput.Truncate t) t.relations().forEach(oid -> readerOf.apply(oid).truncated());
            return 0;
        }

        int inserted(PgOutput.Tuple row);

        int updated(PgOutput.Tuple old, PgOutput.Tuple row);

        int deleted(PgOutput.Tuple old);

        void truncated();
    }
}
