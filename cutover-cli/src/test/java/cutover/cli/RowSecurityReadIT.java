package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
            assertThat(verify.err()).contains("SOURCE_IO").contains("row-level security");
            // the same role as the target's: the target's failure, so named
            CliRun asTarget = CliRun.of("verify", LocalPostgres.location(copy), asReader, "--state", state);
            assertThat(asTarget.exitCode()).as(asTarget.toString()).isEqualTo(2);
            assertThat(asTarget.err()).contains("TARGET_READ_FAILED").contains("row-level security").doesNotContain("SOURCE_IO");

            CliRun asOwner = CliRun.of(new String[] {"backup", LocalPostgres.location(db), "--state", state, "--json"}, repo);
            assertThat(asOwner.exitCode()).as(asOwner.toString()).isZero();
            CliRun same = CliRun.of("verify", LocalPostgres.location(db), LocalPostgres.location(copy), "--state", state);
            assertThat(same.exitCode()).as(same.toString()).isZero();
            // a restore's dry run reads the target as a source: the role's failure to read it is the target's (it said SOURCE_IO, exit 4)
            LocalPostgres.sql(db, "grant create on database " + db + " to " + READER, "grant insert, update on notes to " + READER);
            CliRun dry = CliRun.of(new String[] {"restore", "latest", asReader, "--state", state, "--dry-run"}, repo);
            assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(5);
            assertThat(dry.err()).contains("TARGET_READ_FAILED").contains("row-level security");
        } finally {
            LocalPostgres.drop(db, copy);
            LocalPostgres.dropRole(READER);
        }
    }

    /**
     * The tables a plan leaves out are not read: one the role may not read whole stops neither the
     * plan's check nor the migration of the others (the third acceptance run's: it was read only to
     * count its records as skipped, and stopped the run), and the summary names it as not read.
     */
    @Test
    void aTableThePlanLeavesOutIsNotRead() throws Exception {
        String db = "cutover_it_rls_out", target = "cutover_it_rls_into", back = "cutover_it_rls_back";
        LocalPostgres.recreate(db, target, back);
        try {
            LocalPostgres.recreateRole(READER);
            LocalPostgres.sql(db, "create table notes (id int primary key, owner text)", "alter table notes enable row level security",
                    "create policy mine on notes for select using (owner = current_user)",
                    "insert into notes values (1, '" + READER + "'), (2, 'someone else')",
                    "create table posts (id int primary key, body text)", "insert into posts values (1, 'hi'), (2, 'yo')",
                    "grant select on notes, posts to " + READER,
                    // views over the left-out table, one through another, and one over the plan's
                    "create view notes_view as select id from notes", "create view notes_again as select * from notes_view",
                    "comment on view notes_again is 'over a view over notes'", "create view posts_view as select body from posts");
            Path plan = CliRun.plan(LocalPostgres.location(db), LocalPostgres.location(target), dir.resolve("plan.yaml"));
            String text = Files.readString(plan);
            int notes = text.indexOf("  - source: notes\n"), next = text.indexOf("  - source: ", notes + 1);
            assertThat(notes).as(text).isPositive();
            String asReader = LocalPostgres.location(db).replace("postgres@", READER + "@");
            Files.writeString(plan, (text.substring(0, notes) + (next < 0 ? "" : text.substring(next)))
                    .replace(LocalPostgres.location(db), asReader));
            String state = dir.resolve("state").toString();

            CliRun check = CliRun.of("plan", "check", plan.toString());
            assertThat(check.exitCode()).as(check.toString()).isZero();
            // the rollback point of the source holds the tables the plan takes: it read the left-out one too, and stopped the run
            Path password = dir.resolve("rollback-password");
            Files.writeString(password, "rollback passphrase\n");
            String repo = dir.resolve("rollback-repo").toString();
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--state", state, "--backup-repo", repo, "--backup-password-file", password.toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(migrate.out()).contains("2 read = 2 written").contains("not read, the plan leaves them out: notes")
                    .contains("policies, comments, grants and publications of tables the plan renames or leaves out were not made: notes (left out)");
            CliRun snapshots = CliRun.of("snapshots", "--repo", repo, "--password-file", password.toString(), "--json");
            assertThat(snapshots.out()).contains("\"posts\"").doesNotContain("\"notes\"");
            // nor the policies and grants of the left-out table, nor the views that read it: restored, the point made them on a table it lacks, and warned
            CliRun rollBack = CliRun.of("restore", "--repo", repo, "--password-file", password.toString(), "latest", LocalPostgres.location(back));
            assertThat(rollBack.exitCode()).as(rollBack.toString()).isZero();
            assertThat(rollBack.toString()).doesNotContain("notes").doesNotContain("not made");
            assertThat(LocalPostgres.query(back, "select string_agg(body, ',' order by id) from posts")).containsExactly("hi,yo");
            assertThat(LocalPostgres.query(back, "select string_agg(viewname, ',' order by viewname) from pg_views where schemaname = 'public'"))
                    .containsExactly("posts_view");
            // and verify by the plan compares the plan's tables only (it read the left-out one, and failed)
            CliRun verify = CliRun.of("verify", plan.toString(), "--state", state);
            assertThat(verify.exitCode()).as(verify.toString()).isZero();

            // an entity the source does not have (named with its schema) is refused, not migrated as nothing and verified "equal"
            Files.writeString(plan, Files.readString(plan).replace("  - source: posts\n", "  - source: public.posts\n"));
            CliRun unknown = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", state);
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(3);
            assertThat(unknown.err()).contains("PLAN_UNKNOWN_ENTITY").contains("public.posts").contains("without their schema");
            CliRun unknownVerify = CliRun.of("verify", plan.toString(), "--state", state);
            assertThat(unknownVerify.exitCode()).as(unknownVerify.toString()).isEqualTo(2);
            assertThat(unknownVerify.err()).contains("public.posts");
            assertThat(LocalPostgres.query(target, "select string_agg(body, ',' order by id) from posts")).containsExactly("hi,yo");
            assertThat(LocalPostgres.query(target, "select count(*) from pg_tables where tablename = 'notes'")).containsExactly("0");
        } finally {
            LocalPostgres.drop(db, target, back);
            LocalPostgres.dropRole(READER);
        }
    }
}
