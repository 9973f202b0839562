package cutover.analyze;

import cutover.model.EntityName;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running statistics of one field path in one split. Everything it keeps is order-independent
 * (sums, extremes, the examples with the smallest hashes) so that merging the tallies of several
 * splits gives exactly what one reader over all of them would.
 */
final class FieldTally {
    static final int EXAMPLE_LENGTH = 60;

    final List<String> path;
    /** When this path was first seen in its entity; orders the fields of the schema. */
    long order;
    long present;
    final long[] kinds = new long[Value.Kind.values().length];
    long minInt = Long.MAX_VALUE, maxInt = Long.MIN_VALUE;
    int maxTextLength, maxArrayLength;
    /** Reference target entity → count and target key hashes; invalid paths under {@link #INVALID_TARGET}. */
    final Map<EntityName, References> references = new TreeMap<>();
    private final int maxExamples;
    /** Rendered example → the smallest hash it was seen with; holds the maxExamples smallest pairs. */
    private final Map<String, Long> examples = new java.util.HashMap<>();
    /** Scalars already offered as examples, by hash: a cache, cleared when it grows. */
    private final Map<Long, Value> offeredScalars = new java.util.HashMap<>();

    /** The target given to references whose path is not a document path. */
    static final EntityName INVALID_TARGET = EntityName.of("?");

    static final class References {
        long count;
        final LongList targets = new LongList();
    }

    FieldTally(List<String> path, long order, int maxExamples) {
        this.path = path;
        this.order = order;
        this.maxExamples = maxExamples;
    }

    void add(Value value, KeyHasher hasher) {
        present++;
        kinds[value.kind().ordinal()]++;
        if (value instanceof Value.Int64 i) {
            minInt = Math.min(minInt, i.value());
            maxInt = Math.max(maxInt, i.value());
        } else if (value instanceof Value.Text t) {
            maxTextLength = Math.max(maxTextLength, t.value().codePointCount(0, t.value().length()));
        } else if (value instanceof Value.Array a) {
            maxArrayLength = Math.max(maxArrayLength, a.values().size());
            // an array of references is a to-many relation; its targets matter as much as a single one's
            for (Value element : a.values()) {
                if (element instanceof Value.Reference r) addReference(r, hasher);
            }
        } else if (value instanceof Value.Reference r) {
            addReference(r, hasher);
        }
        if (value.kind() != Value.Kind.NULL && maxExamples > 0) offerExample(value);
    }

    private void addReference(Value.Reference r, KeyHasher hasher) {
        EntityName target;
        long keyHash = 0;
        try {
            target = r.entity();
            keyHash = hasher.hash(r.key());
        } catch (IllegalArgumentException notADocumentPath) {
            target = INVALID_TARGET;
        }
        References refs = references.computeIfAbsent(target, t -> new References());
        refs.count++;
        if (target != INVALID_TARGET) refs.targets.add(keyHash);
    }

    /**
     * Keeps the examples with the smallest hashes: a sample that does not depend on the order the
     * records arrive in. The value is rendered only when it may enter the sample.
     */
    private void offerExample(Value value) {
        long h = mix(value.hashCode());
        if (examples.size() >= maxExamples && h > largestExampleHash()) return;
        // offering the same value twice changes nothing, so a repeated scalar ("Paris" again) is not rendered again
        boolean scalar = !(value instanceof Value.Array || value instanceof Value.MapValue);
        if (scalar && value.equals(offeredScalars.get(h))) return;
        offerExample(render(value), h);
        if (scalar) {
            if (offeredScalars.size() >= 4 * maxExamples) offeredScalars.clear();
            offeredScalars.put(h, value);
        }
    }

    private void offerExample(String text, long h) {
        Long old = examples.get(text);
        if (old != null) {
            if (h < old) examples.put(text, h);
            return;
        }
        examples.put(text, h);
        if (examples.size() > maxExamples) {
            String worst = null;
            long worstHash = Long.MIN_VALUE;
            for (Map.Entry<String, Long> e : examples.entrySet()) {
                if (worst == null || e.getValue() > worstHash || (e.getValue() == worstHash && e.getKey().compareTo(worst) > 0)) {
                    worst = e.getKey();
                    worstHash = e.getValue();
                }
            }
            examples.remove(worst);
        }
    }

    private long largestExampleHash() {
        long max = Long.MIN_VALUE;
        for (long h : examples.values()) max = Math.max(max, h);
        return max;
    }

    void merge(FieldTally other) {
        present += other.present;
        for (int i = 0; i < kinds.length; i++) kinds[i] += other.kinds[i];
        minInt = Math.min(minInt, other.minInt);
        maxInt = Math.max(maxInt, other.maxInt);
        maxTextLength = Math.max(maxTextLength, other.maxTextLength);
        maxArrayLength = Math.max(maxArrayLength, other.maxArrayLength);
        other.references.forEach((target, refs) -> {
            References mine = references.computeIfAbsent(target, t -> new References());
            mine.count += refs.count;
            mine.targets.addAll(refs.targets);
        });
        other.examples.forEach((text, h) -> offerExample(text, h));
    }

    Map<Value.Kind, Long> kindCounts() {
        Map<Value.Kind, Long> out = new EnumMap<>(Value.Kind.class);
        for (Value.Kind k : Value.Kind.values()) {
            if (kinds[k.ordinal()] > 0) out.put(k, kinds[k.ordinal()]);
        }
        return out;
    }

    /** The examples, in the order of their hashes (so stable, and a fair sample). */
    List<String> examples() {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(examples.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        return sorted.stream().map(Map.Entry::getKey).toList();
    }

    boolean hasInt() { return kinds[Value.Kind.INT64.ordinal()] > 0; }

    /** Value.toString, at most 60 code points, lone surrogates replaced so the text is valid Unicode. */
    static String render(Value value) {
        String s = value.toString();
        StringBuilder out = new StringBuilder(Math.min(s.length(), EXAMPLE_LENGTH + 1));
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (n == EXAMPLE_LENGTH - 1 && i < s.length()) {
                out.append('…');
                break;
            }
            out.appendCodePoint(Character.isSurrogate((char) cp) && Character.charCount(cp) == 1 ? 0xFFFD : cp);
            n++;
        }
        return out.toString();
    }

    /** A 64-bit finalizer (from SplitMix64) so that small hash codes spread over the whole range. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
