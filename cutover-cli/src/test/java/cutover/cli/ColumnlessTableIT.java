package cutover.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table of no column ({@code CREATE TABLE t ()}, rows of nothing, as PostgreSQL allows) is backed
 * up and restored with its rows: a restore of a database holding one failed whole, its DDL "CREATE
 * TABLE t)" and its COPY "COPY t () FROM STDIN" (acceptance run 31).
 */
class ColumnlessTableIT {
    private static final String SRC = "cutover_it_columnless_src";
    private static final String DST = "cutover_it_columnless_dst";

    @TempDir static Path dir;

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void aTableOfNoColumnComesBackWithItsRows() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table nothing ()", "insert into nothing default values", "insert into nothing default values",
                "create table things (id int primary key)", "insert into things values (1)");
        TestRepository repo = TestRepository.init(dir, "columnless");
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", dir.resolve("state").toString()}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun restore = repo.restoreLatest(LocalPostgres.location(DST), dir.resolve("state"));
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(LocalPostgres.count(DST, "nothing")).isEqualTo(2);
        assertThat(LocalPostgres.count(DST, "things")).isEqualTo(1);
    }
}
