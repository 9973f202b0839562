package cutover.backup;

import cutover.connector.ChangeTracking.Bucketing;
import cutover.connector.ChangeTracking.KeyBuckets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerCheckTest {
    private static final Bucketing FOUR = new Bucketing(4, 0);

    /** The source's buckets at the moment: keys {@code counts} (digests {@code digests}), of which {@code changed} changed. */
    private static KeyBuckets now(long[] counts, String[] digests, long[] changed, String[] changedDigests) {
        return new KeyBuckets(FOUR, counts, digests, changed, changedDigests);
    }

    /** Keys counted from a layer's lines: only counts and digests, no changes. */
    private static KeyBuckets counted(long[] counts, String[] digests) {
        return new KeyBuckets(FOUR, counts, digests, new long[4], new String[] {"0", "0", "0", "0"});
    }

    private static final KeyBuckets NOW = now(new long[] {10, 12, 0, 7}, new String[] {"100", "-5", "0", "77"},
            new long[] {2, 0, 0, 3}, new String[] {"21", "0", "0", "-9"});

    @Test
    void rowsHoldingExactlyTheChangedKeysPass() {
        assertThat(LayerCheck.rows(counted(new long[] {2, 0, 0, 3}, new String[] {"21", "0", "0", "-9"}), NOW)).isEmpty();
    }

    @Test
    void rowsHoldingMoreThanTheChangedKeysPass() {
        // a scan by transaction id may give a few rows too many: their digest cannot be compared
        assertThat(LayerCheck.rows(counted(new long[] {3, 1, 0, 3}, new String[] {"50", "4", "0", "-9"}), NOW)).isEmpty();
    }

    @Test
    void aChangedRowLeftOutIsNamedByItsBucket() {
        assertThat(LayerCheck.rows(counted(new long[] {2, 0, 0, 2}, new String[] {"21", "0", "0", "-3"}), NOW))
                .contains("key bucket 3 holds 2 changed rows where the source counted 3");
    }

    @Test
    void asManyRowsAsChangedButOtherKeysAreNamed() {
        assertThat(LayerCheck.rows(counted(new long[] {2, 0, 0, 3}, new String[] {"22", "0", "0", "-9"}), NOW))
                .contains("key bucket 0 holds 2 changed rows, as many as the source counted, but not their keys (digest 22 where the source's is 21)");
    }

    @Test
    void listedKeysMustBeTheMovedBucketsKeys() {
        int[] moved = {1, 3};
        assertThat(LayerCheck.keys(counted(new long[] {0, 12, 0, 7}, new String[] {"0", "-5", "0", "77"}), NOW, moved)).isEmpty();
        assertThat(LayerCheck.keys(counted(new long[] {0, 11, 0, 7}, new String[] {"0", "-6", "0", "77"}), NOW, moved))
                .contains("key bucket 1 lists 11 keys where the source counted 12");
        assertThat(LayerCheck.keys(counted(new long[] {0, 12, 0, 7}, new String[] {"0", "-5", "0", "78"}), NOW, moved))
                .contains("key bucket 3 lists 7 keys, as many as the source counted, but not the same (digest 78 where the source's is 77)");
        // a key of a bucket that did not move has no place in the list
        assertThat(LayerCheck.keys(counted(new long[] {1, 12, 0, 7}, new String[] {"3", "-5", "0", "77"}), NOW, moved))
                .contains("key bucket 0 lists 1 keys where the source counted 0");
    }

    @Test
    void keysCountedInOtherBucketsAreAnError() {
        KeyBuckets eight = new KeyBuckets(new Bucketing(8, 0), new long[8], new String[8], new long[8], new String[8]);
        assertThatThrownBy(() -> LayerCheck.rows(eight, NOW)).isInstanceOf(IllegalStateException.class);
    }
}
