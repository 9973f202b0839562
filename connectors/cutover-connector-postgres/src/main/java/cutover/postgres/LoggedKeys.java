package cutover.postgres;

import cutover.model.ColumnType;
import cutover.model.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of one table that the write-ahead log says changed between two moments, each with
 * whether it was in the table at the first ({@code before}) and is at the second ({@code after}):
 * the first change of a key tells the one (an insert: it was not), the last the other (a delete:
 * it is not). A key is its columns' text in COPY's form joined by tabs, as {@link LineKeyCounting}
 * reads lines. A truncated table, or one whose log does not carry its primary key (replica identity
 * {@code NOTHING}, or an index other than the key), is {@link #known() not known}.
 */
final class LoggedKeys {
    private static final byte BEFORE = 1, AFTER = 2;

    private final Map<String, Byte> states = new HashMap<>();
    private boolean unknown;

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
        return new Reader() {
            @Override
            public int inserted(PgOutput.Tuple row) {
                return change(key(row), false, true);
            }

            @Override
            public int updated(PgOutput.Tuple old, PgOutput.Tuple row) {
                String now = key(row);
                String then = old == null ? now : key(old);
                if (now == null || then == null) return change(null, true, true);
                if (then.equals(now)) return change(now, true, true);
                return change(then, true, false) + change(now, false, true); // the key itself changed
            }

            @Override
            public int deleted(PgOutput.Tuple old) {
                return change(key(old), true, false);
            }

            @Override
            public void truncated() {
                unknown = true;
            }

            /** The key's line, or null when a key column was not sent. */
            private String key(PgOutput.Tuple row) {
                CopyText line = new CopyText();
                try {
                    for (int i = 0; i < at.length; i++) {
                        String v = row.value(at[i]);
                        if (v == null || v == PgOutput.UNCHANGED) return null;
                        line.value(Value.of(v), ColumnType.TEXT, i == 0);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // kept in memory: never thrown
                }
                return new String(line.bytes(), StandardCharsets.UTF_8);
            }
        };
    }

    /** Records a change of {@code key}: its state before is that of its first change. Returns the keys told (1). */
    private int change(String key, boolean before, boolean after) {
        if (key == null) {
            unknown = true;
            return 0;
        }
        Byte was = states.get(key);
        byte first = was == null ? (before ? BEFORE : 0) : (byte) (was & BEFORE);
        states.put(key, (byte) (first | (after ? AFTER : 0)));
        return 1;
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

        int inserted(PgOutput.Tuple row);

        int updated(PgOutput.Tuple old, PgOutput.Tuple row);

        int deleted(PgOutput.Tuple old);

        void truncated();
    }
}
