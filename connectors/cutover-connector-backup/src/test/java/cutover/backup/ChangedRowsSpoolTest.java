package cutover.backup;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangedRowsSpoolTest {
    @Test
    void givesBackTheBytesInOrderAcrossBlocks() throws IOException {
        byte[] rows = new byte[(3 << 20) + 12345];
        new Random(7).nextBytes(rows);
        ChangedRowsSpool spool = new ChangedRowsSpool(rows.length);
        // writes of odd sizes, as a copy gives them, straddling the 1 MiB blocks
        for (int off = 0, step = 1; off < rows.length; off += step, step = step * 3 % 70_001 + 1) {
            spool.write(rows, off, Math.min(step, rows.length - off));
        }
        assertThat(spool.size()).isEqualTo(rows.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        spool.moveTo(out);
        assertThat(out.toByteArray()).isEqualTo(rows);
        assertThat(spool.size()).isZero();
    }

    @Test
    void refusesAWritePastItsLimitSoThatTheCopyStops() throws IOException {
        ChangedRowsSpool spool = new ChangedRowsSpool(10);
        spool.write(new byte[10], 0, 10);
        assertThatThrownBy(() -> spool.write('x')).isInstanceOf(IOException.class).hasMessageContaining("more than 10 bytes");
    }

    @Test
    void refusesAnyWriteOnceAbandoned() throws IOException {
        ChangedRowsSpool spool = new ChangedRowsSpool(1 << 20);
        spool.write(new byte[] {1, 2, 3}, 0, 3);
        spool.abandon();
        assertThatThrownBy(() -> spool.write(new byte[] {4}, 0, 1)).isInstanceOf(IOException.class).hasMessageContaining("not needed");
    }
}
