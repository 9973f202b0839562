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

    /** The chunks the rest's cut ({@link Chunker#cutLast}) makes of {@code length} bytes of {@code bytes}, called directly. */
    private static long chunksOfRest(ChunkerParams params, byte[] bytes, int length) {
        Chunker chunker = new Chunker(params);
        long chunks = 0;
        for (int start = 0; length > 0; chunks++) {
            int n = length <= params.min() ? length : chunker.cutLast(bytes, start, length);
            start += n;
            length -= n;
        }
        return chunks;
    }

    @Test
    void itCutsItsRestsWithTheRestsCutAndWritesNothing() throws IOException {
        Repository repo = Repository.init(dir.resolve("repo"), TestRepos.PASSPHRASE, TestRepos.FAST);
        Snapshot written = TestRepos.backup(repo, TestRepos.users(50, 1));
        List<Path> before = files(dir.resolve("repo"));

        long cut = NextBackupsWarmUp.run(written, ChunkerParams.DEFAULT);

        ChunkerParams coarse = ChunkerParams.DEFAULT.coarse();
        byte[] rest = new byte[coarse.max() - 1];
        new SplittableRandom(1).nextBytes(rest);
        long expected = 0;
        for (int i = 0; i < NextBackupsWarmUp.RESTS; i++) expected += chunksOfRest(coarse, rest, rest.length - i);
        assertThat(cut).isEqualTo(expected).isGreaterThan(NextBackupsWarmUp.RESTS); // rests of several chunks, not one each
        assertThat(files(dir.resolve("repo"))).isEqualTo(before);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.sorted().toList();
        }
    }
}
