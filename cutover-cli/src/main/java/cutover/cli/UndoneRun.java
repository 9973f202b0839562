package cutover.cli;

import cutover.connector.Location;
import cutover.journal.JournalEntry;
import cutover.model.EntityName;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Why a run's checkpoints no longer describe its target, if they do not. A checkpoint says "these
 * rows are in": after the target was restored (a rollback to the run's rollback point, with or
 * without --delete) or a table of the plan dropped, that is no longer so, and the run resumed would
 * skip the splits it had done and leave their rows out, or call itself finished over a target
 * that holds none of them. A run restored over starts over, as {@code --restart} does; one whose
 * tables were dropped reads their splits again.
 */
final class UndoneRun {
    /** The journal's entry for a run whose checkpoints were forgotten (--restart, or started over for one of these reasons). */
    static final String RESET = "checkpoints-reset";

    /** A restore that failed with one of these wrote nothing: it stopped before its first row (the prepare of its tables rolls back whole). */
    private static final List<String> BEFORE_WRITING = List.of("USAGE", "SETTING_INVALID", "PLAN_INVALID", "CAPABILITY_MISSING",
            "SINK_SCHEMA_MISMATCH", "BACKUP_NOT_FOUND", "BACKUP_PASSPHRASE", "BACKUP_VERSION", "BACKUP_LOCKED");

    private UndoneRun() {}

    /**
     * The restore that undid the run, said, if one did: {@code journal} is the state folder's entries
     * before this attempt, {@code target} the plan's, {@code planTables} the tables the run writes.
     */
    static Optional<String> restored(List<JournalEntry> journal, String runId, String target, Collection<String> planTables) {
        return restoredSince(journal, runId, target, planTables).map(restore -> "the target was restored from " + restore.source() + " at "
                + restore.time() + " (restore run " + restore.runId() + "), after run " + runId + " had written to it: what the run's"
                + " checkpoints say is there may not be, so it starts over (as --restart does), and takes rollback points of the target as"
                + " it is now (the earlier ones stay in the repository and the journal)");
    }

    /**
     * Tables a run that has checkpoints writes and the target no longer holds (dropped since), with
     * the entities whose splits to read again: empty where a table gone is no entity's own (a record's
     * list's table), when every checkpoint must go.
     */
    record Gone(List<String> tables, Set<EntityName> readAgain) {
        /** What is said, {@code how} the run goes on. */
        String said(String runId, String how) {
            return "run " + runId + " writes " + String.join(", ", tables) + ", which the target does not hold (dropped since it began):"
                    + " the rows of the splits it had done would be left out, so " + how;
        }

        String said(String runId) {
            return said(runId, readAgain.isEmpty() ? "it starts over (its checkpoints are forgotten)" : "their rows are read again");
        }
    }

    /**
     * The plan's tables the target lacks; {@code planTables} every table the run writes and {@code
     * targetTables} those the target holds, as the target names them (its default schema's bare).
     */
    static Optional<Gone> tablesGone(cutover.plan.Plan plan, Collection<String> planTables, Set<String> targetTables, String defaultSchema) {
        java.util.Set<String> gone = new java.util.TreeSet<>(planTables);
        gone.removeAll(targetTables);
        if (gone.isEmpty()) return Optional.empty();
        java.util.Set<EntityName> entities = new java.util.HashSet<>();
        java.util.Set<String> own = new java.util.HashSet<>();
        for (cutover.plan.EntityMapping e : plan.entities()) {
            String table = asTargetName(e.table(), defaultSchema);
            if (e.skip() || !gone.contains(table)) continue;
            entities.add(EntityName.of(e.source()));
            own.add(table);
        }
        return Optional.of(new Gone(List.copyOf(gone), own.containsAll(gone) ? Set.copyOf(entities) : Set.of()));
    }

    /** The tables as the target's description names them: bare in its default schema ({@code public.accounts} is {@code accounts}). */
    static List<String> asTargetNames(List<cutover.model.Table> tables, String defaultSchema) {
        return tables.stream().map(t -> asTargetName(t.name(), defaultSchema)).toList();
    }

    private static String asTargetName(String table, String defaultSchema) {
        return table.startsWith(defaultSchema + ".") ? table.substring(defaultSchema.length() + 1) : table;
    }

