package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.Comparator;

/**
 * The keys of one stored part, one at a time in the order its lines were written, for a merge with
 * the lines of another part ({@link LayerMerge}). A merge is right only while each key comes after
 * the one before in {@code order}: a key that does not makes the part out of order, named as corrupt.
 */
final class KeyCursor implements AutoCloseable {
    /** Where the keys come from: the next one, or null after the last. */
    interface Keys extends AutoCloseable {
        String next();

        /** The part and the line of the last key given, for messages. */
        String where();

        @Override
        void close();
    }

    /**
     * Keys are read ahead this many at a time, by a method of its own: the merge asks for the next
     * key on the path of every base line that reaches a layer's, and reading a line there (chunks,
     * decryption, the line's key) made the compiler inline all of it into that path.
     */
    private static final int AHEAD = 128;

    private final Keys keys;
    private final Comparator<String> order;
    private final String[] ahead = new String[AHEAD];
    private int at, filled;
    private int batch = 1; // the first key alone: a part's merge opens a cursor on every layer before its first line goes out
    private boolean ended;
    private String head;

    KeyCursor(Keys keys, Comparator<String> order) {
        this.keys = keys;
        this.order = order;
        step();
    }

    /** The keys of the lines of {@code part}, read by {@code reader}. */
    static Keys of(SnapshotRecordReader part, CopyTextFormat.KeyReader reader) {
        return new Keys() {
            private final String[] key = new String[1];

            @Override
            public String next() {
                return part.nextLine((b, offset, length) -> key[0] = LayerKeys.keyOf(reader, b, offset, length, part)) ? key[0] : null;
            }

            @Override
            public String where() { return part.where() + ", line " + part.linesRead(); }

            @Override
            public void close() { part.close(); }
        };
    }

    /** The key at the cursor, or null past the last. */
    String head() { return head; }

    /** Moves past {@code key} and the keys before it; whether one of them was {@code key} (the same text). */
    boolean passes(String key) {
        boolean met = false;
        while (head != null && order.compare(head, key) <= 0) {
            met |= key.equals(head);
            step();
        }
        return met;
    }

    /** Reads the rest of the keys, each checked to follow the one before. */
    void drain() {
        while (head != null) step();
    }

    private void step() {
        if (at == filled) fill();
        head = at < filled ? ahead[at++] : null;
    }

    /** Reads up to {@link #AHEAD} keys, each checked to follow the one before. */
    private void fill() {
        String before = filled > 0 ? ahead[filled - 1] : null;
        at = 0;
        filled = 0;
        while (filled < batch && !ended) {
            String key = keys.next();
            if (key == null) {
                ended = true;
            } else {
                if (before != null && order.compare(before, key) >= 0) throw outOfOrder(keys.where(), before, key);
                ahead[filled++] = key;
                before = key;
            }
        }
        batch = AHEAD;
    }

    static CutoverException outOfOrder(String where, String before, String key) {
        return new CutoverException(ErrorCode.BACKUP_CORRUPT, where + ": key " + key + " follows key " + before + ", out of the order of the keys"
                + " the lines are stored in, which a restore that applies change layers relies on");
    }

    @Override
    public void close() { keys.close(); }
}
