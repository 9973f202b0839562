package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which snapshots {@link Repository#forget} keeps, as restic's forget does: the newest
 * {@code last}; for hourly/daily/weekly/monthly, the newest snapshot of each of the newest
 * {@code n} hours/days/ISO weeks/months (UTC) that have one; and any snapshot with a kept tag. A
 * snapshot kept by any rule stays. The rules apply to each source's snapshots on their own (restic
 * groups by host and paths): a repository that holds a database, a Firestore export and a
 * migration's target keeps the newest of each, not the newest three of whichever was backed up
 * last; snapshots taken together, one a source, are kept together. A policy with no rule at all is
 * refused rather than forgetting everything.
 */
public record RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly, Set<String> tags) {
    public RetentionPolicy {
        if (last < 0 || hourly < 0 || daily < 0 || weekly < 0 || monthly < 0) {
            throw new CutoverException(ErrorCode.USAGE, "keep counts cannot be negative");
        }
        tags = Set.copyOf(tags);
    }

    public static RetentionPolicy none() { return new RetentionPolicy(0, 0, 0, 0, 0, Set.of()); }

    public RetentionPolicy keepLast(int n) { return new RetentionPolicy(n, hourly, daily, weekly, monthly, tags); }
    public RetentionPolicy keepHourly(int n) { return new RetentionPolicy(last, n, daily, weekly, monthly, tags); }
    public RetentionPolicy keepDaily(int n) { return new RetentionPolicy(last, hourly, n, weekly, monthly, tags); }
    public RetentionPolicy keepWeekly(int n) { return new RetentionPolicy(last, hourly, daily, n, monthly, tags); }
    public RetentionPolicy keepMonthly(int n) { return new RetentionPolicy(last, hourly, daily, weekly, n, tags); }
    public RetentionPolicy keepTags(Set<String> keep) { return new RetentionPolicy(last, hourly, daily, weekly, monthly, keep); }

    public boolean isEmpty() { return last + hourly + daily + weekly + monthly == 0 && tags.isEmpty(); }

    /** Splits the snapshots into kept (with the rules that keep each) and removed. */
    ForgetResult apply(List<Snapshot> snapshots) {
        if (isEmpty()) {
            throw new CutoverException(ErrorCode.USAGE, "no keep rule keeps a snapshot (give --keep-last, --keep-hourly, --keep-daily,"
                    + " --keep-weekly or --keep-monthly of at least 1, or --keep-tag): refusing to forget every snapshot");
        }
        Map<String, List<Snapshot>> bySource = new LinkedHashMap<>();
        for (Snapshot s : snapshots) bySource.computeIfAbsent(s.source(), source -> new ArrayList<>()).add(s);
        List<ForgetResult.Kept> kept = new ArrayList<>();
        List<Snapshot> removed = new ArrayList<>();
        bySource.values().forEach(ofOneSource -> applyToOneSource(ofOneSource, kept, removed));
        keepWholeSets(kept, removed);
        java.util.TreeSet<String> held = new java.util.TreeSet<>();
        snapshots.forEach(s -> held.addAll(s.tags()));
        List<String> unheld = tags.stream().filter(t -> !held.contains(t)).sorted().toList();
        String unheldNote = "no snapshot has the tag" + (unheld.size() == 1 ? " " : "s ") + String.join(", ", unheld)
                + " (the tags here: " + (held.isEmpty() ? "none" : String.join(", ", held)) + ")";
        // a typo in a tag kept nothing: the same refusal as no rule at all (a tags-only policy of the right tag keeps its snapshots)
        if (!snapshots.isEmpty() && kept.isEmpty()) {
            throw new CutoverException(ErrorCode.USAGE, (snapshots.size() == 1 ? "the keep rules do not keep the only snapshot"
                    : "the keep rules keep none of the " + snapshots.size() + " snapshots") + (unheld.isEmpty() ? "" : ": " + unheldNote)
                    + "; refusing to forget every snapshot");
        }
        List<String> warnings = new ArrayList<>();
        if (!unheld.isEmpty()) warnings.add("--keep-tag: " + unheldNote);
        bySource.forEach((source, ofOneSource) -> {
            if (removed.containsAll(ofOneSource)) {
                warnings.add("every snapshot of " + source + " (" + ofOneSource.size() + ") is forgotten: the rules keep none of them");
            }
        });
        return new ForgetResult(kept, removed, warnings);
    }

    /**
     * Snapshots taken together ({@link SnapshotSet}) are kept together: a member another rule keeps
     * keeps the others of its set, each source's newest of it (its members' times differ, and fall
     * into other hours or days, and a compaction adds snapshots to some sources only), so that a
     * set kept restores whole.
     */
    private static void keepWholeSets(List<ForgetResult.Kept> kept, List<Snapshot> removed) {
        Map<String, String> keptSets = new LinkedHashMap<>(); // set id -> a kept member's short id
        java.util.Set<String> keptOfSource = new java.util.HashSet<>(); // set id + source, where one of them is kept already
        for (ForgetResult.Kept k : kept) {
            if (k.snapshot().set() == null) continue;
            keptSets.putIfAbsent(k.snapshot().set().id(), k.snapshot().shortId());
            keptOfSource.add(k.snapshot().set().id() + " " + k.snapshot().source());
        }
        List<Snapshot> newestFirst = new ArrayList<>(removed);
        newestFirst.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed());
        for (Snapshot s : newestFirst) {
            if (s.set() == null || !keptSets.containsKey(s.set().id()) || !keptOfSource.add(s.set().id() + " " + s.source())) continue;
            removed.remove(s);
            kept.add(new ForgetResult.Kept(s, List.of("set of " + keptSets.get(s.set().id()))));
        }
    }

    private void applyToOneSource(List<Snapshot> snapshots, List<ForgetResult.Kept> kept, List<Snapshot> removed) {
        List<Snapshot> newestFirst = new ArrayList<>(snapshots);
        newestFirst.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed());
        Map<Snapshot, List<String>> reasons = new LinkedHashMap<>();
        newestFirst.forEach(s -> reasons.put(s, new ArrayList<>()));
        for (int i = 0; i < Math.min(last, newestFirst.size()); i++) reasons.get(newestFirst.get(i)).add("last");
        bucket(newestFirst, reasons, hourly, "hourly", t -> t.getYear() + "-" + t.getDayOfYear() + "T" + t.getHour());
        bucket(newestFirst, reasons, daily, "daily", t -> t.getYear() + "-" + t.getDayOfYear());
        bucket(newestFirst, reasons, weekly, "weekly", t -> t.get(IsoFields.WEEK_BASED_YEAR) + "W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        bucket(newestFirst, reasons, monthly, "monthly", t -> t.getYear() + "-" + t.getMonthValue());
        for (Snapshot s : newestFirst) {
            for (String tag : s.tags()) if (tags.contains(tag)) reasons.get(s).add("tag " + tag);
        }
        reasons.forEach((s, why) -> {
            if (why.isEmpty()) removed.add(s);
            else kept.add(new ForgetResult.Kept(s, List.copyOf(why)));
        });
    }

    private static void bucket(List<Snapshot> newestFirst, Map<Snapshot, List<String>> reasons, int count, String rule,
                               Function<ZonedDateTime, String> key) {
        String previous = null;
        for (Snapshot s : newestFirst) {
            if (count == 0) return;
            String k = key.apply(s.time().atZone(ZoneOffset.UTC));
            if (!Objects.equals(k, previous)) {
                reasons.get(s).add(rule);
                previous = k;
                count--;
            }
        }
    }
}
