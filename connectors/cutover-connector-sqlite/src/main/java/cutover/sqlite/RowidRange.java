package cutover.sqlite;

import java.util.ArrayList;
import java.util.List;

/**
 * A part of a table read in rowid order: rowids from {@code from} (inclusive) to {@code to}
 * (exclusive), null for an open end. The first and last parts are open, so no row is left out,
 * whatever its rowid. Its text form ends the split id: {@code users#rowid:1000..2000},
 * {@code users#rowid:..1000}, {@code users#rowid:2000..}.
 */
record RowidRange(Long from, Long to) {
    static final String MARK = "#rowid:";

    String idSuffix() {
        return MARK + (from == null ? "" : from) + ".." + (to == null ? "" : to);
    }

    /** The condition on the table's rowid, named {@code rowid}, with its values appended to {@code binds}; empty for the whole table. */
    String condition(String rowid, List<Object> binds) {
        List<String> terms = new ArrayList<>();
        if (from != null) { terms.add(rowid + " >= ?"); binds.add(from); }
        if (to != null) { terms.add(rowid + " < ?"); binds.add(to); }
        return String.join(" AND ", terms);
    }

    /** The range at the end of a split id, or null if the id does not end with one. */
    static RowidRange parse(String splitId) {
        int at = splitId.lastIndexOf(MARK);
        if (at < 0) return null;
        String[] ends = splitId.substring(at + MARK.length()).split("\\.\\.", -1);
        if (ends.length != 2) return null;
        try {
            return new RowidRange(ends[0].isEmpty() ? null : Long.parseLong(ends[0]), ends[1].isEmpty() ? null : Long.parseLong(ends[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String table(String splitId) {
        return splitId.substring(0, splitId.lastIndexOf(MARK));
    }

    /**
     * About {@code parts} ranges of equal rowid width between min and max. Rowids are usually dense
     * (assigned in order), so equal widths hold about equal counts.
     */
    static List<RowidRange> cover(long min, long max, int parts) {
        long span = max - min;
        if (parts < 2 || span < parts || span < 0) return List.of(new RowidRange(null, null)); // span < 0: overflow
        long width = span / parts + 1;
        List<RowidRange> out = new ArrayList<>();
        Long from = null;
        for (int i = 1; i < parts; i++) {
            long to = min + i * width;
            out.add(new RowidRange(from, to));
            from = to;
        }
        out.add(new RowidRange(from, null));
        return out;
    }
}
