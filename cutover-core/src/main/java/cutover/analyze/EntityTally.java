package cutover.analyze;

import cutover.connector.RecordReader;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Running statistics of one entity in one split: counts, the hashes of every key (8 bytes a record,
 * for finding dangling references at the end), unreadable examples, and a {@link FieldTally} per
 * field path.
 *
 * <p>At most {@code maxFieldPaths} paths are tallied. Which ones must not depend on the order records
 * arrive in, or two splits would keep different paths and their merge would be wrong; so the kept
 * paths are always the smallest by {@link #PATH_PRIORITY} (shallowest first, then code point order).
 * A path that is in the final set is the smallest in every split too, so it is tallied from its first
 * occurrence everywhere. Paths left out are counted (distinct, up to {@link #UNLISTED_CAP}).
 */
final class EntityTally {
    static final int UNREADABLE_SAMPLES = 5;
    static final int UNLISTED_CAP = 100_000;
    static final int REASON_LENGTH = 200;

    static final Comparator<List<String>> PATH_PRIORITY = (a, b) -> {
        if (a.size() != b.size()) return Integer.compare(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            int c = cutover.model.ValueOrder.compareCodePoints(a.get(i), b.get(i));
            if (c != 0) return c;
        }
        return 0;
    };

    final EntityName name;
    private final AnalyzeOptions options;
    long count, bytes, unreadable;
    final LongList keyHashes = new LongList();
    final Map<List<String>, FieldTally> fields = new HashMap<>();
    private final TreeSet<List<String>> byPriority = new TreeSet<>(PATH_PRIORITY);
    private long nextOrder;
    private Set<Long> unlisted = new HashSet<>();
    boolean unlistedCapped;
    final List<UnreadableSample> unreadableSamples = new ArrayList<>();

    EntityTally(EntityName name, AnalyzeOptions options) {
        this.name = name;
        this.options = options;
    }

    void add(Record record, KeyHasher hasher) {
        count++;
        bytes += EncodedSize.of(record);
        keyHashes.add(hasher.hash(record.key()));
        visit(record.fields(), List.of(), hasher);
    }

    private void visit(Map<String, Value> values, List<String> prefix, KeyHasher hasher) {
        for (Map.Entry<String, Value> e : values.entrySet()) {
            List<String> path = append(prefix, e.getKey());
            FieldTally tally = tally(path);
            if (tally != null) tally.add(e.getValue(), hasher);
            if (e.getValue() instanceof Value.MapValue m && path.size() < options.maxDepth()) visit(m.fields(), path, hasher);
        }
    }

    private static List<String> append(List<String> prefix, String name) {
        if (prefix.isEmpty()) return List.of(name);
        List<String> path = new ArrayList<>(prefix.size() + 1);
        path.addAll(prefix);
        path.add(name);
        return List.copyOf(path);
    }

    /** The tally of a path, created if the path is among the smallest; null when it is left out. */
    private FieldTally tally(List<String> path) {
        FieldTally t = fields.get(path);
        if (t != null) return t;
        return admit(new FieldTally(path, nextOrder++, options.examples())) ? fields.get(path) : null;
    }

    private boolean admit(FieldTally t) {
        if (fields.size() >= options.maxFieldPaths()) {
            List<String> worst = byPriority.last();
            if (PATH_PRIORITY.compare(t.path, worst) > 0) {
                markUnlisted(t.path);
                return false;
            }
            byPriority.remove(worst);
            fields.remove(worst);
            markUnlisted(worst);
        }
        fields.put(t.path, t);
        byPriority.add(t.path);
        return true;
    }

    private void markUnlisted(List<String> path) {
        if (unlistedCapped) return;
        unlisted.add(pathHash(path));
        if (unlisted.size() > UNLISTED_CAP) {
            unlistedCapped = true;
            unlisted = Set.of();
        }
    }

    long unlistedPaths() { return unlistedCapped ? UNLISTED_CAP : unlisted.size(); }

    void addUnreadable(RecordReader.Unreadable u) {
        unreadable++;
        offerSample(unreadableSamples, u);
    }

    static void offerSample(List<UnreadableSample> samples, RecordReader.Unreadable u) {
        String reason = u.error().reason();
        if (reason.length() > REASON_LENGTH) reason = reason.substring(0, REASON_LENGTH - 1) + "…";
        offerSample(samples, new UnreadableSample(u.key() == null ? "" : u.key(), u.error().code(), u.error().field(), reason));
    }

    /** Keeps the smallest samples, so the same ones whatever the order of the splits. */
    static void offerSample(List<UnreadableSample> samples, UnreadableSample s) {
        samples.add(s);
        samples.sort(UnreadableSample.ORDER);
        if (samples.size() > UNREADABLE_SAMPLES) samples.remove(samples.size() - 1);
    }

    /** Adds another split's tally of the same entity; paths new here follow this one's, in their order there. */
    void merge(EntityTally other) {
        count += other.count;
        bytes += other.bytes;
        unreadable += other.unreadable;
        keyHashes.addAll(other.keyHashes);
        other.unreadableSamples.forEach(s -> offerSample(unreadableSamples, s));
        if (other.unlistedCapped) {
            unlistedCapped = true;
            unlisted = Set.of();
        } else {
            for (long h : other.unlisted) {
                if (unlistedCapped) break;
                unlisted.add(h);
                if (unlisted.size() > UNLISTED_CAP) {
                    unlistedCapped = true;
                    unlisted = Set.of();
                }
            }
        }
        List<FieldTally> theirs = new ArrayList<>(other.fields.values());
        theirs.sort(Comparator.comparingLong(f -> f.order));
        for (FieldTally t : theirs) {
            FieldTally mine = fields.get(t.path);
            if (mine != null) {
                mine.merge(t);
            } else {
                t.order = nextOrder++;
                admit(t);
            }
        }
    }

    /** The tallies to report: top-level fields first, each level in the order first seen. */
    List<FieldTally> orderedFields() {
        List<FieldTally> out = new ArrayList<>(fields.values());
        out.sort(Comparator.<FieldTally>comparingInt(f -> f.path.size()).thenComparingLong(f -> f.order));
        return out;
    }

    /** A 64-bit hash of a path, for counting distinct unlisted paths; the separator keeps [a.b] apart from [a, b]. */
    static long pathHash(List<String> path) {
        long h = 0xcbf29ce484222325L;
        for (String part : path) {
            for (int i = 0; i < part.length(); i++) h = (h ^ part.charAt(i)) * 0x100000001b3L;
            h = (h ^ 0x10000) * 0x100000001b3L;
        }
        return FieldTally.mix(h);
    }
}
