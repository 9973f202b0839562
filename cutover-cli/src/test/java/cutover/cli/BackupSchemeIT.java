package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup:REPO#latest} is a location like any other: analyze reads it, and verify compares
 * it with the database it was taken from (equal), then finds the one row changed since. The
 * passphrase comes from CUTOVER_PASSWORD, so the commands run as a child process with it set.
 */
class BackupSchemeIT {
    private static final String DB = "cutover_it_backup_scheme";
    private static final String PASSPHRASE = "scheme passphrase";

    @TempDir static Path dir;

    @BeforeAll
    static void database() throws Exception {
        LocalPostgres.recreate(DB);
        LocalPostgres.sql(DB, "create table orders (id bigint primary key, customer text not null, total numeric(10,2), placed timestamptz)",
                "insert into orders select g, 'c' || (g % 97), (g * 3.17)::numeric(10,2), timestamptz '2024-03-01 00:00:00+00' + g * interval '1 hour'"
                        + " from generate_series(1, 3000) g");
    }

    @AfterAll
    static void drop() throws Exception {
        LocalPostgres.drop(DB);
    }

    @Test
    void aSnapshotIsASourceForAnalyzeAndVerify() throws Exception {
        Path repo = dir.resolve("repo");
        String state = dir.resolve("state").toString();
        assertThat(cutover("backup", "init", "--repo", repo.toString()).exitCode).isZero();
        Result backup = cutover("backup", LocalPostgres.location(DB), "--repo", repo.toString(), "--state", state, "--quiet");
        assertThat(backup.exitCode).as(backup.output).isZero();
        String snapshot = "backup:" + repo + "#latest";

        Result analyze = cutover("analyze", snapshot, "--json");
        assertThat(analyze.exitCode).as(analyze.output).isZero();
        assertThat(analyze.output).contains("orders");

        Result equal = cutover("verify", snapshot, LocalPostgres.location(DB), "--tables", "orders", "--json", "--state", state);
        assertThat(equal.exitCode).as(equal.output).isZero();

        LocalPostgres.sql(DB, "update orders set customer = 'someone else' where id = 1234");
        Result changed = cutover("verify", snapshot, LocalPostgres.location(DB), "--tables", "orders", "--json", "--state", state);
        assertThat(changed.exitCode).as(changed.output).isEqualTo(1);
        JsonNode summary = Json.MAPPER.readTree(changed.output.substring(changed.output.indexOf('{')));
        assertThat(summary.toString()).contains("\"changed\":1");
    }

    /**
     * A migration from a snapshot into PostgreSQL makes the tables as the backup read their
     * definitions, as a restore does: numeric(10,2) stays numeric(10,2), not a plan's numeric.
     */
    @Test
    void aMigrationFromASnapshotMakesTheTablesAsTheyWereDefined() throws Exception {
        String target = "cutover_it_backup_scheme_dst";
        LocalPostgres.recreate(target);
        try {
            Path repo = dir.resolve("repo-migrate");
            String state = dir.resolve("state-migrate").toString();
            assertThat(cutover("backup", "init", "--repo", repo.toString()).exitCode).isZero();
            assertThat(cutover("backup", LocalPostgres.location(DB), "--repo", repo.toString(), "--state", state, "--quiet").exitCode).isZero();
            Path plan = dir.resolve("from-snapshot.yaml");
            Result planned = cutover("plan", "backup:" + repo + "#latest", LocalPostgres.location(target), "-o", plan.toString(), "--quiet");
            assertThat(planned.exitCode).as(planned.output).isZero();
            Result migrate = cutover("migrate", plan.toString(), "--no-backup", "--state", state, "--quiet");
            assertThat(migrate.exitCode).as(migrate.output).isZero();
            String columns = "select column_name || ' ' || data_type || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', '')"
                    + " || ' ' || is_nullable from information_schema.columns where table_name = 'orders' order by ordinal_position";
            assertThat(LocalPostgres.query(target, columns)).containsExactlyElementsOf(LocalPostgres.query(DB, columns));
            assertThat(LocalPostgres.query(target, "select count(*) from orders")).containsExactly("3000");
        } finally {
            LocalPostgres.drop(target);
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result cutover(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "cutover.cli.Main"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "cutover", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CUTOVER_PASSWORD", PASSPHRASE);
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), Files.readString(log));
    }
}
