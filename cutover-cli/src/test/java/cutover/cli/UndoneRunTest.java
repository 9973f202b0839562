package cutover.cli;

import cutover.journal.JournalEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** When a run's checkpoints no longer describe its target, from the journal and the target's tables. */
class UndoneRunTest {
    private static final String RUN = "m-0123456789ab";
    private static final String TARGET = "postgresql://app@db.example.com:5432/app";
    private static final List<String> PLAN = List.of("accounts", "orders", "orders_tags");
    private static final Set<String> HELD = Set.of("accounts", "orders", "orders_tags", "legacy");

    private final List<JournalEntry> journal = new ArrayList<>();
    private int second;

    private void entry(String command, String runId, String status, String target, Map<String, Object> details, String error) {
        journal.add(new JournalEntry(Instant.ofEpochSecond(1_800_000_000L + second++), command, runId, status, "backup:./repo#1a2b3c4d", target,
                0, details, List.of(), error));
    }

    private void migrated() {
        entry("migrate", RUN, JournalEntry.STARTED, TARGET, Map.of(), null);
        entry("migrate", RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
    }

    private void restored(String target, String status, Map<String, Object> details, String error) {
        entry("restore", "m-restore", JournalEntry.STARTED, target, Map.of(), null);
        if (!JournalEntry.STARTED.equals(status)) entry("restore", "m-restore", status, target, details, error);
    }

    private Optional<String> why() {
        return UndoneRun.restored(journal, RUN, TARGET, PLAN);
    }

    @Test
    void aRestoreIntoTheTargetAfterTheRunWroteStartsItOver() {
        migrated();
        assertThat(why()).isEmpty();
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of(), null);
        assertThat(why()).hasValueSatisfying(w -> assertThat(w).contains("the target was restored from backup:./repo#1a2b3c4d")
                .contains("restore run m-restore").contains("starts over"));
    }