    /** Whether the attempt of the run before the one under way (journaled as begun) finished. */
    static boolean lastAttemptFinished(List<JournalEntry> entries, String command, String runId) {
        boolean thisOne = true;
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (!command.equals(e.command()) || !runId.equals(e.runId())) continue;
            if (thisOne) { // this attempt's beginning
                thisOne = false;
                continue;
            }
            return JournalEntry.SUCCEEDED.equals(e.status()) || JournalEntry.SUCCEEDED_WITH_REJECTS.equals(e.status());
        }
        return false;
    }

    /**
     * The first restore into {@code target} since the run's checkpoints were last forgotten (or, no
     * such entry, since its first attempt): from then on they may not hold. Not since the last
     * attempt: one that failed before it wrote (no passphrase for its rollback points) resets
     * nothing, nor one killed after it wrote.
     */
    private static Optional<JournalEntry> restoredSince(List<JournalEntry> journal, String runId, String target, Collection<String> planTables) {
        int lastReset = -1;
        for (int i = 0; i < journal.size(); i++) {
            JournalEntry e = journal.get(i);
            // new rollback points are taken only where the run's checkpoints were none (its first attempt) or forgotten (a
            // --restart, also by a build before checkpoints-reset: acceptance run 27 found such a restart not seen)
            boolean reset = RESET.equals(e.command()) || RollbackPoints.JOURNAL_COMMAND.equals(e.command());
            if (reset && runId.equals(e.runId())) lastReset = i;
        }
        // from the reset on (taken before the attempt writes); without one (--no-backup, an older build), from the first attempt
        int from = lastReset;
        for (int i = 0; i < journal.size() && from < 0; i++) {
            JournalEntry e = journal.get(i);
            if ("migrate".equals(e.command()) && runId.equals(e.runId())) from = i;
        }
        if (from < 0) return Optional.empty(); // its attempts are in another state folder's journal
        String where = identity(target);
        List<JournalEntry> since = journal.subList(from + 1, journal.size());
        for (int i = 0; i < since.size(); i++) {
            JournalEntry e = since.get(i);
            if (!"restore".equals(e.command()) || e.target() == null || !where.equals(identity(e.target()))) continue;
            if (JournalEntry.STARTED.equals(e.status()) && ended(since, i)) continue; // its own end says what it did
            if (!wroteNothing(e) && touches(e, planTables)) return Optional.of(e);
        }
        return Optional.empty();
    }

    /** Whether the run that began at {@code i} has its end in the journal (one without was killed, or runs still). */
    private static boolean ended(List<JournalEntry> entries, int i) {
        JournalEntry began = entries.get(i);
        for (JournalEntry later : entries.subList(i + 1, entries.size())) {
            if (!later.command().equals(began.command()) || !java.util.Objects.equals(later.runId(), began.runId())) continue;
            return !JournalEntry.STARTED.equals(later.status()); // begun again first: this one never ended
        }
        return false;
    }

    /** A restore that failed before it wrote a row. One that began and has no end (killed) may have written. */
    private static boolean wroteNothing(JournalEntry restore) {
        return JournalEntry.FAILED.equals(restore.status()) && restore.error() != null
                && BEFORE_WRITING.stream().anyMatch(code -> restore.error().startsWith(code + ":"));
    }

    /** Whether the restore wrote a table of the plan, by bare name; one journaled without its tables (before they were) may have. */
    private static boolean touches(JournalEntry restore, Collection<String> planTables) {
        if (!(restore.details().get("tablesWritten") instanceof List<?> written)) return true;
        Set<String> bare = new java.util.HashSet<>(planTables.stream().map(UndoneRun::bare).toList());
        return written.stream().anyMatch(t -> bare.contains(bare(String.valueOf(t))));
    }

    private static String bare(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    /**
     * A location as the database it names, however written: the journal keeps what each command was
     * given, and a restore typed by hand (another scheme alias, a password, the default port, a
     * schema) names the plan's target all the same. A PostgreSQL location's schema is left out: a
     * restore without one goes into its snapshot's schema, which may be the plan's.
     */
    static String identity(String location) {
        String s = Location.withoutSecrets(location.trim());
        if (s.startsWith("postgres://")) s = "postgresql://" + s.substring("postgres://".length());
        if (s.startsWith("postgresql://")) {
            try {
                URI u = new URI(s);
                String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
                // the machine itself, however named (acceptance run 26: a rollback typed with localhost was not seen)
                if (List.of("", "localhost", "127.0.0.1", "::1", "[::1]").contains(host)) host = "localhost"; // none: a local socket
                return "postgresql://" + host + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + u.getPath();
            } catch (URISyntaxException e) {
                return s;
            }
        }
        if (s.startsWith("sqlite:")) return "sqlite:" + Path.of(s.substring("sqlite:".length())).toAbsolutePath().normalize();
        return s;
    }
}
