package cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cutover demo` end to end on a small sample: every collection's counts must check out. */
class DemoIT {
    @TempDir Path state;

    @Test
    void theDemoRunsTheWholeFlowAndItsCountsCheckOut() throws Exception {
        CliRun run = CliRun.of("demo", "--users", "300", "--state", state.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("5. counts check").doesNotContain("MISMATCH")
                .contains("users").contains("posts").contains("comments").contains("messages").contains("orders");
        assertThat(state.resolve("demo/plan.yaml")).exists();
        assertThat(Files.readString(state.resolve("demo/analysis.md"))).contains("age");
        // user 3 has a NUL in its name, which PostgreSQL text cannot hold: set aside, with its reason
        assertThat(run.out()).contains("dead-letter.ndjson");
        CliRun report = CliRun.of("report", "--state", state.toString());
        assertThat(report.out()).contains("migrate").contains("succeeded-with-rejects");
        // the rollback point migrate took holds every document of the export (it once held none)
        CliRun analyzed = CliRun.of("analyze", "firestore-export:" + state.resolve("demo/export.json"), "--json", "--state", state.toString());
        long documents = 0;
        for (var e : Json.MAPPER.readTree(analyzed.out()).get("entities")) documents += e.get("count").asLong();
        CliRun snapshots = CliRun.of("snapshots", "--json", "--repo", state.resolve("demo/backups").toString(),
                "--password-file", state.resolve("demo/backup-passphrase").toString());
        assertThat(snapshots.exitCode()).as(snapshots.toString()).isZero();
        assertThat(Json.MAPPER.readTree(snapshots.out()).get("snapshots").get(0).get("records").asLong()).isEqualTo(documents).isPositive();
    }

    @Test
    void generateOnlyWritesAnExportThatAnalyzeReads() throws Exception {
        Path export = state.resolve("sample.json");
        CliRun gen = CliRun.of("demo", "--generate-only", export.toString(), "--users", "50");
        assertThat(gen.exitCode()).as(gen.toString()).isZero();
        CliRun analyze = CliRun.of("analyze", "firestore-export:" + export, "--json", "--state", state.toString());
        assertThat(analyze.exitCode()).as(analyze.toString()).isZero();
        assertThat(analyze.out()).contains("\"posts/*/comments\"").contains("\"chats/*/messages\"");
    }
}
