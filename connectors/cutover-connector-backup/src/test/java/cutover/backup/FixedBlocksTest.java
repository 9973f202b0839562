package cutover.backup;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FixedBlocksTest {
    /** Whatever the writes, the bytes come out in order, in blocks of the one size but for the last. */
    @Property(tries = 200)
    void writesOfAnySizeComeOutInFullBlocks(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 150_000) Integer> writes) throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream(), joined = new ByteArrayOutputStream();
        List<Integer> blocks = new ArrayList<>();
        OutputStream seen = new OutputStream() {
            @Override public void write(int b) { throw new AssertionError("bytes pass on in blocks"); }
            @Override public void write(byte[] b, int off, int len) {
                blocks.add(len);
                joined.write(b, off, len);
            }
        };
        FixedBlocks out = new FixedBlocks(seen);
        int next = 0;
        for (int size : writes) {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) bytes[i] = (byte) (next++ * 31);
            if (size == 1) out.write(bytes[0]);
            else out.write(bytes, 0, size);
            expected.write(bytes);
        }
        out.finish();
        assertThat(joined.toByteArray()).isEqualTo(expected.toByteArray());
        for (int i = 0; i < blocks.size() - 1; i++) assertThat(blocks.get(i)).isEqualTo(FixedBlocks.SIZE);
        if (!blocks.isEmpty()) assertThat(blocks.get(blocks.size() - 1)).isBetween(1, FixedBlocks.SIZE);
    }
}
