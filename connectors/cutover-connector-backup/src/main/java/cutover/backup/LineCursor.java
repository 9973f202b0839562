package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The lines of one stored part with their keys, one at a time in the order they were written, each
 * copied out of the chunk it came in so that it can wait while lines of other parts go first
 * ({@link CompactingMerge}). A key that does not come after the one before makes the part out of
 * order, named as corrupt, as {@link KeyCursor} names it.
 */
final class LineCursor implements AutoCloseable {
    /** Where the lines come from. */
    interface Lines extends AutoCloseable {
        /** Hands the next line (without its {@code \n}) to {@code visitor}; false after the last. */
        boolean nextLine(CopyLines.LineVisitor visitor);

        /** The part and the line of the last line given, for messages. */
        String where();

        @Override
        void close();
    }

    private final Lines lines;
    private final CopyTextFormat.KeyReader keys;
    private final Comparator<String> order;
    private final int layer;
    private byte[] line = new byte[256];
    private int length;
    private String key;

    /** The lines of the layer numbered {@code layer} (1 the oldest), positioned at the first. */
    LineCursor(Lines lines, CopyTextFormat.KeyReader keys, Comparator<String> order, int layer) {
        this.lines = lines;
        this.keys = keys;
        this.order = order;
        this.layer = layer;
        advance();
    }

    /** The lines of a stored part, read by {@code reader}. */
    static Lines of(SnapshotRecordReader part) {
        return new Lines() {
            @Override
            public boolean nextLine(CopyLines.LineVisitor visitor) { return part.nextLine(visitor); }

            @Override
            public String where() { return part.where() + ", line " + part.linesRead(); }

            @Override
            public void close() { part.close(); }
        };
    }

    /** The current line's key, or null past the last line. */
    String key() { return key; }

    int layer() { return layer; }

    byte[] line() { return line; }

    int length() { return length; }

    /** Moves to the next line. */
    void advance() {
        String before = key;
        key = null;
        if (!lines.nextLine(this::take)) return;
        if (before != null && order.compare(before, key) >= 0) throw KeyCursor.outOfOrder(lines.where(), before, key);
    }

    private void take(byte[] b, int offset, int len) {
        if (len > line.length) line = Arrays.copyOf(line, Math.max(len, 2 * line.length));
        System.arraycopy(b, offset, line, 0, len);
        length = len;
        try {
            key = keys.key(line, 0, len);
        } catch (IllegalArgumentException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, lines.where() + ": a line whose key does not read: " + e.getMessage(), e);
        }
    }

    /** Reads the rest of the lines, each checked to follow the one before (and the part proven at its end). */
    void drain() {
        while (key != null) advance();
    }

    @Override
    public void close() { lines.close(); }
}
