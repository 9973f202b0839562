package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * migrate snapshots the source and the non-empty target before it writes, records both in the
 * journal as rollback points, reuses them when the run is resumed, and refuses to start without a
 * passphrase unless told --no-backup.
 */
class MigrateRollbackIT {
    private static final String SRC = "cutover_it_backup_msrc";
    private static final String DST = "cutover_it_backup_mdst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table accounts (id bigint primary key, email text not null)",
                "insert into accounts select g, 'user' || g || '@example.com' from generate_series(1, 2000) g");
        LocalPostgres.sql(DST, "create table legacy (id int primary key, name text)",
                "insert into legacy values (1, 'a'), (2, 'b'), (3, 'c')");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void migrateTakesRollbackPointsOnceAndAResumedRunReusesThem() throws Exception {
        Path plan = dir.resolve("plan.yaml"), state = dir.resolve("state"), repo = dir.resolve("rollback-repo");
        Path password = dir.resolve("password");
        Files.writeString(password, "rollback passphrase\n");
        CliRun.plan(LocalPostgres.location(SRC), LocalPostgres.location(DST), plan);

        if (System.getenv("CUTOVER_PASSWORD") == null) {
            CliRun refused = CliRun.of("migrate", plan.toString(), "--state", state.toString(), "--backup-repo", repo.toString());
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(8);
            assertThat(refused.err()).contains("BACKUP_PASSPHRASE").contains("CUTOVER_PASSWORD").contains("--backup-password-file")
                    .contains("--no-backup").doesNotContain("\tat ");
            assertThat(tableExists(DST, "accounts")).as("nothing is written without rollback points").isFalse();
        }

        String[] migrate = {"migrate", plan.toString(), "--state", state.toString(), "--json",
                "--backup-repo", repo.toString(), "--backup-password-file", password.toString()};
        CliRun first = CliRun.of(migrate);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        JsonNode points = Json.MAPPER.readTree(first.out()).at("/details/rollbackPoints");
        assertThat(points.get("reused").asBoolean()).isFalse();
        String sourceSnapshot = points.get("sourceSnapshot").asText(), targetSnapshot = points.get("targetSnapshot").asText();

        CliRun snapshots = CliRun.of("snapshots", "--json", "--repo", repo.toString(), "--password-file", password.toString());
        assertThat(snapshots.exitCode()).as(snapshots.toString()).isZero();
        JsonNode listed = Json.MAPPER.readTree(snapshots.out()).get("snapshots");
        assertThat(listed).hasSize(2);
        for (JsonNode s : listed) {
            String id = s.get("id").asText();
            long records = s.get("records").asLong();
            if (id.equals(sourceSnapshot)) assertThat(records).isEqualTo(2000);
            else assertThat(id).isEqualTo(targetSnapshot).satisfies(x -> assertThat(records).as("the target before: legacy's 3 rows").isEqualTo(3));
        }
        assertThat(Files.readString(state.resolve("journal.ndjson"))).contains("\"command\":\"rollback-points\"").contains(targetSnapshot);

        CliRun again = CliRun.of(migrate); // the run's checkpoints are in the target: a resume, not a new run
        assertThat(again.exitCode()).as(again.toString()).isZero();
        JsonNode reused = Json.MAPPER.readTree(again.out()).at("/details/rollbackPoints");
        assertThat(reused.get("reused").asBoolean()).isTrue();
        assertThat(reused.get("sourceSnapshot").asText()).isEqualTo(sourceSnapshot);
        assertThat(reused.get("targetSnapshot").asText()).isEqualTo(targetSnapshot);
        CliRun after = CliRun.of("snapshots", "--json", "--repo", repo.toString(), "--password-file", password.toString());
        assertThat(Json.MAPPER.readTree(after.out()).get("snapshots")).as("no snapshot of the half-written target").hasSize(2);

        // resumed from another state folder, whose journal does not name the points: said so, with the way to new ones
        CliRun elsewhere = CliRun.of("migrate", plan.toString(), "--state", dir.resolve("other-state").toString(), "--json",
                "--backup-repo", repo.toString(), "--backup-password-file", password.toString());
        assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isZero();
        assertThat(Json.MAPPER.readTree(elsewhere.out()).get("warnings").toString()).contains("ran with another --state").contains("--restart takes new ones");

        // started over, it takes new points: the target as it is now (the migrated rows) is what the restart would change
        String[] restart = {"migrate", plan.toString(), "--state", state.toString(), "--json", "--restart",
                "--backup-repo", repo.toString(), "--backup-password-file", password.toString()};
        CliRun restarted = CliRun.of(restart);
        assertThat(restarted.exitCode()).as(restarted.toString()).isZero();
        JsonNode fresh = Json.MAPPER.readTree(restarted.out()).at("/details/rollbackPoints");
        assertThat(fresh.get("reused").asBoolean()).isFalse();
        assertThat(fresh.get("targetSnapshot").asText()).isNotEqualTo(targetSnapshot);

        CliRun without = CliRun.of("migrate", plan.toString(), "--state", state.toString(), "--json", "--no-backup", "--restart");
        assertThat(without.exitCode()).as(without.toString()).isZero();
        assertThat(Json.MAPPER.readTree(without.out()).at("/details/rollbackPoints").isNull()).isTrue();
    }

    /**
     * Rolled back (its target restored from the run's rollback point) or its table dropped, a run
     * that had finished moves the rows again: its checkpoints no longer say what the target holds.
     * It said "finished already" and wrote nothing, over a target without the migrated rows.
     */
    @Test
    void aRunRolledBackOrWhoseTableWasDroppedMovesTheRowsAgain() throws Exception {
        String src = SRC + "_again", dst = DST + "_again";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table accounts (id bigint primary key, email text not null)",
                    "insert into accounts select g, 'user' || g || '@example.com' from generate_series(1, 500) g",
                    "create table audit (at int, what text)", "insert into audit select g, 'did ' || g from generate_series(1, 40) g");
            // the application's own table, which the migration fills
            LocalPostgres.sql(dst, "create table accounts (id bigint primary key, email text not null)",
                    "insert into accounts values (1, 'before@example.com'), (2, 'kept@example.com')");
            Path plan = dir.resolve("again-plan.yaml"), state = dir.resolve("again-state"), repo = dir.resolve("again-repo");
            Path password = dir.resolve("again-password");
            Files.writeString(password, "again passphrase\n");
            CliRun.plan(LocalPostgres.location(src), LocalPostgres.location(dst), plan);
            String[] migrate = {"migrate", plan.toString(), "--state", state.toString(), "--json",
                    "--backup-repo", repo.toString(), "--backup-password-file", password.toString()};
            CliRun first = CliRun.of(migrate);
            assertThat(first.exitCode()).as(first.toString()).isZero();
            String targetSnapshot = Json.MAPPER.readTree(first.out()).at("/details/rollbackPoints/targetSnapshot").asText();
            assertThat(LocalPostgres.count(dst, "accounts")).isEqualTo(500);

            CliRun finished = CliRun.of(migrate); // nothing changed: the run had finished, and says so
            assertThat(finished.exitCode()).as(finished.toString()).isZero();
            assertThat(finished.out()).doesNotContain("starts over");
            JsonNode done = Json.MAPPER.readTree(finished.out()).get("details");
            assertThat(done.get("splitsAlreadyDone").asInt()).isEqualTo(done.get("splits").asInt()).isPositive();

            CliRun rollback = CliRun.of("restore", "--repo", repo.toString(), "--password-file", password.toString(), targetSnapshot,
                    LocalPostgres.location(dst), "--delete", "--state", state.toString(), "-q");
            assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
            assertThat(LocalPostgres.count(dst, "accounts")).as("the target as it was before the migration").isEqualTo(2);

            // the table without a key the migration made is no snapshot's: the rollback left it full, and started over, the
            // run takes its rows whole, so it stops on it, naming it as an earlier attempt's (acceptance run 25)
            CliRun full = CliRun.of("migrate", plan.toString(), "--state", state.toString(), "--backup-repo", repo.toString(),
                    "--backup-password-file", password.toString());
            assertThat(full.exitCode()).as(full.toString()).isEqualTo(5);
            assertThat(full.out() + full.err()).contains("the target was restored from backup:").contains("starts over")
                    .contains("table public.audit has rows").contains("an earlier attempt of this run loaded it").contains("TRUNCATE");
            LocalPostgres.sql(dst, "truncate audit");

            CliRun afterRollback = CliRun.of(migrate);
            assertThat(afterRollback.exitCode()).as(afterRollback.toString()).isZero();
            JsonNode result = Json.MAPPER.readTree(afterRollback.out());
            assertThat(result.at("/details/splitsAlreadyDone").asInt()).isZero();
            assertThat(result.at("/details/thisAttempt/accounts/written").asLong()).isEqualTo(500);
            assertThat(result.at("/details/rollbackPoints/reused").asBoolean()).as("the target as the new attempt finds it").isFalse();
            assertThat(LocalPostgres.count(dst, "accounts")).isEqualTo(500);

            LocalPostgres.sql(dst, "drop table accounts");
            CliRun afterDrop = CliRun.of("migrate", plan.toString(), "--state", state.toString(), "--no-backup");
            assertThat(afterDrop.exitCode()).as(afterDrop.toString()).isZero();
            assertThat(afterDrop.err()).as("said before the run, not only after it").contains("writes accounts, which the target does not hold")
                    .contains("their rows are read again");
            assertThat(afterDrop.out()).doesNotContain("had finished already");
            assertThat(LocalPostgres.count(dst, "accounts")).isEqualTo(500);
            assertThat(LocalPostgres.count(dst, "audit")).as("its splits kept their checkpoints: not loaded again, nor refused").isEqualTo(40);

            CliRun settled = CliRun.of("migrate", plan.toString(), "--state", state.toString(), "--json", "--no-backup");
            assertThat(settled.exitCode()).as(settled.toString()).isZero();
            assertThat(settled.out()).as("once moved again, the run is finished again").doesNotContain("starts over").doesNotContain("read again");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    private static boolean tableExists(String database, String table) throws Exception {
        try (Connection c = LocalPostgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select to_regclass('public." + table + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
