package cutover.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a backup decodes the write-ahead log rather than scanning the tables (figures of bench/RESULTS.md, ninth session). */
class ChangeLogCostTest {
    private static final long MB = 1L << 20;

    @Test
    void aSmallLogIsReadWhateverTheTablesSize() {
        assertThat(ChangeLog.worthReading(64 * MB, 1 * MB)).isTrue();
        assertThat(ChangeLog.worthReading(65 * MB, 1 * MB)).isFalse();
    }

    @Test
    void aLargerLogIsReadWhileItIsUnderHalfTheHeapsItsChangesWouldBeScannedIn() {
        // 1M rows, 1% updated at random: 79-83 MB of WAL for a 185 MB heap, decoded faster than scanned
        assertThat(ChangeLog.worthReading(83 * MB, 185 * MB)).isTrue();
        // 112-142 MB of WAL for the same heap: the scans
        assertThat(ChangeLog.worthReading(112 * MB, 185 * MB)).isFalse();
        // 1% of 10M rows: 1.1-1.5 GB of WAL for a 1.85 GB heap
        assertThat(ChangeLog.worthReading(1100 * MB, 1894 * MB)).isFalse();
    }
}
