package cutover.postgres;

import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.RowText;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsWrittenColumnsTest {
    private static final Table TABLE = new Table("t", List.of(new Column("id", ColumnType.BIGINT, false), new Column("j", ColumnType.JSON, true),
            new Column("note", ColumnType.TEXT, true)), List.of("id"), List.of(), false);

    private static Record row(RowText text) {
        return new Record(EntityName.of("t"), Key.of(Value.of(1L)), Map.of("id", Value.of(1L)), null, text);
    }

    /** A field ends at each tab byte; a tab in a value is written \t, an empty text and \N are fields too. */
    @Test
    void aLinesFieldsEndAtItsTabs() {
        byte[] line = "1\t{\"a\":\\t 1}\t\t\\N".getBytes(StandardCharsets.UTF_8);
        int[] bounds = AsWrittenColumns.bounds(line, 4);
        List<String> fields = new java.util.ArrayList<>();
        for (int f = 0; f < 4; f++) fields.add(new String(line, bounds[2 * f], bounds[2 * f + 1] - bounds[2 * f], StandardCharsets.UTF_8));
        assertThat(fields).containsExactly("1", "{\"a\":\\t 1}", "", "\\N");
        assertThatThrownBy(() -> AsWrittenColumns.bounds(line, 5)).hasMessageContaining("4 fields");
    }

    /** Only the columns of their definition's type take the line's text, found in the line by name; another format's line is not taken. */
    @Test
    void theColumnsOfTheirDefinitionsTypeTakeTheLinesFieldsByName() {
        AsWrittenColumns columns = new AsWrittenColumns(TABLE, Set.of("id", "j"));
        RowText reordered = new RowText(PgCopyText.NAME, List.of("j", "note", "id"), "{}\tx\t1".getBytes(StandardCharsets.UTF_8));
        assertThat(columns.fields(row(reordered))).containsExactly(2, 0, -1);
        assertThat(columns.fields(row(null))).isNull();
        assertThat(columns.fields(row(new RowText("mysql/tsv/1", List.of("id", "j", "note"), "1\t{}\tx".getBytes(StandardCharsets.UTF_8))))).isNull();
        assertThat(new AsWrittenColumns(TABLE, Set.of()).fields(row(reordered))).isNull();
        // a column the line lacks is encoded from its value
        assertThat(columns.fields(row(new RowText(PgCopyText.NAME, List.of("id"), "1".getBytes(StandardCharsets.UTF_8))))).containsExactly(0, -1, -1);
    }
}
