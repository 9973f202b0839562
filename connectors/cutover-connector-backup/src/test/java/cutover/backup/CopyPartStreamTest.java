package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Value;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A part of bulk text gets the same lines, rows and chunks however its bytes are cut into writes:
 * a full backup's rows come in blocks of the copy, a change layer's in blocks of its spool, and a
 * line may begin in one write and end several writes later.
 */
class CopyPartStreamTest {

    /** Every line the tally was given, as text. */
    static final class LinesSeen implements CopyTextFormat.KindTally {
        final List<String> lines = new ArrayList<>();

        @Override
        public void line(byte[] line, int offset, int length) {
            lines.add(new String(line, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public Map<String, EnumMap<Value.Kind, Long>> counts() { return Map.of(); }
    }

    record Written(List<String> lines, PartStream.Result result, List<Long> progress) {}

    @Property(tries = 40)
    void theLinesRowsAndChunksDoNotDependOnHowTheBytesWereCutIntoWrites(@ForAll long seed,
                                                                        @ForAll @IntRange(min = 0, max = 22_000) int lineCount,
                                                                        @ForAll @IntRange(min = 1, max = 5000) int largestWrite) throws IOException {
        List<String> lines = lines(seed, lineCount);
        byte[] text = joined(lines);
        Path dir = Files.createTempDirectory("cutover-copy-part");
        try {
            Repository repo = TestRepos.init(dir);
            Written oneLineAWrite = write(repo, lines.stream().map(l -> (l + "\n").getBytes(StandardCharsets.UTF_8)).toList());
            Written cutAnywhere = write(repo, cutAnywhere(text, new Random(seed), largestWrite));
            assertThat(oneLineAWrite.lines()).containsExactlyElementsOf(lines);
            assertThat(cutAnywhere.lines()).containsExactlyElementsOf(lines);
            assertThat(cutAnywhere.result().part()).isEqualTo(oneLineAWrite.result().part());
            assertThat(cutAnywhere.result().chunkIds()).isEqualTo(oneLineAWrite.result().chunkIds());
            assertThat(cutAnywhere.result().part().records()).isEqualTo(lineCount);
            assertThat(cutAnywhere.progress()).isEqualTo(oneLineAWrite.progress());
            List<Long> everyTenThousandThenAll = new ArrayList<>();
            for (long n = 10_000; n <= lineCount; n += 10_000) everyTenThousandThenAll.add(n);
            everyTenThousandThenAll.add((long) lineCount);
            assertThat(cutAnywhere.progress()).containsExactlyElementsOf(everyTenThousandThenAll);
        } finally {
            RoundTripPropertyTest.deleteTree(dir);
        }
    }

    @Test
    void rowsThatEndInsideALineAreRefused() throws IOException {
        Path dir = Files.createTempDirectory("cutover-copy-part");
        try (SnapshotWriter writer = TestRepos.init(dir).backup().source("memory:test").open()) {
            CopyPartStream part = new CopyPartStream(new Chunker(ChunkerParams.DEFAULT), writerStore(writer), new LinesSeen(), rows -> { });
            part.write("1\tone\n2\ttw".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(part::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("4 bytes after the last newline");
        } finally {
            RoundTripPropertyTest.deleteTree(dir);
        }
    }

    @Test
    void aSourceThatSaysOtherRowsThanItsLinesIsNamed() {
        assertThatThrownBy(() -> CopyPartStream.requireLines("public.users [1, 500)", 500, 499))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CHANGED))
                .hasMessageContaining("public.users [1, 500)").hasMessageContaining("500 rows").hasMessageContaining("499 lines");
    }

    private static Written write(Repository repo, List<byte[]> writes) {
        try (SnapshotWriter writer = repo.backup().source("memory:test").open()) {
            LinesSeen tally = new LinesSeen();
            List<Long> progress = new ArrayList<>();
            CopyPartStream part = new CopyPartStream(new Chunker(TestRepos.FAST.chunker()), writerStore(writer), tally, progress::add);
            for (byte[] w : writes) part.write(w, 0, w.length);
            return new Written(tally.lines, part.finish(), progress);
        }
    }

    private static ChunkStore writerStore(SnapshotWriter writer) {
        return writer.store();
    }

    /** Lines of tab-separated fields, some empty, some long enough to span several chunks and writes. */
    private static List<String> lines(long seed, int n) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = random.nextInt(200) == 0 ? random.nextInt(9000) : random.nextInt(80);
            StringBuilder line = new StringBuilder().append(i).append('\t');
            for (int k = 0; k < length; k++) line.append((char) ('a' + random.nextInt(26)));
            out.add(random.nextInt(50) == 0 ? "" : line.toString());
        }
        return out;
    }

    private static byte[] joined(List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String l : lines) out.writeBytes((l + "\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static List<byte[]> cutAnywhere(byte[] text, Random random, int largest) {
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < text.length; ) {
            int n = Math.min(text.length - at, random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(largest));
            out.add(java.util.Arrays.copyOfRange(text, at, at + n));
            at += n;
        }
        return out;
    }
}
