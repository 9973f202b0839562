package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * --quiet silences progress and the summary, not warnings: a scheduled backup (the printed cron
 * line runs with --quiet) of a database with tables in another schema than the one read says on
 * standard error that they are not in the snapshot (acceptance run 13: it said nothing).
 */
class QuietWarningsIT {
    @TempDir Path dir;

    @Test
    void aQuietBackupStillWarnsOfTablesLeftOut() throws Exception {
        String db = "cutover_it_quiet_warnings";
        LocalPostgres.recreate(db);
        try {
            LocalPostgres.sql(db, "create table t (id int primary key)", "create schema app2", "create table app2.users (id int primary key)");
            String[] repo = TestRepository.init(dir, "quiet").args("--state", dir.resolve("state").toString());
            CliRun quiet = CliRun.of(new String[] {"backup", LocalPostgres.location(db), "-q"}, repo);
            assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
            assertThat(quiet.out()).isEmpty();
            assertThat(quiet.err()).contains("warning: only schema \"public\" is read: the tables of \"app2\" (1 table) are not in this snapshot");
        } finally {
            LocalPostgres.drop(db);
        }
    }
}
