package cutover.backup;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before the repository writes bytes to a file, so a test can make the disk run full at a
 * chosen point with the same IOException the file system would throw; the write paths and their
 * clean-up are the real ones. {@link #NONE} in every real run.
 */
@FunctionalInterface
public interface WriteGuard {
    WriteGuard NONE = (file, bytes) -> {};

    void beforeWrite(Path file, long bytes) throws IOException;
}
