package cutover.backup;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkLengthsTest {
    private static String id(int n) {
        byte[] b = new byte[BlobId.BYTES];
        b[0] = (byte) n;
        return HexFormat.of().formatHex(b);
    }

    /** An index of one pack holding the chunks {@code ids} with the lengths {@code lengths}. */
    private static Index indexOf(List<String> ids, List<Integer> lengths) {
        List<IndexFile.Blob> blobs = new java.util.ArrayList<>();
        long offset = 0;
        for (int i = 0; i < ids.size(); i++) {
            blobs.add(new IndexFile.Blob(ids.get(i), offset, lengths.get(i), 2 * lengths.get(i)));
            offset += lengths.get(i);
        }
        Index index = new Index();
        index.add(BlobId.parse(id(200)), new IndexFile(IndexFile.VERSION, List.of(new IndexFile.Pack(id(100), blobs))), null);
        return index;
    }

    @Test
    void eachDistinctChunkIsCountedOnce() {
        Index index = indexOf(List.of(id(1), id(2), id(3)), List.of(10, 200, 3_000));
        assertThat(new ChunkLengths().storedBytes(List.of(id(1), id(2), id(1), id(3), id(2)), index)).isEqualTo(3_210);
    }

    @Test
    void aLaterSumTakesTheLengthsTheLastOneFoundAndLooksUpOnlyTheNewChunks() {
        ChunkLengths lengths = new ChunkLengths();
        assertThat(lengths.storedBytes(List.of(id(1), id(2)), indexOf(List.of(id(1), id(2)), List.of(10, 200)))).isEqualTo(210);
        // an index that no longer knows the first two (as if this one held only the new pack): their lengths come from the last sum
        Index onlyNew = indexOf(List.of(id(4)), List.of(40_000));
        assertThat(lengths.storedBytes(List.of(id(1), id(2), id(4)), onlyNew)).isEqualTo(40_210);
        // what the last sum did not refer to is no longer kept: chunk 1 is looked up again, in an index that has it
        assertThat(lengths.storedBytes(List.of(id(4)), onlyNew)).isEqualTo(40_000);
        assertThat(lengths.storedBytes(List.of(id(1), id(4)), indexOf(List.of(id(1), id(4)), List.of(11, 40_000)))).isEqualTo(40_011);
    }
}
