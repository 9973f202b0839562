package cutover.postgres;

/** Where the first fields of a COPY text line start and end (field {@code i} is {@code [starts[i], ends[i])}), for one thread. */
final class FieldBounds {
    final int[] starts;
    final int[] ends;
    private final int last;

    /** Bounds of the fields 0 to {@code last}; the fields after it are not looked at. */
    FieldBounds(int last) {
        this.last = last;
        this.starts = new int[last + 1];
        this.ends = new int[last + 1];
    }

    /** Finds the fields of the line (without its {@code \n}); throws when it has too few. */
    void locate(byte[] line, int offset, int length) {
        int field = 0, start = offset, end = offset + length;
        for (int i = offset; i <= end && field <= last; i++) {
            if (i < end && line[i] != '\t') continue;
            starts[field] = start;
            ends[field++] = i;
            start = i + 1;
        }
        if (field <= last) throw new IllegalArgumentException("a line of " + field + " fields, the key is in field " + (last + 1));
    }
}
