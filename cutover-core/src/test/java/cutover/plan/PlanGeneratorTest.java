package cutover.plan;

import cutover.connector.TargetInfo;
import cutover.model.ForeignKey;
import cutover.model.Table;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlanGeneratorTest {
    private static final String SOURCE = "firestore-export:./export.json";
    private static final String TARGET = "postgresql://app@localhost/app";

    private final Plan plan = PlanGenerator.generate(SampleSchema.flutterFlow(), SOURCE, TARGET, null);

    private EntityMapping entity(String source) { return plan.entity(source).orElseThrow(); }

    private ColumnMapping column(String source, String column) { return entity(source).column(column).orElseThrow(); }

    @Test
    void oneTablePerCollectionParentsFirstAndLeafNamesDisambiguated() {
        assertThat(plan.entities()).extracting(EntityMapping::source)
                .containsExactly("users", "posts", "videos", "orders", "posts/*/comments", "videos/*/comments");
        assertThat(plan.entities()).extracting(EntityMapping::table)
                .containsExactly("users", "posts", "videos", "orders", "posts_comments", "videos_comments");
        assertThat(plan.version()).isEqualTo(1);
        assertThat(plan.source()).isEqualTo(SOURCE);
        assertThat(plan.target()).isEqualTo(TARGET);
        assertThat(plan.options()).isEqualTo(Plan.Options.DEFAULTS);
    }

    @Test
    void aLeafNameIsKeptWhenItIsUnique() {
        var schema = new cutover.analyze.Schema("x", List.of(SampleSchema.documents("users", 1),
                SampleSchema.documents("users/*/posts", 1)));
        Plan p = PlanGenerator.generate(schema, "x", "y", null);
        assertThat(p.entity("users/*/posts").orElseThrow().table()).isEqualTo("posts");
        assertThat(p.entity("users/*/posts").orElseThrow().key()).containsExactly("user_id", "id");
    }

    @Test
    void documentKeysAndTheSubcollectionForeignKey() {
        assertThat(entity("users").key()).containsExactly("id");
        assertThat(entity("users").foreignKeys()).isEmpty();
        EntityMapping comments = entity("posts/*/comments");
        assertThat(comments.key()).containsExactly("post_id", "id");
        assertThat(comments.foreignKeys()).containsExactly(new ForeignKeyMapping(List.of("post_id"), "posts"));
    }

    @Test
    void columnTypesFromTheDominantKind() {
        assertThat(column("users", "display_name").type()).isEqualTo("text");
        assertThat(column("users", "display_name").from()).containsExactly("displayName");
        assertThat(column("users", "created_at").type()).isEqualTo("timestamptz");
        assertThat(column("users", "tags").type()).isEqualTo("jsonb");
        assertThat(column("users", "address").type()).isEqualTo("jsonb");
        assertThat(column("users", "location").type()).isEqualTo("geopoint");
        assertThat(column("orders", "total").type()).isEqualTo("double");
        // int and float mixed: double holds both
        assertThat(column("posts", "likes").type()).isEqualTo("double");
        // map and text mixed: jsonb
        assertThat(column("posts", "meta").type()).isEqualTo("jsonb");
        // nested map paths are not columns
        assertThat(entity("users").columns()).noneMatch(c -> c.from().size() > 1);
    }

    /** A double holds every integer only up to 2^53: numbers mixed with a larger integer are drafted numeric, and so noted. */
    @Test
    void mixedNumbersWithAnIntegerBeyondWhatADoubleHoldsAreNumeric() {
        var big = new cutover.analyze.FieldStats(List.of("score"), 3, Map.of(cutover.model.Value.Kind.INT64, 2L, cutover.model.Value.Kind.FLOAT64, 1L),
                1, (1L << 53) + 1, 0, 0, List.of(), List.of());
        var small = new cutover.analyze.FieldStats(List.of("score"), 3, Map.of(cutover.model.Value.Kind.INT64, 2L, cutover.model.Value.Kind.FLOAT64, 1L),
                -(1L << 53), 1L << 53, 0, 0, List.of(), List.of());
        for (var f : List.of(big, small)) {
            Plan p = PlanGenerator.generate(new cutover.analyze.Schema("x", List.of(SampleSchema.documents("games", 3, f))), "x", "y", null);
            EntityMapping games = p.entity("games").orElseThrow();
            String expected = f == big ? "numeric" : "double";
            assertThat(games.column("score").orElseThrow().type()).isEqualTo(expected);
            assertThat(games.notes()).anyMatch(n -> n.contains("mixed numbers, " + expected + " holds them all"));
        }
    }

    @Test
    void conflictsAreWidenedAndNoted() {
        assertThat(column("users", "age").type()).isEqualTo("text");
        assertThat(entity("users").onConflict()).isEqualTo("widen");
        assertThat(entity("users").notes()).contains("age: int64 92%, text 8% — conflict, widened to text (rule widen)");
        assertThat(entity("posts").notes()).anyMatch(n -> n.startsWith("likes: int64 60%, float64 40% — mixed numbers, double"));
    }

    @Test
    void nullableWhenMissingOrNullSeen() {
        assertThat(column("users", "display_name").nullable()).isFalse();
        assertThat(column("users", "email").nullable()).isTrue();
        assertThat(column("users", "location").nullable()).isTrue();
    }

    @Test
    void columnNamesAreSnakeCaseAndUnique() {
        // the document's own "id" field must not clash with the key column id
        assertThat(column("users", "id_2").from()).containsExactly("id");
        List<String> names = entity("users").columns().stream().map(ColumnMapping::name).toList();
        assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z0-9_]+"));
    }

    @Test
    void referencesBecomeForeignKeysWhereTheyCan() {
        // named like the id it holds
        assertThat(column("orders", "user_id").references()).isEqualTo("users");
        assertThat(column("orders", "user_id").type()).isEqualTo("text");
        assertThat(column("orders", "user_id").from()).containsExactly("user");
        assertThat(column("posts/*/comments", "author_id").references()).isEqualTo("users");
        assertThat(entity("orders").notes()).contains("user_id: references users — holds the document id, foreign key to users");
        // to a subcollection (composite key) or an entity not migrated: the path, no foreign key
        assertThat(column("videos/*/comments", "reply_to").references()).isNull();
        assertThat(column("orders", "coupon").references()).isNull();
        assertThat(entity("orders").notes()).anyMatch(n -> n.startsWith("coupon: references coupons, which is not migrated"));
    }

    @Test
    void danglingReferencesKeepTheirRowsUnderAForeignKeyAddedNotValid() {
        var schema = new cutover.analyze.Schema("x", List.of(SampleSchema.documents("users", 1),
                SampleSchema.documents("orders", 10, SampleSchema.reference("user", 10, "users", 2))));
        Plan p = PlanGenerator.generate(schema, "x", "y", null);
        assertThat(p.entity("orders").orElseThrow().column("user_id").orElseThrow().references()).isEqualTo("users");
        assertThat(p.entity("orders").orElseThrow().notes())
                .anyMatch(n -> n.contains("2 of 10 references point to missing documents") && n.contains("NOT VALID"));
    }

    @Test
    void rowLevelSecurityOnEveryTableOfASupabaseTarget() {
        TargetInfo supabase = new TargetInfo("PostgreSQL", "16", "public", Map.of("users", Set.of("id")), true);
        Plan p = PlanGenerator.generate(SampleSchema.flutterFlow(), SOURCE, TARGET, supabase);
        assertThat(p.supabase()).isTrue();
        assertThat(p.rowLevelSecurity()).isTrue();
        assertThat(p.entities()).allMatch(e -> Boolean.TRUE.equals(e.rowLevelSecurity()));
        assertThat(p.entity("users").orElseThrow().notes()).anyMatch(n -> n.contains("already exists in the target"));
        assertThat(plan.supabase()).isFalse();
        assertThat(plan.entities()).allMatch(e -> e.rowLevelSecurity() == null);
    }

    @Test
    void theGeneratedPlanChecksCleanAndMaps() {
        PlanFile file = PlanFile.parse(PlanFile.write(plan), "plan.yaml");
        assertThat(PlanChecker.check(file, SampleSchema.flutterFlow(), null)).filteredOn(PlanProblem::isError).isEmpty();
        List<Table> tables = PlanMapper.of(plan).tables();
        assertThat(tables).extracting(Table::name)
                .containsExactly("users", "posts", "videos", "orders", "posts_comments", "videos_comments");
        Table comments = tables.get(4);
        assertThat(comments.primaryKey()).containsExactly("post_id", "id");
        assertThat(comments.foreignKeys()).containsExactly(
                new ForeignKey(List.of("post_id"), "posts", List.of("id")),
                new ForeignKey(List.of("author_id"), "users", List.of("id")));
    }

    @Test
    void tablesOfADatabaseKeepTheirKeyColumns() {
        var orders = new cutover.analyze.EntitySchema(cutover.model.EntityName.of("public.orders"), 3, 300, List.of("orderId"), List.of(), 0,
                List.of(SampleSchema.field("orderId", 3, Map.of(cutover.model.Value.Kind.INT64, 3L)),
                        SampleSchema.field("note", 2, Map.of(cutover.model.Value.Kind.TEXT, 2L))));
        Plan p = PlanGenerator.generate(new cutover.analyze.Schema("mysql://db", List.of(orders)), "mysql://db", "t", null);
        EntityMapping e = p.entity("public.orders").orElseThrow();
        assertThat(e.table()).isEqualTo("orders");
        assertThat(e.key()).containsExactly("order_id");
        assertThat(e.keyPartColumns()).isEmpty();
        assertThat(e.column("order_id").orElseThrow().type()).isEqualTo("bigint");
        assertThat(PlanMapper.of(p).tables().get(0).primaryKey()).containsExactly("order_id");
    }

    @Test
    void aTableColumnThatItsSchemaLetsHoldNullStaysNullableThoughNoneWasSeen() {
        var text = cutover.model.Value.Kind.TEXT;
        var customers = new cutover.analyze.EntitySchema(cutover.model.EntityName.of("customers"), 3, 300, List.of("id"), List.of(), 0,
                List.of(SampleSchema.field("id", 3, Map.of(cutover.model.Value.Kind.INT64, 3L)), SampleSchema.field("name", 3, Map.of(text, 3L)),
                        SampleSchema.field("nickname", 3, Map.of(text, 3L))), List.of("nickname"));
        EntityMapping e = PlanGenerator.generate(new cutover.analyze.Schema("postgresql://db", List.of(customers)), "postgresql://db", "t", null)
                .entity("customers").orElseThrow();
        assertThat(e.column("nickname").orElseThrow().nullable()).as("declared nullable, no NULL seen").isTrue();
        assertThat(e.column("name").orElseThrow().nullable()).as("declared NOT NULL").isFalse();
        assertThat(e.column("id").orElseThrow().nullable()).isFalse();
    }

    @Test
    void snakeCaseNames() {
        assertThat(Names.snake("firstName")).isEqualTo("first_name");
        assertThat(Names.snake("HTTPStatus")).isEqualTo("http_status");
        assertThat(Names.snake("Full Name")).isEqualTo("full_name");
        assertThat(Names.snake("photo_url")).isEqualTo("photo_url");
        assertThat(Names.snake("2fa")).isEqualTo("f_2fa");
        assertThat(Names.snake("€")).isEqualTo("field");
        // letters of any script are kept, lower case (PostgreSQL and SQLite take them); 63 bytes of UTF-8 at most
        assertThat(Names.snake("ünïcødé field")).isEqualTo("ünïcødé_field");
        assertThat(Names.snake("Prénom")).isEqualTo("prénom");
        assertThat(Names.snake("pre\u0301nom")).as("an accent typed apart joins its letter").isEqualTo("prénom");
        assertThat(Names.snake("नाम")).as("a vowel sign is part of its letter").isEqualTo("नाम");
        assertThat(Names.snake("ชื่อ")).isEqualTo("ชื่อ");
        assertThat(Names.snake("𠮷野")).as("a letter outside the basic plane").isEqualTo("𠮷野");
        assertThat(Names.snake("é".repeat(40)).getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(62);
        assertThat(Names.singular("categories")).isEqualTo("category");
        assertThat(Names.singular("addresses")).isEqualTo("address");
        assertThat(Names.singular("users")).isEqualTo("user");
    }
}
