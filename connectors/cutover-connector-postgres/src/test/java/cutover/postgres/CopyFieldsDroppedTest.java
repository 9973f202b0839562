package cutover.postgres;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CopyFieldsDroppedTest {
    @Test
    void theGeneratedFieldsOfEachLineAreLeftOutEscapesAndNullsKept() throws IOException {
        String text = "1\tfirst\t'a' 'b'\ta\\tb \\\\ c\\nd\t5\n2\t\\N\t\\N\t\t\\N\n";
        assertThat(dropped(text, Set.of(2, 4), List.of(text.length()))).isEqualTo("1\tfirst\ta\\tb \\\\ c\\nd\n2\t\\N\t\n");
        assertThat(dropped(text, Set.of(0), List.of(3, 1, 1, 7))).isEqualTo("first\t'a' 'b'\ta\\tb \\\\ c\\nd\t5\n\\N\t\\N\t\t\\N\n");
    }

    /** Whatever fields are dropped and however the text is cut into writes: each line is its kept fields, in order. */
    @Property(tries = 300)
    void anyCutOfTheTextGivesTheKeptFieldsOfEachLine(@ForAll("lines") List<List<String>> lines, @ForAll @Size(max = 4) Set<@IntRange(max = 5) Integer> drop,
                                                      @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 9) Integer> cuts) throws IOException {
        int fields = lines.isEmpty() ? 6 : lines.get(0).size();
        Set<Integer> dropped = new HashSet<>(drop);
        dropped.removeIf(i -> i >= fields);
        if (dropped.size() == fields) dropped.remove(0); // a line keeps at least one field
        StringBuilder text = new StringBuilder(), expected = new StringBuilder();
        for (List<String> line : lines) {
            text.append(String.join("\t", line)).append('\n');
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < line.size(); i++) if (!dropped.contains(i)) kept.add(line.get(i));
            expected.append(String.join("\t", kept)).append('\n');
        }
        assertThat(dropped(text.toString(), dropped, cuts)).isEqualTo(expected.toString());
    }

    @Provide
    Arbitrary<List<List<String>>> lines() {
        // values as COPY text writes them: no raw tab or newline, escapes and \N as they come
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().withChars("ab \\N'é").ofMaxLength(6), Arbitraries.just("\\N"), Arbitraries.just(""));
        return Arbitraries.integers().between(1, 6).flatMap(n -> value.list().ofSize(n).list().ofMaxSize(6));
    }

    private static String dropped(String text, Set<Integer> dropped, List<Integer> cuts) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CopyFieldsDropped stream = new CopyFieldsDropped(out, dropped)) {
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int n = i < cuts.size() ? Math.min(cuts.get(i), bytes.length - at) : bytes.length - at;
                stream.write(bytes, at, n);
                at += n;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
