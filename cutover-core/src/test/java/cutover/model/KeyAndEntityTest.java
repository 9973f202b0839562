package cutover.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyAndEntityTest {
    @Test
    void documentPathsGiveEntityAndKey() {
        assertThat(EntityName.ofDocumentPath("posts/p1/comments/c1")).isEqualTo(EntityName.of("posts/*/comments"));
        assertThat(Key.ofDocumentPath("posts/p1/comments/c1")).isEqualTo(Key.of("p1", "c1"));
        assertThat(Key.of("p1", "c1").documentPath(EntityName.of("posts/*/comments"))).isEqualTo("posts/p1/comments/c1");
        assertThat(EntityName.of("posts/*/comments").parent()).contains(EntityName.of("posts"));
        assertThat(EntityName.of("a/*/b/*/c").collectionIds()).containsExactly("a", "b", "c");
        assertThat(EntityName.of("public.orders").leaf()).isEqualTo("orders");
        assertThat(EntityName.of("users").child("posts")).isEqualTo(EntityName.of("users/*/posts"));
        assertThatThrownBy(() -> Key.ofDocumentPath("users")).hasMessageContaining("not a document path");
    }

    @Test
    void textOrdersByCodePointNotUtf16() {
        // U+FF61 sorts before U+1F680 by code point, but after it in UTF-16 (surrogates are D800-DFFF).
        assertThat(Value.of("\uFF61").compareTo(Value.of("🚀"))).isNegative();
        assertThat(Key.of("B").compareTo(Key.of("a"))).isNegative();
    }

    @Test
    void numbersOrderAcrossKinds() {
        assertThat(Value.of(Double.NaN).compareTo(Value.of(Long.MIN_VALUE))).isNegative();
        assertThat(Value.of(2L).compareTo(Value.of(2.5))).isNegative();
        assertThat(Value.of(9007199254740993L).compareTo(Value.of(9007199254740992.0))).isPositive();
    }
}
