package cutover.plan;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanFileTest {
    private static final String SMALL = """
            version: 1
            source: firestore-export:./export.json
            target: postgresql://localhost/app
            entities:
              # users: 100 documents
              - source: users
                table: users
                key: [id]
                columns:
                  - name: city
                    from: address.city
                    type: text
                  - name: odd
                    from: [a.b, c]
                    type: bigint
                    nullable: false
                    default: 007
            """;

    @Test
    void parsesAPlanWithDefaultsAndLines() {
        PlanFile file = PlanFile.parse(SMALL, "plan.yaml");
        Plan plan = file.plan();
        assertThat(file.fileName()).isEqualTo("plan.yaml");
        assertThat(plan.options()).isEqualTo(Plan.Options.DEFAULTS);
        assertThat(plan.supabase()).isFalse();
        EntityMapping users = plan.entities().get(0);
        assertThat(users.onConflict()).isEqualTo("widen");
        assertThat(users.notes()).containsExactly("users: 100 documents");
        assertThat(users.column("city").orElseThrow().from()).containsExactly("address", "city");
        assertThat(users.column("city").orElseThrow().nullable()).isTrue();
        ColumnMapping odd = users.column("odd").orElseThrow();
        assertThat(odd.from()).containsExactly("a.b", "c");
        assertThat(odd.defaultValue()).isEqualTo("007");
        assertThat(file.lineOf("/version")).isEqualTo(1);
        assertThat(file.lineOf("/entities/0")).isEqualTo(6);
        assertThat(file.lineOf("/entities/0/key")).isEqualTo(8);
        assertThat(file.lineOf("/entities/0/columns/1/type")).isEqualTo(15);
        assertThat(file.columnOf("/entities/0/columns/1/type")).isEqualTo(9);
        // a pointer to something absent falls back to its nearest ancestor
        assertThat(file.lineOf("/entities/0/columns/1/transform")).isEqualTo(13);
    }

    @Test
    void fieldPathsEscapeDotsAndBackslashes() {
        assertThat(FieldPath.format(List.of("a.b", "c\\d", "e"))).isEqualTo("a\\.b.c\\\\d.e");
        assertThat(FieldPath.parse("a\\.b.c\\\\d.e")).containsExactly("a.b", "c\\d", "e");
        assertThat(FieldPath.parse("")).containsExactly("");
        assertThatThrownBy(() -> FieldPath.parse("a\\x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedYamlNamesFileLineAndColumn() {
        String text = "version: 1\nsource: x\ntarget: [unclosed\nentities: []\n";
        assertThatThrownBy(() -> PlanFile.parse(text, "plan.yaml"))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLAN_INVALID))
                .hasMessageMatching("(?s)plan\\.yaml:\\d+:\\d+: .*");
    }

    @Test
    void duplicateKeysAreRefused() {
        String text = "version: 1\nsource: x\ntarget: y\nsource: z\n";
        assertThatThrownBy(() -> PlanFile.parse(text, "plan.yaml")).hasMessageStartingWith("plan.yaml:4:1: key \"source\" appears twice");
    }

    @Test
    void wrongShapesNameTheLine() {
        assertThatThrownBy(() -> PlanFile.parse("version: 1\nsource: x\ntarget: y\nentities: 5\n", "p.yaml"))
                .hasMessageStartingWith("p.yaml:4:1: expected a list, found \"5\"");
        assertThatThrownBy(() -> PlanFile.parse("version: 1\nsource: x\ntarget: y\noptions:\n  batchSize: lots\n", "p.yaml"))
                .hasMessageStartingWith("p.yaml:5:3: batchSize must be a whole number, found \"lots\"");
        assertThatThrownBy(() -> PlanFile.parse(SMALL.replace("nullable: false", "nullable: maybe"), "p.yaml"))
                .hasMessageStartingWith("p.yaml:16:9: nullable must be true or false");
        assertThatThrownBy(() -> PlanFile.parse("source: x\ntarget: y\n", "p.yaml")).hasMessageContaining("needs a version");
        assertThatThrownBy(() -> PlanFile.parse("", "p.yaml")).hasMessageStartingWith("p.yaml:1:1: the plan is empty");
        assertThatThrownBy(() -> PlanFile.parse("version: 1\nsource: x\ntarget: y\nentities:\n  - table: t\n", "p.yaml"))
                .hasMessageStartingWith("p.yaml:5:5: missing key \"source\"");
    }

    @Test
    void writesTheHeaderAndEntityNotes() {
        Plan plan = PlanGenerator.generate(SampleSchema.flutterFlow(), "firestore-export:./export.json", "postgresql://h/db", null);
        String text = PlanFile.write(plan);
        assertThat(text).contains("Supabase exposes the public schema over its HTTP API; Cutover enables row\n"
                + "# level security with no policies on every table it creates unless rowLevelSecurity: false\n"
                + "# — closed until you write policies.");
        assertThat(text).contains("  # age: int64 92%, text 8% — conflict, widened to text (rule widen)\n");
        assertThat(PlanFile.parse(text, "plan.yaml").plan()).isEqualTo(plan);
    }

    /** A plan is edited by hand: a name of any script is written as it reads, not escaped ("pr\u00E9nom"). */
    @Test
    void namesOfAnyScriptAreWrittenAsTheyRead() {
        assertThat(PlanWriter.scalar("prénom")).isEqualTo("prénom");
        assertThat(PlanWriter.scalar("名前")).isEqualTo("名前");
        assertThat(PlanWriter.scalar("नाम")).isEqualTo("नाम");
        assertThat(PlanWriter.scalar("ชื่อ")).isEqualTo("ชื่อ");
        assertThat(PlanWriter.scalar("ünïcødé field")).isEqualTo("\"ünïcødé field\"");
        assertThat(PlanWriter.scalar("\u2028x")).isEqualTo("\"\\u2028x\"");
        assertThat(PlanWriter.scalar("emoji😀")).isEqualTo("\"emoji😀\"");
        assertThat(PlanWriter.scalar("nbsp\u00A0x")).isEqualTo("\"nbsp\\u00A0x\"");
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("plan.yaml");
        Files.writeString(path, SMALL);
        PlanFile file = PlanFile.load(path);
        assertThat(file.plan()).isEqualTo(PlanFile.parse(SMALL, "x").plan());
        assertThat(file.fileName()).isEqualTo(path.toString());
        assertThatThrownBy(() -> PlanFile.load(dir.resolve("missing.yaml")))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLAN_INVALID));
    }

    @Property(tries = 300)
    void writeThenParseGivesThePlanBack(@ForAll("plans") Plan plan) {
        String text = PlanFile.write(plan);
        assertThat(PlanFile.parse(text, "plan.yaml").plan()).as(text).isEqualTo(plan);
    }

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<Plan.Options> options = Combinators.combine(Arbitraries.integers().between(-5, 100_000),
                Arbitraries.integers().between(0, 64), text(), Arbitraries.of(true, false)).as(Plan.Options::new);
        return Combinators.combine(Arbitraries.integers().between(0, 3), text(), text(), options, Arbitraries.of(true, false),
                Arbitraries.of(true, false), entity().list().ofMaxSize(3)).as(Plan::new);
    }

    private static Arbitrary<EntityMapping> entity() {
        Arbitrary<ForeignKeyMapping> fk = Combinators.combine(text().list().ofMaxSize(2), text()).as(ForeignKeyMapping::new);
        Arbitrary<Boolean> rls = Arbitraries.of(true, false).injectNull(0.4);
        Arbitrary<EntityMapping> withoutNotes = Combinators.combine(text(), text(), Arbitraries.of(true, false),
                text().list().ofMaxSize(3), text(), rls, fk.list().ofMaxSize(2), column().list().ofMaxSize(4))
                .as((source, table, skip, key, rule, rowLevelSecurity, fks, columns) ->
                        new EntityMapping(source, table, skip, key, rule, rowLevelSecurity, fks, columns, List.of()));
        Arbitrary<List<String>> notes = Arbitraries.oneOf(text(), Arbitraries.strings().ofMaxLength(30)).list().ofMaxSize(3);
        return Combinators.combine(withoutNotes, notes).as((e, n) -> new EntityMapping(e.source(), e.table(), e.skip(), e.key(),
                e.onConflict(), e.rowLevelSecurity(), e.foreignKeys(), e.columns(), n));
    }

    private static Arbitrary<ColumnMapping> column() {
        Arbitrary<String> optional = text().injectNull(0.5);
        return Combinators.combine(text(), text().list().ofMinSize(1).ofMaxSize(3), text(), Arbitraries.of(true, false),
                optional.list().ofSize(5)).as((name, from, type, nullable, o) ->
                        new ColumnMapping(name, from, type, nullable, o.get(0), o.get(1), o.get(2), o.get(3), o.get(4)));
    }

    /** Text that tries YAML's corners: reserved words, indicators, quotes, escapes, dots, non-ASCII. */
    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.of("true", "No", "null", "~", "", " ", "1%", "007", "-", "- x", "#", "a: b", "users/*/posts",
                        "a.b", "a\\.b", "\\", "\"", "'", "[x]", "{y}", "*ref", "&anchor", "!tag", "|", ">", "@", "`", "%d",
                        "é中😀", "prénom", "ünïcødé field", "名前", "Ωmega_2", "नाम", "ชื่อ", "𠮷野", "tab\there", "line\nbreak", "\r", "\u0085", "\u2028", "\u0001", "\u007F", "\u00A0", "0x1F", ".inf"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(10),
                Arbitraries.strings().alpha().numeric().withChars("_.-/").ofMinLength(1).ofMaxLength(12));
    }
}
