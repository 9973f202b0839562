package cutover.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Table;
import cutover.postgres.TableDefinition.Attribute;
import cutover.postgres.TableDefinition.CompositeType;
import cutover.postgres.TableDefinition.DefinedColumn;
import cutover.postgres.TableDefinition.DefinedConstraint;
import cutover.postgres.TableDefinition.DefinedIndex;
import cutover.postgres.TableDefinition.DefinedSequence;
import cutover.postgres.TableDefinition.EnumType;
import cutover.postgres.TableDefinition.Extension;
import cutover.postgres.TableDefinition.Partition;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A definition written field by field reads back as itself, and no field of the records is left out. */
class TableDefinitionTest {
    private static final TableDefinition FULL = new TableDefinition("books_pkey",
            List.of(new DefinedColumn("id", "bigint", true, null, "always", null),
                    new DefinedColumn("price", "numeric(10,2)", false, "0", null, null),
                    new DefinedColumn("code", "text", false, null, null, null, "\"C\""),
                    new DefinedColumn("total", "numeric", false, null, null, "(price * 2)")),
            List.of(new Extension("btree_gist", "public")), List.of(new EnumType("mood", List.of("happy", "it's"))),
            List.of(new DefinedSequence("books_id_seq", "id", DefinedSequence.IDENTITY, "bigint", 100, 5, 1, Long.MAX_VALUE, 1, false, 110L),
                    new DefinedSequence("shared", "code", DefinedSequence.DEFAULT, "integer", 1, -1, Integer.MIN_VALUE, -1, 20, true, null)),
            List.of(new DefinedConstraint("cheap", "check", "CHECK ((price < (1000)::numeric))")),
            List.of(new DefinedIndex("books_title", false, "USING btree (lower(title))")),
            true, true, List.of("loud"), List.of("mine"), List.of("r"), "RANGE (at)",
            List.of(new Partition("books_2024", "books", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", "LIST (kind)", null, null),
                    new Partition("books_2024_a", "books_2024", "FOR VALUES IN ('a')", null,
                            List.of(new DefinedConstraint("books_2024_a_recent", "check", "CHECK ((id > 100))")),
                            List.of(new DefinedIndex("books_2024_a_price", false, "USING btree (price)")), "FULL")), true,
            List.of(new TableDefinition.Domain("positive", "integer", true, "1",
                    List.of(new DefinedConstraint("positive_check", "check", "CHECK ((VALUE > 0))")))),
            List.of(new CompositeType("pair", List.of(new Attribute("a", "integer"), new Attribute("b", "character varying(10)", "\"C\""))),
                    new CompositeType("\"Odd Pair\"", List.of(new Attribute("Left Side", "pair[]"), new Attribute("m", "mood")))),
            List.of(new TableDefinition.RangeType("fr", "double precision", null, null, null, "float8mi", "fr_spans"),
                    new TableDefinition.RangeType("tr", "text", "text_pattern_ops", "\"C\"", "tr_canonical", null)), "USING INDEX books_title");

    private static Table table(TableDefinition d) {
        return new Table("books", List.of(new Column("id", ColumnType.BIGINT, false)), List.of("id"), List.of(), false).withDefinition(d.toNative());
    }

    @Test
    void readsBackAsItself() {
        assertThat(TableDefinition.of(table(FULL))).contains(FULL);
        TableDefinition bare = new TableDefinition(null, List.of(new DefinedColumn("id", "text", true, null, null, null)), List.of(), List.of(),
                List.of(), List.of(), List.of(), false, false, List.of(), List.of(), List.of(), null, null);
        assertThat(TableDefinition.of(table(bare))).contains(bare);
        assertThat(bare.partitions()).isEmpty(); // a manifest from before partitions were stored
        assertThat(bare.domains()).isEmpty(); // nor domains and composite types, also left out when none
        assertThat(bare.composites()).isEmpty();
        assertThat(bare.toNative().body().has("composites")).isFalse();
        assertThat(bare.ranges()).isEmpty(); // nor range types
        assertThat(bare.toNative().body().has("ranges")).isFalse();
        assertThat(FULL.partitions().get(0).indexes()).isEmpty(); // nor their own constraints and indexes, left out when none
        assertThat(FULL.toNative().body().get("partitions").get(0).has("indexes")).isFalse();
    }

    /**
     * A definition written before composite types were kept (nor domains: no field for either) reads
     * with none; one with them reads them as docs/backup-format.md writes them, attributes in order.
     */
    @Test
    void compositeTypesAreOptionalAndReadAsDocumented() throws Exception {
        String before = "{\"primaryKeyName\": \"t_pkey\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\", \"notNull\": true},"
                + " {\"name\": \"p\", \"type\": \"text\", \"notNull\": false}], \"extensions\": [], \"enums\": [], \"sequences\": [],"
                + " \"constraints\": [], \"indexes\": [], \"rowLevelSecurity\": false, \"forceRowLevelSecurity\": false, \"triggers\": [],"
                + " \"policies\": [], \"rules\": []}";
        TableDefinition old = TableDefinition.of(withBody(before)).orElseThrow();
        assertThat(old.composites()).isEmpty();
        assertThat(old.domains()).isEmpty();
        String with = before.replace("\"text\"", "\"pair\"").replace("\"enums\": []", "\"enums\": [{\"name\": \"mood\", \"labels\": [\"happy\"]}],"
                + " \"composites\": [{\"name\": \"pair\", \"attributes\": [{\"name\": \"a\", \"type\": \"integer\"}, {\"name\": \"m\", \"type\": \"mood[]\"}]}]");
        TableDefinition read = TableDefinition.of(withBody(with)).orElseThrow();
        assertThat(read.composites()).containsExactly(new CompositeType("pair", List.of(new Attribute("a", "integer"), new Attribute("m", "mood[]"))));
        assertThat(TableDefinition.of(table(read))).contains(read);
    }

    private static Table withBody(String json) throws Exception {
        return new Table("t", List.of(new Column("id", ColumnType.BIGINT, false)), List.of("id"), List.of(), false)
                .withDefinition(new cutover.model.NativeDefinition(TableDefinition.FORMAT, new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)));
    }

    @Test
    void everyComponentIsWritten() {
        assertEveryComponent(TableDefinition.class, List.of(FULL.toNative().body()));
    }

    /** Each record component of {@code type} is a field of one of {@code nodes} at least (optional ones are left out when null), and so on down. */
    private static void assertEveryComponent(Class<?> type, List<JsonNode> nodes) {
        for (RecordComponent c : type.getRecordComponents()) {
            List<JsonNode> values = nodes.stream().filter(n -> n.has(c.getName())).map(n -> n.get(c.getName())).toList();
            assertThat(values).as("%s.%s written", type.getSimpleName(), c.getName()).isNotEmpty();
            if (c.getType() == List.class && c.getGenericType() instanceof java.lang.reflect.ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
                List<JsonNode> elements = new java.util.ArrayList<>();
                values.forEach(v -> v.forEach(elements::add));
                assertEveryComponent(element, elements);
            }
        }
    }
}
