package cutover.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import cutover.postgres.TableDefinition.Attribute;
import cutover.postgres.TableDefinition.CompositeType;
import cutover.postgres.TableDefinition.DefinedConstraint;
import cutover.postgres.TableDefinition.Domain;
import cutover.postgres.TableDefinition.EnumType;
import cutover.postgres.TableDefinition.RangeType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A schema's objects written as a manifest holds them read back as themselves; the types no column uses are absent where there are none. */
class SchemaObjectsTest {
    private static final SchemaObjects.Types TYPES = new SchemaObjects.Types(List.of(new TableDefinition.Extension("citext", "extensions")),
            List.of(new EnumType("app_role", List.of("admin", "member"))),
            List.of(new Domain("email", "text", false, null, List.of(new DefinedConstraint("email_check", "check", "CHECK ((VALUE ~~ '%@%'::text))")))),
            List.of(new CompositeType("labelled", List.of(new Attribute("m", "mood"), new Attribute("note", "text")))),
            List.of(new RangeType("floatrange", "double precision", null, null, null, "float8mi")), List.of("mood"));
    private static final List<SchemaObjects.Publication> PUBLICATIONS = List.of(
            new SchemaObjects.Publication("supabase_realtime", "insert, update, delete, truncate", false, false, false,
                    List.of(new SchemaObjects.PublishedTable("messages", List.of(), null), new SchemaObjects.PublishedTable("t", List.of("id", "body"), "(id > 0)"))),
            new SchemaObjects.Publication("everything", "insert", true, true, false, List.of()));

    @Test
    void theTypesNoColumnUsesReadBackAsThemselves() {
        SchemaObjects objects = withTypes(TYPES);
        JsonNode body = objects.toNative().body();
        assertThat(body.get("types").fieldNames()).toIterable().containsExactlyInAnyOrder("extensions", "enums", "domains", "composites", "ranges", "ofColumns");
        assertThat(body.has("empty")).isFalse();
        SchemaObjects read = SchemaObjects.of(objects.toNative()).orElseThrow();
        assertThat(read).isEqualTo(objects);
        assertThat(read.typesNoColumnUses().names()).containsExactly("app_role", "email", "labelled", "floatrange");
        // carried through what a restore of part or a rollback point keeps of them, not by what binds to tables alone
        assertThat(read.without(java.util.Set.of("t")).typesNoColumnUses()).isEqualTo(TYPES);
        assertThat(read.withoutOwners().typesNoColumnUses()).isEqualTo(TYPES);
        assertThat(read.onlyOn(java.util.Set.of("t")).typesNoColumnUses().isEmpty()).isTrue();
    }

    @Test
    void noTypesAreNoField() {
        SchemaObjects none = withTypes(new SchemaObjects.Types(null, List.of(), null, null, List.of(), null));
        assertThat(none.toNative().body().has("types")).isFalse();
        assertThat(none.isEmpty()).isTrue();
        assertThat(SchemaObjects.of(none.toNative()).orElseThrow().typesNoColumnUses().isEmpty()).isTrue();
    }

    /** A publication reads back as itself; bound to its tables as a grant is: a part keeps its own, one left out loses its. */
    @Test
    void publicationsReadBackAndGoWithTheirTables() {
        SchemaObjects objects = new SchemaObjects(null, null, null, null, null, null, null, null, null, null, null, null, null, null, PUBLICATIONS, null);
        JsonNode written = objects.toNative().body().get("publications");
        assertThat(written.get(0).has("allTables")).isFalse(); // defaults left out
        assertThat(written.get(0).get("tables").get(0).fieldNames()).toIterable().containsExactly("table");
        assertThat(SchemaObjects.of(objects.toNative()).orElseThrow()).isEqualTo(objects);
        assertThat(objects.bindsTo("messages")).isTrue();
        assertThat(objects.bindsTo("other")).isFalse();
        assertThat(objects.onlyOn(java.util.Set.of("t")).publications())
                .containsExactly(new SchemaObjects.Publication("supabase_realtime", "insert, update, delete, truncate", false, false, false,
                        List.of(new SchemaObjects.PublishedTable("t", List.of("id", "body"), "(id > 0)"))));
        assertThat(objects.without(java.util.Set.of("messages")).publications().get(0).tables()).extracting(SchemaObjects.PublishedTable::table).containsExactly("t");
    }

    /** A collation reads back as itself, and is made as CREATE COLLATION takes it, an ICU one's locale and a libc one's two. */
    @Test
    void collationsReadBackAndAreMadeAsDefined() {
        List<SchemaObjects.Collation> collations = List.of(new SchemaObjects.Collation("ci", "icu", "und-u-ks-level2", null, null, false, null),
                new SchemaObjects.Collation("Fr", "libc", null, "fr_FR.utf8", "fr_FR.utf8", true, null));
        SchemaObjects objects = new SchemaObjects(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, collations);
        assertThat(SchemaObjects.of(objects.toNative()).orElseThrow()).isEqualTo(objects);
        assertThat(collations.get(0).definition()).isEqualTo("CREATE COLLATION \"ci\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
        assertThat(collations.get(1).definition()).isEqualTo("CREATE COLLATION \"Fr\" (provider = libc, lc_collate = 'fr_FR.utf8', lc_ctype = 'fr_FR.utf8')");
    }

    private static SchemaObjects withTypes(SchemaObjects.Types types) {
        return new SchemaObjects(null, null, null, null, null, null, null, null, null, null, null, null, null, types, null, null);
    }
}
