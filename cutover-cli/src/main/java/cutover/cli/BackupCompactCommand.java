package cutover.cli;

import cutover.backup.EntitySnapshot;
import cutover.backup.Repository;
import cutover.backup.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Writes a snapshot again with its tables' change layers merged into new bases, from the repository alone. */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = {"Writes a snapshot again with the change layers of its tables merged into new bases, read from the repository alone "
                + "(the database is not read), as a new snapshot of the same rows tagged 'compacted', listed just after it. The next backup "
                + "of the source adds its changes to the compacted latest, where a table with 32 layers (or layers over half its base) "
                + "would be read whole.",
                "", "A scheduled backup (--every) compacts a table by itself when its next run would read it whole. The snapshot "
                + "compacted stays until forget removes it."})
final class BackupCompactCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SNAPSHOT", description = "latest (the default) or an id prefix; with --due and none"
            + " given, the latest snapshot of each source the repository holds.")
    String ref;

    @Option(names = "--due", description = "Only the tables whose next backup would read them whole (32 layers, or one more layer like "
            + "the last past half the base): cheap to run after every backup a timer or cron starts, as a scheduled backup does by itself.")
    boolean due;

    @Mixin RepoOptions repo;
    @Mixin LockWaitOption lockWait;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
        Repository repository = repo.open(lockWait::apply);
        // a timer's `compact --due` after each backup: each source's next backup builds on its own latest
        List<Snapshot> snapshots = ref == null && due ? repository.latestOfEachSource() : List.of(repository.snapshot(ref == null ? "latest" : ref));
        List<Map<String, Object>> described = new ArrayList<>();
        for (Snapshot snapshot : snapshots) {
            Instant started = Instant.now();
            Optional<Snapshot> compacted = repository.compact(snapshot, due ? Repository::dueForCompaction : e -> true);
            Duration took = Duration.between(started, Instant.now());
            Map<String, String> left = Repository.notCompactable(snapshot);
            Map<String, Object> description = new LinkedHashMap<>(describe(snapshot, compacted, took));
            description.put("left", left);
            described.add(description);
            if (!output.json && output.showSummary()) {
                System.out.println(compacted.map(c -> text(snapshot, c, took)).orElse("snapshot " + snapshot.shortId() + " has no change layers "
                        + (due ? "due for compaction" : left.isEmpty() ? "to compact" : "that can be compacted here")));
                left.forEach((table, why) -> System.out.println("  left layered: " + table + ": " + why));
            }
        }
        // one snapshot: its description as ever; the latest of several sources: {"compactions": [...]}
        if (output.json) System.out.println(Json.write(described.size() == 1 ? described.get(0) : Json.fields("compactions", described)));
        return 0;
    }

    /** What a compaction did, for --json: the snapshot compacted, the new one's summary (or null), the tables and the time. */
    static Map<String, Object> describe(Snapshot snapshot, Optional<Snapshot> compacted, Duration took) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", snapshot.id());
        out.put("snapshot", compacted.map(SnapshotsCommand::summary).orElse(null));
        out.put("tables", compacted.map(c -> compactedTables(snapshot, c)).orElse(Map.of()));
        out.put("millis", took.toMillis());
        return out;
    }

    /** "snapshot X compacted into Y: t (32 layers), … in 1.2 s, 47 MB added". */
    static String text(Snapshot snapshot, Snapshot compacted, Duration took) {
        List<String> tables = new ArrayList<>();
        compactedTables(snapshot, compacted).forEach((table, layers) -> tables.add(table + " (" + layers + (layers == 1 ? " layer)" : " layers)")));
        return "snapshot " + snapshot.shortId() + " compacted into " + compacted.shortId() + ": " + String.join(", ", tables)
                + " in " + ReportCommand.human(took) + ", " + SnapshotsCommand.bytes(compacted.addedBytes()) + " added";
    }

    /** The tables that had layers in {@code snapshot} and have none in {@code compacted}, each with its layers merged. */
    static Map<String, Integer> compactedTables(Snapshot snapshot, Snapshot compacted) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (EntitySnapshot e : snapshot.entities()) {
            if (e.layered() && compacted.entity(e.entityName()).filter(c -> !c.layered()).isPresent()) out.put(e.name(), e.changes().layers().size());
        }
        return out;
    }
}
