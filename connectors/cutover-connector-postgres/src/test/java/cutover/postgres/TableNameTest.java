package cutover.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A sentence naming a schema object quotes a name only where it is not a plain one, as quote_ident does: a space, a capital, a quote. */
class TableNameTest {
    @Test
    void aNameIsShownQuotedWhereItIsNotPlain() {
        assertThat(TableName.shown("posts_touch")).isEqualTo("posts_touch");
        assertThat(TableName.shown("Settings")).isEqualTo("\"Settings\"");
        assertThat(TableName.shown("my trigger on posts")).isEqualTo("\"my trigger on posts\"");
        assertThat(TableName.shown("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(TableName.shown("1st")).isEqualTo("\"1st\"");
    }
}
