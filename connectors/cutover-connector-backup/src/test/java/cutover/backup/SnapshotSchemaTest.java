package cutover.backup;

import cutover.analyze.AnalyzeOptions;
import cutover.analyze.Analyzer;
import cutover.analyze.Schema;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import cutover.plan.ColumnMapping;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;
import cutover.plan.PlanGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A restore's plan from the manifest is the plan an analyze pass over the snapshot would give (columns in the source's order). */
class SnapshotSchemaTest {
    @TempDir Path dir;

    @Test
    void thePlanFromTheManifestIsThePlanFromAnAnalyzePass() {
        Repository repo = TestRepos.init(dir);
        List<Record> records = new ArrayList<>(TestRepos.users(500, 3));
        for (int i = 0; i < 300; i++) {
            Map<String, Value> f = new LinkedHashMap<>();
            f.put("title", Value.of("t" + i));
            if (i % 3 != 0) f.put("rating", i % 7 == 0 ? Value.of("high") : Value.of((long) i)); // missing, text or int: widened, nullable
            f.put("note", i % 5 == 0 ? Value.ofNull() : Value.of(i * 0.5));
            records.add(new Record(EntityName.of("users/*/posts"), Key.of("u" + i, "p" + i), f));
        }
        records.add(new Record(EntityName.of("users"), Key.of("u1"), Map.of("name", Value.of("one"))));
        Snapshot s = TestRepos.backup(repo, records);
        SnapshotSource source = repo.source(s);

        Schema fromManifest = source.schemaFromManifest("backup:test").orElseThrow();
        Schema analyzed = new Analyzer(AnalyzeOptions.DEFAULTS).analyze("backup:test", source, (e, seen, total) -> {});
        // the same plan but for the columns' order: the manifest keeps the source's order (the restored
        // table looks like the original), a pass over the stream sees fields sorted by name
        Plan manifestPlan = PlanGenerator.generate(fromManifest, "backup:test", "postgresql://x/y", null);
        assertThat(byName(manifestPlan)).isEqualTo(byName(PlanGenerator.generate(analyzed, "backup:test", "postgresql://x/y", null)));
        assertThat(manifestPlan.entities().get(0).columns()).extracting(ColumnMapping::name).containsExactly("id_2", "email", "score", "bio");
        assertThat(fromManifest.entity(EntityName.of("users/*/posts")).orElseThrow().field(List.of("rating")).orElseThrow().present())
                .isEqualTo(200);
    }

    private static List<EntityMapping> byName(Plan plan) {
        return plan.entities().stream().map(e -> new EntityMapping(e.source(), e.table(), e.skip(), e.key(), e.onConflict(),
                e.rowLevelSecurity(), e.foreignKeys(), e.columns().stream().sorted(Comparator.comparing(ColumnMapping::name)).toList(),
                e.notes())).toList();
    }

    @Test
    void aFieldOfReferencesNeedsTheAnalyzePass() {
        Repository repo = TestRepos.init(dir);
        Snapshot s = TestRepos.backup(repo, List.of(new Record(EntityName.of("posts"), Key.of("p1"),
                Map.of("author", new Value.Reference("users/u1")))));
        assertThat(repo.source(s).schemaFromManifest("backup:test")).isEmpty();
    }
}
