package cutover.error;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error code is documented with its real exit code, so docs/errors.md cannot drift from the code. */
class ErrorCodeDocsTest {
    @Test
    void everyCodeIsDocumentedWithItsExitCode() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "errors.md"));
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(docs).as("docs/errors.md row for %s", code)
                    .contains("| `" + code.name() + "` | " + code.exitCode() + " | " + (code.retryable() ? "yes" : "no") + " |");
        }
    }
}
