package cutover.analyze;

import java.util.Arrays;

/**
 * A growable array of primitive longs: 8 bytes an element where a {@code HashSet<Long>} takes about
 * 50. Holds key hashes and reference targets, sorted at the end and compared in one pass.
 */
final class LongList {
    private long[] values = new long[16];
    private int size;
    private boolean sorted = true;

    void add(long v) {
        if (size == values.length) values = Arrays.copyOf(values, Math.max(16, size + (size >> 1)));
        if (size > 0 && values[size - 1] > v) sorted = false;
        values[size++] = v;
    }

    void addAll(LongList other) {
        if (size + other.size > values.length) values = Arrays.copyOf(values, Math.max(size + other.size, size + (size >> 1)));
        if (other.size > 0 && (!other.sorted || (size > 0 && values[size - 1] > other.values[0]))) sorted = false;
        System.arraycopy(other.values, 0, values, size, other.size);
        size += other.size;
    }

    int size() { return size; }

    long get(int i) { return values[i]; }

    /** Sorts in place; cheap when already sorted. */
    void sort() {
        if (!sorted) Arrays.sort(values, 0, size);
        sorted = true;
    }
}
