package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifest's change track (docs/backup-format.md "Change layers"): as stored, and what a reader refuses before reading a part. */
class ChangeTrackTest {
    private static final CopyShape SHAPE = new CopyShape("postgresql/copy-text/1", List.of(new CopyColumn("id", "int8"), new CopyColumn("v", "text")));

    private static EntitySnapshot entity(int partCount, List<ChangeTrack.ChangeLayer> layers) {
        List<EntityPart> parts = new ArrayList<>();
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < partCount; i++) {
            parts.add(new EntityPart(10, 100, String.format("%064x", i), 1));
            chunks.add(String.format("%064x", 100 + i));
        }
        ChangeTrack track = new ChangeTrack("postgresql/xmin/1", "7714605022244911232:16386:1234", 3, new long[] {4, 0, 3, 3},
                new String[] {"-12", "0", "99", "7"}, layers, 10L * partCount, "16384");
        return new EntitySnapshot("orders", List.of("id"), 10, 100L * partCount, EntitySnapshot.digestOfParts(parts), Map.of(), chunks,
                0, List.of(), parts, Map.of(), null, SHAPE, track);
    }

    @Test
    void theTrackIsStoredAndReadBackAsItIs() throws Exception {
        EntitySnapshot e = entity(4, List.of(new ChangeTrack.ChangeLayer(2, 3, new int[] {1, 3})));
        Json json = new Json();
        EntitySnapshot back = json.read(json.write(e), EntitySnapshot.class);
        assertThat(back.changes()).isEqualTo(e.changes());
        assertThat(back.changes().bucketing().buckets()).isEqualTo(4);
        assertThat(back.changes().bucketing().shift()).isEqualTo(3);
        assertThat(back.isKeysPart(3)).isTrue();
        assertThat(back.isKeysPart(2)).isFalse();
        assertThat(back.partsProblem()).isNull();
        assertThat(new String(json.write(e), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"changes\":{\"method\":\"postgresql/xmin/1\"").doesNotContain("layered").doesNotContain("bucketing");
    }

    private static ChangeTracking.KeyBuckets now(long[] counts, String[] digests, long[] changedCounts, String[] changedDigests) {
        return new ChangeTracking.KeyBuckets(new ChangeTracking.Bucketing(4, 3), counts, digests, changedCounts, changedDigests);
    }

    @Test
    void theBucketsThatMayHaveLostKeysAreThoseWhoseKeysDifferOtherwiseThanByInsertedOnes() {
        ChangeTrack then = entity(2, List.of()).changes(); // counts 4, 0, 3, 3; digests -12, 0, 99, 7
        long[] none = {0, 0, 0, 0};
        String[] zero = {"0", "0", "0", "0"};
        assertThat(then.movedBuckets(now(new long[] {4, 0, 3, 3}, new String[] {"-12", "0", "99", "7"}, none, zero))).isEmpty();
        // updated rows only: the same keys
        assertThat(then.movedBuckets(now(new long[] {4, 0, 3, 3}, new String[] {"-12", "0", "99", "7"}, new long[] {2, 0, 1, 0},
                new String[] {"40", "0", "-3", "0"}))).isEmpty();
        // bucket 1 gained a key it has a changed row of (inserted); bucket 3 another that is no changed row's
        assertThat(then.movedBuckets(now(new long[] {4, 1, 3, 3}, new String[] {"-12", "5", "99", "8"}, new long[] {0, 1, 0, 0},
                new String[] {"0", "5", "0", "0"}))).containsExactly(3);
        // bucket 0 lost a key
        assertThat(then.movedBuckets(now(new long[] {3, 0, 3, 3}, new String[] {"-20", "0", "99", "7"}, none, zero))).containsExactly(0);
        // bucket 2: one insert and one delete, and a changed row: its count grew by less than its changed rows
        assertThat(then.movedBuckets(now(new long[] {4, 0, 3, 3}, new String[] {"-12", "0", "150", "7"}, new long[] {0, 0, 1, 0},
                new String[] {"0", "0", "60", "0"}))).containsExactly(2);
        // the count grew by its one changed row, but the digest not by that row's key: moved
        assertThat(then.movedBuckets(now(new long[] {4, 0, 4, 3}, new String[] {"-12", "0", "150", "7"}, new long[] {0, 0, 1, 0},
                new String[] {"0", "0", "50", "0"}))).containsExactly(2);
    }

    @Test
    void layersThatDoNotFollowTheirBaseAreRefusedBeforeAPartIsRead() {
        assertThat(entity(3, List.of(new ChangeTrack.ChangeLayer(1, 2, new int[] {0}))).partsProblem()).isNull();
        assertThat(entity(4, List.of(new ChangeTrack.ChangeLayer(1, -1, new int[0]), new ChangeTrack.ChangeLayer(2, 3, new int[] {2})))
                .partsProblem()).isNull();
        // a layer cannot be the base, nor name a part the entity does not have
        assertThat(entity(2, List.of(new ChangeTrack.ChangeLayer(0, 1, new int[] {0}))).partsProblem()).contains("does not follow");
        assertThat(entity(2, List.of(new ChangeTrack.ChangeLayer(1, 2, new int[] {0}))).partsProblem()).contains("does not follow");
        // keys without moved buckets, moved buckets without keys, a bucket the track does not have
        assertThat(entity(3, List.of(new ChangeTrack.ChangeLayer(1, 2, new int[0]))).partsProblem()).contains("does not follow");
        assertThat(entity(2, List.of(new ChangeTrack.ChangeLayer(1, -1, new int[] {2}))).partsProblem()).contains("does not follow");
        assertThat(entity(3, List.of(new ChangeTrack.ChangeLayer(1, 2, new int[] {4}))).partsProblem()).contains("bucket 4 of 4");
        // a part between two layers belongs to neither: the second layer must start right after the first
        assertThat(entity(4, List.of(new ChangeTrack.ChangeLayer(1, -1, new int[0]), new ChangeTrack.ChangeLayer(3, -1, new int[0])))
                .partsProblem()).contains("does not follow");
        // a base of several parts
        assertThat(entity(4, List.of(new ChangeTrack.ChangeLayer(3, -1, new int[0]))).partsProblem()).isNull();
        // a part after the last layer belongs to nothing
        assertThat(entity(4, List.of(new ChangeTrack.ChangeLayer(1, 2, new int[] {0}))).partsProblem()).contains("ends before its last part");
    }
}
