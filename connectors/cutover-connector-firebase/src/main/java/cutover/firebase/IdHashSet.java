package cutover.firebase;

/**
 * The document ids seen in one collection, kept as 64-bit hashes in an open-addressing table (8 to
 * 16 bytes an id), so duplicate ids are found without holding every id of a 5 GB export. Two
 * different ids with the same hash would be reported as a duplicate; with a 64-bit hash the chance
 * is about n²/2⁶⁵ (3·10⁻⁶ for ten million documents), accepted for the memory it saves.
 */
final class IdHashSet {
    private long[] slots = new long[16];
    private int size;

    /** Adds the id; false when it was already there. */
    boolean add(CharSequence id) {
        long h = hash(id);
        if (h == 0) h = 1; // 0 marks an empty slot
        if (size * 4 >= slots.length * 3) grow(); // load at most 3/4
        return insert(slots, h);
    }

    private boolean insert(long[] table, long h) {
        int mask = table.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (table[i] != 0) {
            if (table[i] == h) return false;
            i = (i + 1) & mask;
        }
        table[i] = h;
        if (table == slots) size++;
        return true;
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long h : slots) if (h != 0) insert(bigger, h);
        slots = bigger;
    }

    int size() { return size; }

    /** FNV-1a over the UTF-16 units, then a SplitMix64 finalizer to spread the bits. */
    static long hash(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
