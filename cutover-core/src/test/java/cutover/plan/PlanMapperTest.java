package cutover.plan;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.migrate.RowMapper;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.ForeignKey;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanMapperTest {
    private static ColumnMapping col(String name, String field, String type) { return ColumnMapping.of(name, field, type, true); }

    private static ColumnMapping col(String name, String field, String type, String transform, String rule) {
        return new ColumnMapping(name, List.of(field), type, true, null, transform, rule, null, null);
    }

    private static EntityMapping users(List<ColumnMapping> columns, String rule) {
        return new EntityMapping("users", "users", false, List.of("id"), rule, null, List.of(), columns, List.of());
    }

    private static Plan plan(EntityMapping... entities) {
        return new Plan(1, "s", "t", Plan.Options.DEFAULTS, false, false, List.of(entities));
    }

    private static Record user(String id, Map<String, Value> fields) {
        return new Record(EntityName.of("users"), Key.of(id), fields, "v1");
    }

    private static Map<String, Value> fields(Object... nameValue) {
        Map<String, Value> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], (Value) nameValue[i + 1]);
        return m;
    }

    private static Record onlyRow(RowMapper.Mapped m) {
        assertThat(m).isInstanceOf(RowMapper.Rows.class);
        List<Record> rows = ((RowMapper.Rows) m).rows();
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static RecordError failure(RowMapper.Mapped m) {
        assertThat(m).isInstanceOf(RowMapper.Failed.class);
        return ((RowMapper.Failed) m).error();
    }

    /** A table keyed by the whole document path, or by the source table's own key as it is, cannot hold two records in one row. */
    @Test
    void tellsWhichTablesKeysTheSourceDoesNotMakeUnique() {
        EntityMapping posts = new EntityMapping("users/*/posts", "posts", false, List.of("user_id", "id"), "widen", null, List.of(),
                List.of(col("title", "title", "text")), List.of());
        EntityMapping postsById = new EntityMapping("users/*/posts", "posts", false, List.of("id"), "widen", null, List.of(),
                List.of(col("title", "title", "text")), List.of());
        EntityMapping byEmail = new EntityMapping("users", "users", false, List.of("email"), "widen", null, List.of(),
                List.of(col("email", "email", "text", "lowercase", null)), List.of());
        java.util.function.Function<EntityName, List<String>> documents = e -> List.of();
        java.util.function.Predicate<EntityName> keptApart = e -> false;

        assertThat(PlanMapper.of(plan(users(List.of(col("age", "age", "bigint")), "widen"), posts)).tablesWithDerivedKeys(documents, keptApart)).isEmpty();
        assertThat(PlanMapper.of(plan(postsById)).tablesWithDerivedKeys(documents, keptApart)).containsExactly("posts"); // a post id is unique per user only
        assertThat(PlanMapper.of(plan(byEmail)).tablesWithDerivedKeys(documents, keptApart)).containsExactly("users");

        // tables of a database: keyed by its primary key column as it is, or by something made of it
        java.util.function.Function<EntityName, List<String>> keyedById = e -> List.of("id");
        assertThat(PlanMapper.of(plan(users(List.of(col("id", "id", "bigint")), "widen"))).tablesWithDerivedKeys(keyedById, keptApart)).isEmpty();
        assertThat(PlanMapper.of(plan(users(List.of(col("id", "id", "text", "trim", null)), "widen"))).tablesWithDerivedKeys(keyedById, keptApart))
                .containsExactly("users");
        assertThat(PlanMapper.of(plan(users(List.of(col("id", "id", "bigint")), "coerce"))).tablesWithDerivedKeys(keyedById, keptApart))
                .containsExactly("users"); // "01" and "1" parse to one number
        assertThat(PlanMapper.of(plan(users(List.of(col("id", "legacy_id", "bigint")), "widen"))).tablesWithDerivedKeys(keyedById, keptApart))
                .containsExactly("users");
        assertThat(PlanMapper.of(plan(byEmail)).tablesWithDerivedKeys(keyedById, keptApart)).containsExactly("users");
        // a source whose own keys may repeat (a folder of exports): its tables are guarded, keyed as it is or not
        assertThat(PlanMapper.of(plan(users(List.of(col("id", "id", "bigint")), "widen"))).tablesWithDerivedKeys(keyedById, e -> true))
                .containsExactly("users");
    }

    /** A row read from its source's line carries it on where the plan copies it column for column, and only there. */
    @Test
    void aRowCarriesItsSourceLineOnlyWhereThePlanCopiesItAsItIs() {
        cutover.model.RowText line = new cutover.model.RowText("postgresql/copy-text/1", List.of("id", "name"), "7\t{\"a\":  1}".getBytes());
        Record source = new Record(EntityName.of("users"), Key.of(Value.of(7L)), fields("id", Value.of(7L), "name", Value.of("{\"a\": 1}")), null, line);
        PlanMapper asItIs = PlanMapper.of(plan(users(List.of(col("id", "id", "bigint"), col("name", "name", "text")), "widen")));
        assertThat(onlyRow(asItIs.map(source)).asWritten()).isSameAs(line);
        assertThat(onlyRow(asItIs.map(source.withAsWritten(null))).asWritten()).isNull();
        PlanMapper renamed = PlanMapper.of(plan(users(List.of(col("id", "id", "bigint"), col("full_name", "name", "text")), "widen")));
        assertThat(onlyRow(renamed.map(source)).asWritten()).isNull();
        PlanMapper transformed = PlanMapper.of(plan(users(List.of(col("id", "id", "bigint"), col("name", "name", "text", "trim", null)), "widen")));
        assertThat(onlyRow(transformed.map(source)).asWritten()).isNull();
        assertThat(onlyRow(transformed.map(source))).as("equal without the line").isEqualTo(onlyRow(asItIs.map(source)));
    }

    @Test
    void aDocumentBecomesARowKeyedByItsId() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("name", "name", "text"),
                new ColumnMapping("city", List.of("address", "city"), "text", true, null, null, null, null, null)), "dead-letter")));
        Record row = onlyRow(mapper.map(user("u1", fields("name", Value.of("Ada"),
                "address", new Value.MapValue(Map.of("city", Value.of("London"))), "ignored", Value.of(1)))));
        assertThat(row.entity()).isEqualTo(EntityName.of("users"));
        assertThat(row.key()).isEqualTo(Key.of("u1"));
        assertThat(row.fields()).containsExactly(Map.entry("id", Value.of("u1")), Map.entry("name", Value.of("Ada")),
                Map.entry("city", Value.of("London")));
        assertThat(row.version()).isEqualTo("v1");
        // a missing nested map or field is NULL in a nullable column
        assertThat(onlyRow(mapper.map(user("u2", fields()))).fields().get("city")).isEqualTo(Value.NULL);
    }

    @Test
    void entitiesNotInThePlanOrSkippedAreSkippedWithAReason() {
        EntityMapping skipped = new EntityMapping("logs", "logs", true, List.of("id"), "widen", null, List.of(), List.of(), List.of());
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(), "widen"), skipped));
        RowMapper.Mapped logs = mapper.map(new Record(EntityName.of("logs"), Key.of("l1"), Map.of()));
        assertThat(logs).isEqualTo(new RowMapper.Skipped("the plan skips logs (skip: true)"));
        RowMapper.Mapped other = mapper.map(new Record(EntityName.of("carts"), Key.of("c1"), Map.of()));
        assertThat(((RowMapper.Skipped) other).why()).contains("no mapping for carts");
        assertThat(mapper.tables()).extracting(Table::name).containsExactly("users");
    }

    @Test
    void numbersWidenLosslesslyUnderEveryRule() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("d", "d", "double"), col("n", "n", "numeric"),
                col("f", "f", "numeric")), "dead-letter")));
        Record row = onlyRow(mapper.map(user("u", fields("d", Value.of(3L), "n", Value.of(5L), "f", Value.of(1.5)))));
        assertThat(row.fields().get("d")).isEqualTo(Value.of(3.0));
        assertThat(row.fields().get("n")).isEqualTo(Value.of(BigDecimal.valueOf(5)));
        assertThat(row.fields().get("f")).isEqualTo(Value.of(new BigDecimal("1.5")));
        // an int a double cannot hold exactly is a mismatch unless coerced
        RecordError e = failure(mapper.map(user("u", fields("d", Value.of((1L << 53) + 1)))));
        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
    }

    @Test
    void deadLetterRuleRefusesOtherKindsNamingFieldKindAndType() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("age", "age", "bigint")), "dead-letter")));
        RecordError e = failure(mapper.map(user("u", fields("age", Value.of("42")))));
        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
        assertThat(e.field()).isEqualTo("age");
        assertThat(e.reason()).isEqualTo("field age: found text \"42\", expected bigint (rule dead-letter)");
    }

    @Test
    void coerceParsesTextAndWholeNumbers() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("age", "age", "bigint"), col("ok", "ok", "boolean"),
                col("at", "at", "timestamptz"), col("day", "day", "date"), col("label", "label", "text")), "coerce")));
        Record row = onlyRow(mapper.map(user("u", fields("age", Value.of(" 42 "), "ok", Value.of("TRUE"),
                "at", Value.of("2024-01-31T10:00:00Z"), "day", Value.of(Instant.parse("2024-02-01T23:00:00Z")), "label", Value.of(7L)))));
        assertThat(row.fields()).containsEntry("age", Value.of(42L)).containsEntry("ok", Value.of(true))
                .containsEntry("at", Value.of(Instant.parse("2024-01-31T10:00:00Z")))
                .containsEntry("day", Value.of(LocalDate.of(2024, 2, 1))).containsEntry("label", Value.of("7"));
        assertThat(onlyRow(mapper.map(user("u", fields("age", Value.of(12.0))))).fields().get("age")).isEqualTo(Value.of(12L));
        RecordError e = failure(mapper.map(user("u", fields("age", Value.of("forty")))));
        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
        assertThat(e.reason()).contains("found text \"forty\", expected bigint (rule coerce");
        assertThat(failure(mapper.map(user("u", fields("age", Value.of(12.5))))).code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
    }

    @Test
    void widenTurnsAnythingIntoTextButNothingElse() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("age", "age", "text"), col("n", "n", "bigint")), "widen")));
        assertThat(onlyRow(mapper.map(user("u", fields("age", Value.of(92L))))).fields().get("age")).isEqualTo(Value.of("92"));
        assertThat(onlyRow(mapper.map(user("u", fields("age", new Value.Array(List.of(Value.of(1L), Value.of("a")))))))
                .fields().get("age")).isEqualTo(Value.of("[1,\"a\"]"));
        assertThat(onlyRow(mapper.map(user("u", fields("age", Value.of(Instant.parse("2024-01-31T10:00:00Z"))))))
                .fields().get("age")).isEqualTo(Value.of("2024-01-31T10:00:00Z"));
        RecordError e = failure(mapper.map(user("u", fields("n", Value.of("1")))));
        assertThat(e.reason()).isEqualTo("field n: found text \"1\", expected bigint (rule widen: only a text column widens)");
    }

    @Test
    void aColumnRuleOverridesTheEntityRule() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("age", "age", "bigint", null, "coerce")), "dead-letter")));
        assertThat(onlyRow(mapper.map(user("u", fields("age", Value.of("5"))))).fields().get("age")).isEqualTo(Value.of(5L));
    }

    @Test
    void jsonbTakesAnyValue() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(col("meta", "meta", "jsonb")), "dead-letter")));
        Value map = new Value.MapValue(Map.of("a", new Value.Reference("users/u2")));
        assertThat(onlyRow(mapper.map(user("u", fields("meta", map)))).fields().get("meta")).isEqualTo(map);
        assertThat(onlyRow(mapper.map(user("u", fields("meta", Value.of("x"))))).fields().get("meta")).isEqualTo(Value.of("x"));
    }

    @Test
    void transforms() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(
                col("email", "email", "text", "lowercase", null),
                col("code", "code", "text", "trim", null),
                col("first_name", "fullName", "text", "split_full_name_first", null),
                col("last_name", "fullName", "text", "split_full_name_last", null),
                col("seen", "seen", "timestamptz", "epoch_seconds_to_timestamptz", null),
                col("clicked", "clicked", "timestamptz", "epoch_millis_to_timestamptz", null),
                col("born", "born", "timestamptz", "iso_text_to_timestamptz", null),
                col("tags", "tags", "text", "to_json", null),
                col("owner", "owner", "text", "to_text", null)), "dead-letter")));
        Record row = onlyRow(mapper.map(user("u", fields("email", Value.of("Ada@Example.COM"), "code", Value.of("  x1 "),
                "fullName", Value.of(" Ada  King Lovelace "), "seen", Value.of(1_700_000_000L), "clicked", Value.of(1_700_000_000_123L),
                "born", Value.of("1815-12-10"), "tags", new Value.Array(List.of(Value.of("a"))), "owner", new Value.Reference("users/u9")))));
        assertThat(row.fields()).containsEntry("email", Value.of("ada@example.com")).containsEntry("code", Value.of("x1"))
                .containsEntry("first_name", Value.of("Ada")).containsEntry("last_name", Value.of("King Lovelace"))
                .containsEntry("seen", Value.of(Instant.ofEpochSecond(1_700_000_000L)))
                .containsEntry("clicked", Value.of(Instant.ofEpochMilli(1_700_000_000_123L)))
                .containsEntry("born", Value.of(Instant.parse("1815-12-10T00:00:00Z")))
                .containsEntry("tags", Value.of("[\"a\"]")).containsEntry("owner", Value.of("users/u9"));
        Record oneWord = onlyRow(mapper.map(user("u", fields("fullName", Value.of("Cher")))));
        assertThat(oneWord.fields()).containsEntry("first_name", Value.of("Cher")).containsEntry("last_name", Value.NULL);
        assertThat(onlyRow(mapper.map(user("u", fields("seen", Value.of(1.5))))).fields().get("seen"))
                .isEqualTo(Value.of(Instant.ofEpochSecond(1, 500_000_000)));
        assertThat(onlyRow(mapper.map(user("u", fields("born", Value.of("2024-01-31T12:00:00+02:00"))))).fields().get("born"))
                .isEqualTo(Value.of(Instant.parse("2024-01-31T10:00:00Z")));

        RecordError bad = failure(mapper.map(user("u", fields("email", Value.of(3L)))));
        assertThat(bad.code()).isEqualTo(ErrorCode.RECORD_TRANSFORM_FAILED);
        assertThat(bad.reason()).isEqualTo("field email: transform lowercase takes text, found int64 3");
        assertThat(failure(mapper.map(user("u", fields("born", Value.of("soon"))))).code()).isEqualTo(ErrorCode.RECORD_TRANSFORM_FAILED);
        assertThat(failure(mapper.map(user("u", fields("seen", Value.of(Long.MAX_VALUE))))).code())
                .isEqualTo(ErrorCode.RECORD_VALUE_OUT_OF_RANGE);
    }

    @Test
    void missingRequiredFieldsAndDefaults() {
        PlanMapper mapper = PlanMapper.of(plan(users(List.of(
                new ColumnMapping("email", List.of("email"), "text", false, null, null, null, null, null),
                new ColumnMapping("score", List.of("score"), "bigint", false, "0", null, null, null, null),
                new ColumnMapping("prefs", List.of("prefs"), "jsonb", true, "{\"dark\": true}", null, null, null, null)), "dead-letter")));
        RecordError e = failure(mapper.map(user("u", fields())));
        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_MISSING_REQUIRED);
        assertThat(e.field()).isEqualTo("email");
        assertThat(e.reason()).isEqualTo("field email is missing, and column email is not nullable and has no default");
        assertThat(failure(mapper.map(user("u", fields("email", Value.NULL)))).reason()).startsWith("field email is null");
        Record row = onlyRow(mapper.map(user("u", fields("email", Value.of("a@b")))));
        assertThat(row.fields()).containsEntry("score", Value.of(0L))
                .containsEntry("prefs", new Value.MapValue(Map.of("dark", Value.of(true))));
        assertThat(mapper.tables().get(0).column("email").orElseThrow().nullable()).isFalse();
    }

    @Test
    void badDefaultsAndUnknownNamesStopThePlan() {
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(new ColumnMapping("n", List.of("n"), "bigint", false, "zero",
                null, null, null, null)), "widen"))))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLAN_INVALID))
                .hasMessageContaining("entity users column n: default \"zero\" is not a bigint");
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(col("n", "n", "int")), "widen"))))
                .hasMessageContaining("entity users column n: unknown type \"int\"");
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(col("n", "n", "text", "shout", null)), "widen"))))
                .hasMessageContaining("unknown transform \"shout\"");
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(col("n", "n", "bigint", "trim", null)), "widen"))))
                .hasMessageContaining("transform trim makes values for [text] columns, not bigint");
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(), "maybe")))).hasMessageContaining("unknown onConflict rule \"maybe\"");
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(col("n", "n", "text"), col("n", "m", "text")), "widen"))))
                .hasMessageContaining("column n is defined twice");
        assertThatThrownBy(() -> PlanMapper.of(plan(users(List.of(), "widen"), users(List.of(), "widen"))))
                .hasMessageContaining("mapped twice");
    }

    @Test
    void subcollectionRowsCarryTheParentKeyAndReferencesTheirId() {
        EntityMapping users = users(List.of(col("name", "name", "text")), "widen");
        EntityMapping posts = new EntityMapping("users/*/posts", "posts", false, List.of("user_id", "id"), "widen", true,
                List.of(new ForeignKeyMapping(List.of("user_id"), "users")),
                List.of(new ColumnMapping("editor", List.of("editor"), "text", true, null, null, null, "users", null),
                        col("origin", "origin", "text")), List.of());
        PlanMapper mapper = PlanMapper.of(plan(posts, users)); // written children first on purpose
        assertThat(mapper.tables()).extracting(Table::name).containsExactly("users", "posts");
        Table postTable = mapper.tables().get(1);
        assertThat(postTable.columns()).containsExactly(new Column("user_id", ColumnType.TEXT, false), new Column("id", ColumnType.TEXT, false),
                new Column("editor", ColumnType.TEXT, true), new Column("origin", ColumnType.TEXT, true));
        assertThat(postTable.primaryKey()).containsExactly("user_id", "id");
        assertThat(postTable.foreignKeys()).containsExactly(new ForeignKey(List.of("user_id"), "users", List.of("id")),
                new ForeignKey(List.of("editor"), "users", List.of("id")));
        assertThat(postTable.rowLevelSecurity()).isTrue();
        assertThat(mapper.tables().get(0).rowLevelSecurity()).isFalse();

        Record post = new Record(EntityName.of("users/*/posts"), Key.of("u1", "p1"),
                fields("editor", new Value.Reference("users/u7"), "origin", new Value.Reference("users/u7")));
        Record row = onlyRow(mapper.map(post));
        assertThat(row.entity()).isEqualTo(EntityName.of("posts"));
        assertThat(row.key()).isEqualTo(Key.of("u1", "p1"));
        assertThat(row.fields()).containsExactly(Map.entry("user_id", Value.of("u1")), Map.entry("id", Value.of("p1")),
                Map.entry("editor", Value.of("u7")), Map.entry("origin", Value.of("users/u7")));
    }

    @Test
    void keyColumnsDefinedUnderColumnsComeFromFields() {
        EntityMapping orders = new EntityMapping("public.orders", "orders", false, List.of("order_id"), "dead-letter", null, List.of(),
                List.of(new ColumnMapping("order_id", List.of("order_id"), "bigint", true, null, null, null, null, null)), List.of());
        PlanMapper mapper = PlanMapper.of(plan(orders));
        Record row = onlyRow(mapper.map(new Record(EntityName.of("public.orders"), Key.of(Value.of(7L)), fields("order_id", Value.of(7L)))));
        assertThat(row.key()).isEqualTo(Key.of(Value.of(7L)));
        assertThat(row.fields()).containsExactly(Map.entry("order_id", Value.of(7L)));
        assertThat(mapper.tables().get(0).columns()).containsExactly(new Column("order_id", ColumnType.BIGINT, false));
        assertThat(failure(mapper.map(new Record(EntityName.of("public.orders"), Key.of(Value.of(8L)), fields()))).code())
                .isEqualTo(ErrorCode.RECORD_MISSING_REQUIRED);
    }

    @Test
    void arrayChildTablesMakeOneRowPerElement() {
        EntityMapping users = users(List.of(col("name", "name", "text"),
                new ColumnMapping("tags", List.of("tags"), "text", true, null, "lowercase", null, null, "child_table")), "dead-letter");
        PlanMapper mapper = PlanMapper.of(plan(users));
        assertThat(mapper.tables()).extracting(Table::name).containsExactly("users", "users_tags");
        Table tags = mapper.tables().get(1);
        assertThat(tags.columns()).containsExactly(new Column("user_id", ColumnType.TEXT, false), new Column("index", ColumnType.BIGINT, false),
                new Column("value", ColumnType.TEXT, true));
        assertThat(tags.primaryKey()).containsExactly("user_id", "index");
        assertThat(tags.foreignKeys()).containsExactly(new ForeignKey(List.of("user_id"), "users", List.of("id")));
        assertThat(mapper.tables().get(0).column("tags")).isEmpty();

        RowMapper.Mapped m = mapper.map(user("u1", fields("name", Value.of("Ada"),
                "tags", new Value.Array(List.of(Value.of("Math"), Value.NULL, Value.of("POETRY"))))));
        List<Record> rows = ((RowMapper.Rows) m).rows();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).fields()).doesNotContainKey("tags");
        assertThat(rows.subList(1, 4)).extracting(Record::key)
                .containsExactly(Key.of(Value.of("u1"), Value.of(0L)), Key.of(Value.of("u1"), Value.of(1L)), Key.of(Value.of("u1"), Value.of(2L)));
        assertThat(rows.get(3).entity()).isEqualTo(EntityName.of("users_tags"));
        assertThat(rows.get(3).fields()).containsExactly(Map.entry("user_id", Value.of("u1")), Map.entry("index", Value.of(2L)),
                Map.entry("value", Value.of("poetry")));
        assertThat(rows.get(2).fields().get("value")).isEqualTo(Value.NULL);
        // no array: no child rows; not an array: a type mismatch naming the field
        assertThat(((RowMapper.Rows) mapper.map(user("u2", fields()))).rows()).hasSize(1);
        RecordError e = failure(mapper.map(user("u3", fields("tags", Value.of("x")))));
        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TYPE_MISMATCH);
        assertThat(e.reason()).contains("expected an array (arrays: child_table into users_tags)");
        RecordError element = failure(mapper.map(user("u4", fields("tags", new Value.Array(List.of(Value.of("a"), Value.of(1L)))))));
        assertThat(element.field()).isEqualTo("tags[1]");
    }

    @Test
    void aKeyShorterThanThePlansKeyIsSetAside() {
        EntityMapping posts = new EntityMapping("posts", "posts", false, List.of("user_id", "id"), "widen", null, List.of(), List.of(), List.of());
        RecordError e = failure(PlanMapper.of(plan(posts)).map(new Record(EntityName.of("posts"), Key.of("p1"), Map.of())));
        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_MISSING_REQUIRED);
        assertThat(e.reason()).contains("has 1 parts; the plan's key columns [user_id, id] need 2");
    }

    @Test
    void tablesFollowReferencesAndSurviveCycles() {
        EntityMapping a = new EntityMapping("a", "a", false, List.of("id"), "widen", null, List.of(),
                List.of(new ColumnMapping("b", List.of("b"), "text", true, null, null, null, "b", null)), List.of());
        EntityMapping b = new EntityMapping("b", "b", false, List.of("id"), "widen", null, List.of(),
                List.of(new ColumnMapping("c", List.of("c"), "text", true, null, null, null, "c", null)), List.of());
        EntityMapping c = new EntityMapping("c", "c", false, List.of("id"), "widen", null, List.of(), List.of(), List.of());
        assertThat(PlanMapper.of(plan(a, b, c)).tables()).extracting(Table::name).containsExactly("c", "b", "a");
        EntityMapping cToA = c.withColumns(List.of(new ColumnMapping("a", List.of("a"), "text", true, null, null, null, "a", null)));
        assertThat(PlanMapper.of(plan(a, b, cToA)).tables()).extracting(Table::name).containsExactlyInAnyOrder("a", "b", "c");
    }
}
