package cutover.postgres;

import cutover.model.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Array text forms as PostgreSQL prints them; the server's own output is checked against the driver in {@code CopyTextIT}. */
class PgArrayTextTest {
    private static Value text(String literal) {
        return PgArrayText.parse(literal, "text", Value::of);
    }

    private static Value.Array array(Value... values) {
        return new Value.Array(List.of(values));
    }

    @Test
    void quotedElementsKeepWhatUnquotedOnesCannotHold() {
        assertThat(text("{a,\"b c\",NULL,\"NULL\",\"\",\"q\\\"x\",\"back\\\\slash\",\"{}\"}")).isEqualTo(array(Value.of("a"), Value.of("b c"),
                Value.NULL, Value.of("NULL"), Value.of(""), Value.of("q\"x"), Value.of("back\\slash"), Value.of("{}")));
        assertThat(text("{}")).isEqualTo(array());
        assertThat(text("{null}")).isEqualTo(array(Value.NULL));
    }

    @Test
    void dimensionsNestAndBoundsAreDropped() {
        assertThat(text("{{1,2},{3,NULL}}")).isEqualTo(array(array(Value.of("1"), Value.of("2")), array(Value.of("3"), Value.NULL)));
        assertThat(text("[0:1]={7,8}")).isEqualTo(array(Value.of("7"), Value.of("8")));
    }

    @Test
    void boxesAreSeparatedBySemicolons() {
        assertThat(PgArrayText.parse("{(1,1),(0,0);(2,2),(1,1)}", "box", Value::of)).isEqualTo(array(Value.of("(1,1),(0,0)"), Value.of("(2,2),(1,1)")));
    }

    @Test
    void malformedTextSaysWhatAndWhere() {
        assertThatThrownBy(() -> text("{a,b")).hasMessageContaining("ends early");
        assertThatThrownBy(() -> text("{a}x")).hasMessageContaining("text after the array's closing brace");
        assertThatThrownBy(() -> text("{a,,b}")).hasMessageContaining("empty unquoted element");
        assertThatThrownBy(() -> text("a,b")).hasMessageContaining("'{' expected").hasMessageContaining("of a,b");
    }
}
