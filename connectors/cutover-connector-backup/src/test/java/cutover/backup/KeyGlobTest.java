package cutover.backup;

import cutover.model.Key;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyGlobTest {
    @Test
    void aStarMatchesAnyCharactersAndTheWholeKeyMustMatch() {
        KeyGlob g = KeyGlob.of("u_1*");
        assertThat(g.matches(Key.of("u_1"))).isTrue();
        assertThat(g.matches(Key.of("u_17"))).isTrue();
        assertThat(g.matches(Key.of("u_17", "p3"))).as("a subcollection's document under a matching parent").isTrue();
        assertThat(g.matches(Key.of("u_2"))).isFalse();
        assertThat(g.matches(Key.of("xu_1"))).isFalse();
    }

    @Test
    void aQuestionMarkIsOneCharacterAndRegexCharactersAreLiteral() {
        KeyGlob g = KeyGlob.of("a.?");
        assertThat(g.matches("a.b")).isTrue();
        assertThat(g.matches("axb")).as("the dot is a dot").isFalse();
        assertThat(g.matches("a.bc")).isFalse();
        assertThat(KeyGlob.of("(x)+").matches("(x)+")).isTrue();
    }
}
