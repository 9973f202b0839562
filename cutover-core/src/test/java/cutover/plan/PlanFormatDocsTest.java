package cutover.plan;

import cutover.model.Table;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The example in docs/plan-format.md reads, checks clean and makes the tables the text says, and every name is documented. */
class PlanFormatDocsTest {
    private static String docs() throws Exception { return Files.readString(Path.of("..", "docs", "plan-format.md")); }

    @Test
    void theExampleWorksAsDescribed() throws Exception {
        String docs = docs();
        int start = docs.indexOf("```yaml\n") + "```yaml\n".length();
        String example = docs.substring(start, docs.indexOf("```", start));
        PlanFile file = PlanFile.parse(example, "plan-format.md");
        assertThat(PlanChecker.check(file, null, null)).isEmpty();
        List<Table> tables = PlanMapper.of(file.plan()).tables();
        assertThat(tables).extracting(Table::name).containsExactly("users", "users_tags", "posts");
        assertThat(tables.get(0).columns()).extracting(c -> c.name()).containsExactly("id", "display_name", "first_name", "age", "city");
        assertThat(tables.get(1).columns()).extracting(c -> c.name()).containsExactly("user_id", "index", "value");
        assertThat(tables.get(2).columns()).extracting(c -> c.name()).containsExactly("user_id", "id", "likes", "editor");
        assertThat(docs).contains("This makes three tables, parents first");
    }

    @Test
    void everyTypeTransformAndRuleIsDocumented() throws Exception {
        String docs = docs();
        for (String type : PlanTypes.names().split(", ")) assertThat(docs).contains("| `" + type + "` |");
        for (Transform t : Transform.values()) assertThat(docs).contains("| `" + t.yamlName() + "` |");
        for (ConflictRule r : ConflictRule.values()) assertThat(docs).contains("| `" + r.yamlName() + "` |");
    }
}