    /** Review: an attempt that failed before writing (no passphrase) came after the restore, which was then no longer seen. */
    @Test
    void anAttemptThatFailedAfterTheRestoreDoesNotHideIt() {
        migrated();
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of(), null);
        entry("migrate", RUN, JournalEntry.STARTED, TARGET, Map.of(), null);
        entry("migrate", RUN, JournalEntry.FAILED, TARGET, Map.of(), "BACKUP_PASSPHRASE: no passphrase");
        assertThat(why()).isPresent();
        // once started over, the restore before is done with
        entry(UndoneRun.RESET, RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        assertThat(why()).isEmpty();
        entry("migrate", RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        assertThat(why()).isEmpty();
    }

    /**
     * A --restart by a build that wrote no checkpoints-reset took new rollback points, which only a
     * run whose checkpoints were forgotten does (acceptance run 27: a rollback handled so was undone
     * again after the upgrade, and the run stuck on its table without a key).
     */
    @Test
    void newRollbackPointsAreAResetToo() {
        entry("migrate", RUN, JournalEntry.STARTED, TARGET, Map.of(), null);
        entry(RollbackPoints.JOURNAL_COMMAND, RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        entry("migrate", RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of(), null);
        assertThat(why()).as("restored after the first attempt wrote").isPresent();
        entry("migrate", RUN, JournalEntry.STARTED, TARGET, Map.of(), null); // --restart, by the earlier build
        entry(RollbackPoints.JOURNAL_COMMAND, RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        entry("migrate", RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        assertThat(why()).isEmpty();
    }

    /** An attempt killed after it took its points and wrote, then a restore, then the next attempt: the restore counts. */
    @Test
    void aRestoreAfterAKilledAttemptCounts() {
        entry("migrate", RUN, JournalEntry.STARTED, TARGET, Map.of(), null);
        entry(RollbackPoints.JOURNAL_COMMAND, RUN, JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of(), null); // the attempt above was killed; no end of its own
        assertThat(why()).isPresent();
    }

    /** Review: the restore is journaled as typed; the plan's target has no password. */
    @Test
    void theTargetIsTheDatabaseHoweverTheRestoreWroteIt() {
        migrated();
        restored("postgres://app:s3cret@DB.example.com/app?schema=public&sslmode=require", JournalEntry.SUCCEEDED, Map.of(), null);
        assertThat(why()).isPresent();
        journal.clear();
        migrated();
        restored("postgresql://app@db.example.com:5432/other", JournalEntry.SUCCEEDED, Map.of(), null);
        restored("postgresql://app@db.example.com:6432/app", JournalEntry.SUCCEEDED, Map.of(), null);
        assertThat(why()).as("another database, another server").isEmpty();
    }

    @Test
    void aRestoreThatWroteNothingOrOtherTablesDoesNotCount() {
        migrated();
        restored(TARGET, JournalEntry.FAILED, Map.of(), "BACKUP_PASSPHRASE: the passphrase does not open the repository");
        restored(TARGET, JournalEntry.FAILED, Map.of(), "SINK_SCHEMA_MISMATCH: the target is not ready");
        entry("restore --dry-run", "m-restore", JournalEntry.SUCCEEDED, TARGET, Map.of(), null);
        entry("restore --dry-run", "m-restore", JournalEntry.FAILED, TARGET, Map.of(), "BACKUP_CORRUPT: chunk 1");
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of("tablesWritten", List.of("legacy", "audit.events")), null);
        assertThat(why()).isEmpty();
        // one that stopped part way wrote part; one killed may have written; one of a plan table, qualified, did
        restored(TARGET, JournalEntry.FAILED, Map.of(), "BACKUP_CORRUPT: snapshot 1a2b3c4d, entity orders, chunk 3 of 9");
        assertThat(why()).isPresent();
        journal.clear();
        migrated();
        restored(TARGET, JournalEntry.STARTED, Map.of(), null);
        assertThat(why()).isPresent();
        journal.clear();
        migrated();
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of("tablesWritten", List.of("public.orders_tags")), null);
        assertThat(why()).isPresent();
    }

    @Test
    void aRestoreBeforeTheRunOrARunOfAnotherJournalIsNotSeen() {
        restored(TARGET, JournalEntry.SUCCEEDED, Map.of(), null);
        assertThat(why()).as("its attempts are in another state folder's journal").isEmpty();
        migrated();
        assertThat(why()).as("restored before the run first wrote").isEmpty();
    }

    /** An entity's own table dropped: its splits are read again; a record's list's table: every checkpoint goes. */
    @Test
    void aTableTheRunWritesThatTheTargetLacksIsReadAgain() {
        cutover.plan.Plan plan = new cutover.plan.Plan(1, "s", TARGET, cutover.plan.Plan.Options.DEFAULTS, false, false, List.of(
                new cutover.plan.EntityMapping("accounts", "accounts", false, List.of("id"), "dead-letter", null, List.of(), List.of(), List.of()),
                new cutover.plan.EntityMapping("orders", "public.orders", false, List.of("id"), "dead-letter", null, List.of(), List.of(), List.of())));
        assertThat(UndoneRun.tablesGone(plan, PLAN, HELD, "public")).isEmpty();
        UndoneRun.Gone orders = UndoneRun.tablesGone(plan, PLAN, Set.of("accounts", "orders_tags"), "public").orElseThrow();
        assertThat(orders.readAgain()).containsExactly(cutover.model.EntityName.of("orders"));
        assertThat(orders.said(RUN)).contains("writes orders, which the target does not hold").contains("their rows are read again");
        UndoneRun.Gone child = UndoneRun.tablesGone(plan, PLAN, Set.of("accounts", "orders"), "public").orElseThrow();
        assertThat(child.readAgain()).as("orders_tags is no entity's own").isEmpty();
        assertThat(child.said(RUN)).contains("it starts over");
        assertThat(UndoneRun.identity("sqlite:./a/../app.db")).isEqualTo(UndoneRun.identity("sqlite:app.db"));
        assertThat(UndoneRun.identity("postgresql://postgres@localhost/app")).isEqualTo(UndoneRun.identity("postgres://postgres@127.0.0.1:5432/app"));
    }
}
