package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore stopped part way and resumed after a table it had finished was dropped puts that table's
 * rows back: its checkpoints said they were in, and the resumed run skipped them, leaving the table
 * it made again empty. Only that table's splits are read again: the others keep their checkpoints.
 */
class RestoreResumeIT {
    private static final String SRC = "cutover_it_resume_src";
    private static final String DST = "cutover_it_resume_dst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table customers (id int primary key, name text not null)",
                "insert into customers select g, 'customer ' || g from generate_series(1, 300) g",
                "create table orders (id int primary key, customer int not null, total numeric(10,2))",
                "insert into orders select g, 1 + g % 300, g * 0.5 from generate_series(1, 900) g",
                "create table events (at int, what text)", "insert into events select g, 'e' || g from generate_series(1, 100) g");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void aResumedRestoreWritesAgainATableDroppedSince() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "resume").args("--state", dir.resolve("state").toString());
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC)}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--json"}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        String runId = Json.MAPPER.readTree(restore.out()).get("runId").asText();

        // as a restore killed once customers was in, before orders began: orders has no checkpoint of the run
        LocalPostgres.sql(DST, "delete from cutover.checkpoints where run_id = '" + runId + "' and split_id like '%orders%'", "drop table orders");
        assertThat(LocalPostgres.query(DST, "select count(*) from cutover.checkpoints where run_id = '" + runId + "'")).doesNotContain("0");
        LocalPostgres.sql(DST, "drop table customers");

        // and the journal as such a kill leaves it: an attempt begun, with no end (the run's folder, its parked-records file
        // among them, is the one the finished attempt left: acceptance run 26 found an empty one taken for parked records)
        java.nio.file.Files.createDirectories(dir.resolve("state/runs/" + runId));
        java.nio.file.Files.write(dir.resolve("state/runs/" + runId + "/parked.ndjson"), new byte[0]); // opened by every attempt, as a kill leaves it
        new cutover.journal.Journal(dir.resolve("state")).append(cutover.journal.JournalEntry.started(java.time.Instant.now(), "restore", runId,
                "backup:killed", LocalPostgres.location(DST)));
        CliRun resumed = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--json"}, repoArgs);
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        JsonNode summary = Json.MAPPER.readTree(resumed.out());
        assertThat(summary.get("runId").asText()).as("the same run, resumed").isEqualTo(runId);
        assertThat(LocalPostgres.count(DST, "customers")).isEqualTo(300);
        assertThat(LocalPostgres.count(DST, "orders")).isEqualTo(900);
        // the table without a key it had loaded is neither loaded again nor refused as full (acceptance run 25: every checkpoint
        // was forgotten, and the restore stopped on its own table)
        assertThat(LocalPostgres.count(DST, "events")).isEqualTo(100);
        assertThat(summary.get("warnings").toString()).doesNotContain("every split of the run is read again");
        assertThat(summary.get("warnings").toString()).contains("which the target does not hold (dropped since it began)")
                .contains("their rows are read again");
    }
}
