package cutover.postgres;

import java.util.Set;

/**
 * Which transactions a snapshot sees, from {@code pg_current_snapshot()}'s text form
 * ({@code xmin:xmax:xip,…}, 64-bit ids): a committed top-level transaction is seen when its id is
 * below {@code xmax} and not among those running when the snapshot was taken. The ids pgoutput
 * sends are 32 bits; each is placed in the epoch that puts it nearest {@code xmax} (the server
 * keeps every id it still decodes within 2^31 of the newest).
 */
record SnapshotXids(long xmax, Set<Long> running) {

    /** From the text form; its {@code xmin} is not needed: every id below it is below {@code xmax} and not running. */
    static SnapshotXids parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) throw new IllegalArgumentException("not a pg_snapshot: " + text);
        Set<Long> running = parts[2].isEmpty() ? Set.of()
                : java.util.Arrays.stream(parts[2].split(",")).map(Long::valueOf).collect(java.util.stream.Collectors.toUnmodifiableSet());
        return new SnapshotXids(Long.parseLong(parts[1]), running);
    }

    /** Whether the snapshot sees the committed top-level transaction whose 32-bit id is {@code xid}. */
    boolean sees(int xid) {
        long full = (xmax & ~0xFFFF_FFFFL) | (xid & 0xFFFF_FFFFL);
        if (full - xmax > 1L << 31) full -= 1L << 32;
        else if (xmax - full > 1L << 31) full += 1L << 32;
        return full < xmax && !running.contains(full);
    }
}
