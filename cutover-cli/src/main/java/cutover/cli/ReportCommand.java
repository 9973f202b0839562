package cutover.cli;

import cutover.journal.Journal;
import cutover.journal.JournalEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Renders the journal: every command that ran in this state folder, with its counts and results. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Shows what Cutover did here, from the journal in the state folder.")
final class ReportCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Mixin StateOptions state;

    @Option(names = "--json", description = "Print the journal entries as JSON.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Also write the report (Markdown) to FILE.")
    Path output;

    @Override
    public Integer call() throws IOException {
        List<JournalEntry> entries = new Journal(state.state).read();
        if (json) {
            System.out.println(Json.object("entries", entries));
            return 0;
        }
        String md = markdown(entries, state.state);
        System.out.print(md);
        if (output != null) Files.writeString(output, md);
        return 0;
    }

    static String markdown(List<JournalEntry> entries, Path stateDir) {
        StringBuilder s = new StringBuilder("# Cutover report\n\n");
        if (entries.isEmpty()) {
            return s.append("Nothing has run with the state folder ").append(stateDir).append(" yet.\n").toString();
        }
        s.append("| time | command | run | status | duration | source | target |\n|---|---|---|---|---|---|---|\n");
        entries = withoutEndedStarts(entries);
        for (JournalEntry e : entries) {
            s.append("| ").append(TIME.format(e.time())).append(" | ").append(e.command()).append(" | ").append(nullToDash(e.runId()))
                    .append(" | ").append(e.status().equals(JournalEntry.STARTED) ? "no end recorded (stopped by a kill, or still running)" : e.status())
                    .append(" | ").append(e.status().equals(JournalEntry.STARTED) ? "—" : human(Duration.ofMillis(e.durationMillis())))
                    .append(" | ").append(nullToDash(e.source())).append(" | ").append(nullToDash(e.target())).append(" |\n");
        }
        for (JournalEntry e : entries) {
            if (e.details().isEmpty() && e.warnings().isEmpty() && e.error() == null) continue;
            s.append("\n## ").append(e.command()).append(' ').append(nullToDash(e.runId())).append(" — ").append(TIME.format(e.time())).append("\n\n");
            for (Map.Entry<String, Object> d : e.details().entrySet()) {
                s.append("- ").append(d.getKey()).append(": ").append(d.getValue()).append('\n');
            }
            for (String w : e.warnings()) s.append("- warning: ").append(w).append('\n');
            if (e.error() != null) s.append("- error: ").append(e.error()).append('\n');
        }
        return s.toString();
    }

    /**
     * The entries but each start whose attempt wrote its end: the run's next entry is an end, not
     * another start (an attempt killed, then one that ended, shows the first's start alone). A start
     * that names no run (a backup's: its snapshot is named at its end) is the next entry's of its
     * command, source and target.
     */
    static List<JournalEntry> withoutEndedStarts(List<JournalEntry> entries) {
        List<JournalEntry> out = new java.util.ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry e = entries.get(i);
            if (e.status().equals(JournalEntry.STARTED)) {
                Optional<JournalEntry> next = entries.subList(i + 1, entries.size()).stream()
                        .filter(later -> later.command().equals(e.command()) && (e.runId() == null
                                ? java.util.Objects.equals(later.source(), e.source()) && java.util.Objects.equals(later.target(), e.target())
                                : java.util.Objects.equals(later.runId(), e.runId()))).findFirst();
                if (next.isPresent() && !next.get().status().equals(JournalEntry.STARTED)) continue;
            }
            out.add(e);
        }
        return out;
    }

    private static String nullToDash(String s) { return s == null ? "—" : s; }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        return String.format(java.util.Locale.ROOT, "%d min %d s", ms / 60_000, (ms / 1000) % 60);
    }
}
