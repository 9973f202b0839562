package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A role that neither owns a table nor bypasses its row-level security sees only the rows its
 * policies show. Read so, a backup kept a part of the table and said nothing, and a verify counted
 * the rows it could not see as missing; now such a read fails, naming row-level security and the
 * roles that can read every row, as pg_dump's does. The owner reads every row as before.
 */
class RowSecurityReadIT {
    private static final String READER = "cutover_it_rls_reader";
    @TempDir Path dir;

    @Test
    void aReadThatRowLevelSecurityWouldFilterFailsInsteadOfLeavingRowsOut() throws Exception {
        String db = "cutover_it_rls", copy = "cutover_it_rls_copy";
        LocalPostgres.recreate(db, copy);
        try {
            LocalPostgres.recreateRole(READER);
            String[] schema = {"create table notes (id int primary key, owner text)", "alter table notes enable row level security",
                    "create policy mine on notes for select using (owner = current_user)"};
            LocalPostgres.sql(db, schema);
            LocalPostgres.sql(db, "insert into notes values (1, '" + READER + "'), (2, 'someone else')", "grant select on notes to " + READER);
            LocalPostgres.sql(copy, "create table notes (id int primary key, owner text)", "insert into notes values (1, '" + READER + "'), (2, 'someone else')");
            String asReader = LocalPostgres.location(db).replace("postgres@", READER + "@");
            String state = dir.resolve("state").toString();
            String[] repo = TestRepository.init(dir, "rls").args();

            CliRun backup = CliRun.of(new String[] {"backup", asReader, "--state", state}, repo);
            assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(4);
            assertThat(backup.err()).contains("row-level security").contains("BYPASSRLS").doesNotContain("at org.");
            CliRun snapshots = CliRun.of(new String[] {"snapshots", "--json"}, repo);
            assertThat(snapshots.out()).doesNotContain("\"id\"");

            CliRun verify = CliRun.of("verify", asReader, LocalPostgres.location(copy), "--state", state);
            assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(2);
            assertThat(verify.err()).contains("row-level security");

            CliRun asOwner = CliRun.of(new String[] {"backup", LocalPostgres.location(db), "--state", state, "--json"}, repo);
            assertThat(asOwner.exitCode()).as(asOwner.toString()).isZero();
            CliRun same = CliRun.of("verify", LocalPostgres.location(db), LocalPostgres.location(copy), "--state", state);
            assertThat(same.exitCode()).as(same.toString()).isZero();
        } finally {
            LocalPostgres.drop(db, copy);
            LocalPostgres.dropRole(READER);
        }
    }
}
