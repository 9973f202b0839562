package cutover.postgres;

import cutover.connector.CopyShape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MomentCatalogTest {
    private final List<String> asked = new ArrayList<>();

    private Map<String, SourceTable> read(String only) {
        asked.add(only == null ? "all" : only);
        Map<String, SourceTable> out = new LinkedHashMap<>();
        for (String name : List.of("orders", "users")) {
            if (only == null || only.equals(name)) out.put(name, table(name));
        }
        return out;
    }

    private static SourceTable table(String name) {
        return new SourceTable(new TableName("public", name), List.of("id"), List.of("bigint"), List.of("id"), List.of(), 10, 8192, "16384");
    }

    @Test
    void eachQuestionIsAskedOnceWhileTheMomentIsHeld() {
        MomentCatalog catalog = new MomentCatalog();
        assertThat(catalog.tables("orders", this::read)).containsOnlyKeys("orders");
        assertThat(catalog.tables("orders", this::read)).containsOnlyKeys("orders");
        assertThat(catalog.tables(null, this::read)).containsOnlyKeys("orders", "users");
        assertThat(catalog.tables(null, this::read)).containsOnlyKeys("orders", "users");
        assertThat(asked).containsExactly("orders", "all");
    }

    @Test
    void oneTableIsTakenFromAllOnceAllWereRead() {
        MomentCatalog catalog = new MomentCatalog();
        catalog.tables(null, this::read);
        assertThat(catalog.tables("users", this::read)).containsOnlyKeys("users");
        assertThat(catalog.tables("gone", this::read)).isEmpty();
        assertThat(asked).containsExactly("all");
    }

    @Test
    void aShapeIsReadOncePerTable() {
        MomentCatalog catalog = new MomentCatalog();
        int[] reads = new int[1];
        Optional<CopyShape> none = Optional.empty();
        catalog.shape("orders", () -> { reads[0]++; return none; });
        catalog.shape("orders", () -> { reads[0]++; return none; });
        catalog.shape("users", () -> { reads[0]++; return none; });
        assertThat(reads[0]).isEqualTo(2);
    }

    @Test
    void whetherAKeysCollationsAreDeterministicIsReadOncePerTable() {
        MomentCatalog catalog = new MomentCatalog();
        int[] reads = new int[1];
        assertThat(catalog.deterministicKeys("tags", () -> { reads[0]++; return false; })).isFalse();
        assertThat(catalog.deterministicKeys("tags", () -> { reads[0]++; return true; })).as("the first answer stays").isFalse();
        assertThat(catalog.deterministicKeys("names", () -> { reads[0]++; return true; })).isTrue();
        assertThat(reads[0]).isEqualTo(2);
    }
}
