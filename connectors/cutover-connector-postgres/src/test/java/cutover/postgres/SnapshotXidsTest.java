package cutover.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotXidsTest {

    @Test
    void aSnapshotSeesWhatCommittedBeforeItAndNothingRunningOrLater() {
        SnapshotXids s = SnapshotXids.parse("100:105:100,103");
        assertThat(s.sees(99)).isTrue();
        assertThat(s.sees(100)).as("running").isFalse();
        assertThat(s.sees(101)).isTrue();
        assertThat(s.sees(103)).as("running").isFalse();
        assertThat(s.sees(104)).isTrue();
        assertThat(s.sees(105)).as("begun after").isFalse();
        assertThat(s.sees(200)).as("begun after").isFalse();
        assertThat(SnapshotXids.parse("7:7:").sees(6)).isTrue();
    }

    @Test
    void thirtyTwoBitIdsArePlacedInTheEpochNearestTheSnapshot() {
        long epoch = 3L << 32;
        SnapshotXids justAfterWrap = SnapshotXids.parse((epoch + 5) + ":" + (epoch + 10) + ":" + (epoch + 5));
        assertThat(justAfterWrap.sees(0xFFFF_FFF0)).as("the epoch before").isTrue();
        assertThat(justAfterWrap.sees(5)).as("running").isFalse();
        assertThat(justAfterWrap.sees(8)).isTrue();
        assertThat(justAfterWrap.sees(12)).isFalse();
        SnapshotXids justBeforeWrap = SnapshotXids.parse((epoch - 20) + ":" + (epoch - 10) + ":");
        assertThat(justBeforeWrap.sees(0xFFFF_FFE0)).as("2^32 - 32, before xmax").isTrue();
        assertThat(justBeforeWrap.sees(3)).as("the next epoch's: begun after").isFalse();
    }
}
