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

    /** A quiet restore that sets records aside says how many and where on standard error (acceptance run 14: it said only the warnings). */
    @Test
    void aQuietRestoreSaysWhatItSetAside() throws Exception {
        String src = "cutover_it_quiet_src", dst = "cutover_it_quiet_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table t (id int primary key, v int)", "insert into t select g, g from generate_series(1, 5) g");
            LocalPostgres.sql(dst, "create table t (id int primary key, v int check (v < 3))");
            String[] repo = TestRepository.init(dir, "quiet-restore").args("--state", dir.resolve("state-restore").toString());
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(src), "-q"}, repo).exitCode()).isZero();
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(dst), "-q"}, repo);
            assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
            assertThat(restore.out()).isEmpty();
            assertThat(restore.err()).contains("3 records set aside, each with its reason: ").contains("dead-letter");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }
}
