package cutover.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's training run: the commands succeed quietly and leave nothing behind, in the temporary folder or the working one. */
class ClassDataTrainingTest {
    @Test
    void theTrainingRunLeavesNothingBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path journal = Path.of(".cutover", "journal.ndjson");
        long journalBefore = Files.exists(journal) ? Files.size(journal) : -1;
        java.util.Set<Path> before = trainingFolders(tmp); // a launcher training at the same time may have its own
        Path cache = Path.of(System.getenv().getOrDefault("CUTOVER_CACHE_DIR", "target/cutover-cache"));
        java.util.Set<Path> cachedBefore = children(cache);
        ClassDataTraining.main(new String[0]);
        assertThat(trainingFolders(tmp)).isSubsetOf(before);
        assertThat(children(cache)).isEqualTo(cachedBefore); // its repository's heads are not cached
        assertThat(System.getProperty("cutover.cacheDir")).isNull();
        assertThat(Files.exists(journal) ? Files.size(journal) : -1).isEqualTo(journalBefore);
    }

    private static java.util.Set<Path> children(Path folder) throws java.io.IOException {
        if (!Files.isDirectory(folder)) return java.util.Set.of();
        try (Stream<Path> all = Files.list(folder)) {
            return all.collect(java.util.stream.Collectors.toSet());
        }
    }

    private static java.util.Set<Path> trainingFolders(Path tmp) throws java.io.IOException {
        try (Stream<Path> all = Files.list(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith("cutover-cds-")).collect(java.util.stream.Collectors.toSet());
        }
    }
}
