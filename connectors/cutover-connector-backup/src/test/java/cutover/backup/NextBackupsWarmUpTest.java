package cutover.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class NextBackupsWarmUpTest {
    @TempDir Path dir;

    /** The chunks a part's finish cuts from a rest of {@code length} bytes of {@code bytes}: all of them through the rest's cut. */
    private static long chunksAtFinish(ChunkerParams params, byte[] bytes, int length) {
        long[] chunks = {0};
        ChunkingStream stream = new ChunkingStream(new Chunker(params), (buffer, offset, n) -> chunks[0]++);
        stream.write(bytes, 0, length);
        stream.finish();
        return chunks[0];
    }

    @Test
    void itCutsTheRestsAsAPartsFinishDoesAndWritesNothing() throws IOException {
        Repository repo = Repository.init(dir.resolve("repo"), TestRepos.PASSPHRASE, TestRepos.FAST);
        Snapshot written = TestRepos.backup(repo, TestRepos.users(50, 1));
        List<Path> before = files(dir.resolve("repo"));

        long cut = NextBackupsWarmUp.run(written, ChunkerParams.DEFAULT);

        ChunkerParams coarse = ChunkerParams.DEFAULT.coarse();
        byte[] rest = new byte[coarse.max()];
        new SplittableRandom(1).nextBytes(rest);
        long expected = 0;
        for (int i = 0; i < NextBackupsWarmUp.RESTS; i++) expected += chunksAtFinish(coarse, rest, rest.length - i);
        assertThat(cut).isEqualTo(expected).isGreaterThan(NextBackupsWarmUp.RESTS); // rests of several chunks, not one each
        assertThat(files(dir.resolve("repo"))).isEqualTo(before);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.sorted().toList();
        }
    }
}
