package cutover.cli;

import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Table;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreDeletionTest {
    private static Table table(String name) {
        return new Table(name, List.of(new Column("id", ColumnType.BIGINT, false)), List.of("id"), List.of(), false);
    }

    /** A row's children go before it, whatever order the plan lists the tables in; a cycle keeps the order given. */
    @Test
    void childrenAreDeletedBeforeTheirParents() {
        List<Table> tables = List.of(table("teams"), table("tasks"), table("members"), table("notes"));
        Map<String, Set<String>> parents = Map.of("members", Set.of("teams"), "tasks", Set.of("members", "teams"));
        assertThat(RestoreDeletion.childrenFirst(tables, parents)).extracting(Table::name).containsExactly("tasks", "members", "teams", "notes");
        Map<String, Set<String>> cycle = Map.of("a", Set.of("b"), "b", Set.of("a"), "c", Set.of("a"));
        assertThat(RestoreDeletion.childrenFirst(List.of(table("a"), table("b"), table("c")), cycle)).extracting(Table::name).containsExactly("c", "a", "b");
    }
}
