package cutover.cli;

import cutover.backup.EntitySnapshot;
import cutover.backup.Repository;
import cutover.backup.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Lists a repository's snapshots: id, time, source, tags, entities, records, sizes. */
@Command(name = "snapshots", mixinStandardHelpOptions = true, description = "Lists the snapshots of a backup repository, oldest first.")
final class SnapshotsCommand implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
        Repository.Listing listing = repo.open().listing();
        List<Snapshot> snapshots = listing.snapshots();
        // a damaged snapshot is named beside the others (and the exit code says so), not in place of them
        int exit = listing.damaged().isEmpty() ? 0 : cutover.error.ErrorCode.BACKUP_CORRUPT.exitCode();
        listing.damaged().forEach((file, why) -> System.err.println("cutover: BACKUP_CORRUPT: " + file + " does not read (`backup check` names"
                + " what else is damaged): " + why));
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("snapshots", snapshots.stream().map(SnapshotsCommand::summary).toList());
            out.put("damaged", listing.damaged());
            System.out.println(Json.write(out));
            return exit;
        }
        if (output.quiet) return exit;
        if (snapshots.isEmpty()) {
            System.out.println(listing.damaged().isEmpty() ? "no snapshots yet" : "no snapshot reads");
            return exit;
        }
        // the source column as wide as its longest, so a long location does not push the columns after it out of line
        int sourceWidth = Math.max("source".length(), snapshots.stream().mapToInt(s -> s.source().length()).max().orElse(0));
        String row = "%-8s  %-20s  %-" + sourceWidth + "s  %8s  %12s  %10s  %10s  %s%n";
        System.out.printf(Locale.ROOT, row, "id", "time (UTC)", "source", "entities", "records", "size", "added", "tags");
        for (Snapshot s : snapshots) {
            System.out.printf(Locale.ROOT, row.replace("%8s  %12s", "%8d  %,12d"), s.shortId(),
                    s.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace("T", " ").replace("Z", ""),
                    s.source(), s.entities().size(), s.records(), bytes(s.totalBytes() + s.fileBytes()), bytes(s.addedBytes()), String.join(",", s.tags()));
        }
        // each set's members, one a source (its newest: a compaction's copy of one is the same moment)
        Map<String, Map<String, String>> sets = new LinkedHashMap<>();
        for (Snapshot s : snapshots) if (s.set() != null) sets.computeIfAbsent(s.set().id(), id -> new LinkedHashMap<>()).put(s.source(), s.shortId());
        sets.values().forEach(ids -> System.out.println("taken together, at one moment: " + String.join(", ", ids.values())));
        return exit;
    }

    static Map<String, Object> summary(Snapshot s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("shortId", s.shortId());
        out.put("time", s.time().toString());
        out.put("host", s.host());
        out.put("source", s.source());
        out.put("tags", s.tags());
        if (s.set() != null) out.put("takenWith", Json.fields("set", s.set().id(), "sources", s.set().sources())); // one moment, each a snapshot
        out.put("records", s.records());
        out.put("totalBytes", s.totalBytes());
        out.put("storedBytes", s.storedBytes());
        out.put("addedBytes", s.addedBytes());
        Map<String, Object> entities = new LinkedHashMap<>();
        for (EntitySnapshot e : s.entities()) {
            Map<String, Object> entity = new LinkedHashMap<>();
            entity.put("records", e.records());
            entity.put("bytes", e.bytes());
            entity.put("chunks", e.chunks().size());
            entity.put("unreadable", e.unreadable());
            entity.put("stored", e.copyText() == null ? "records" : e.copyText().format()); // records, or the database's COPY text
            if (e.changes() != null) entity.put("changeLayers", e.changes().layers().size()); // layers of changed rows over the last full read
            if (e.definition() != null) entity.put("definition", e.definition().format()); // the table as its database defines it
            entities.put(e.name(), entity);
        }
        out.put("entities", entities);
        out.put("files", s.files().size());
        out.put("fileBytes", s.fileBytes());
        return out;
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
