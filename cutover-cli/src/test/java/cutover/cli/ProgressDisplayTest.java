package cutover.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress printed as plain lines (no terminal): one line per report naming each entity, none when nothing is being read. */
class ProgressDisplayTest {
    @Test
    void aLineNamesEachEntityWithItsCount() {
        Map<String, ProgressDisplay.Line> lines = new TreeMap<>(Map.of("users", new ProgressDisplay.Line(5, 10), "posts", new ProgressDisplay.Line(7, -1)));
        assertThat(printedAtClose(lines)).isEqualTo("progress: posts 7, users 5/10\n");
    }

    @Test
    void nothingReadPrintsNoLine() {
        // a backup whose every table was unchanged reads nothing: it printed an empty "progress: " line
        assertThat(printedAtClose(Map.of())).isEmpty();
    }

    private static String printedAtClose(Map<String, ProgressDisplay.Line> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ProgressDisplay display = new ProgressDisplay(() -> lines, "records", false, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            // closed at once: the plain display prints its last line then
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
