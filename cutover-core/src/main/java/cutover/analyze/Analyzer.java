package cutover.analyze;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a whole source and says what is in it: per entity, the count and size of its records, its
 * subcollections, and for every field path the kinds of values seen, how often, their ranges, a few
 * examples, and where references point.
 *
 * <pre>{@code
 * Schema schema = new Analyzer(AnalyzeOptions.DEFAULTS).analyze("firestore-export:./dump.json", source, AnalyzeListener.NONE);
 * System.out.println(SchemaReport.markdown(schema));
 * }</pre>
 *
 * <p>Splits are read in parallel ({@link AnalyzeOptions#parallelism()} threads), each into its own
 * tally, and the tallies are merged in split order; the result is exactly what one reader over all
 * the splits in order would give. Memory stays bounded per field path (counts, extremes, a few
 * examples) with two exceptions that grow with the data, compactly: 8 bytes per record for its key
 * hash and 8 bytes per reference value for its target's.
 *
 * <p><b>Dangling references.</b> A reference is dangling when its target entity is in the source
 * but holds no document with the target key. Keys are compared by 64-bit fingerprints of their
 * canonical encoding ({@link cutover.model.ValueCodec#encodeKey}), so a dangling reference whose
 * fingerprint collides with an existing key's goes unnoticed: with n keys the chance that any such
 * collision exists at all is about n²/2⁶⁴ (under 10⁻⁶ for 6 million keys). A reference whose target
 * entity is not in the source at all is not counted as dangling; see {@link Schema#targetInSource}.
 * A reference whose path is not a document path is counted under the target {@code ?}.
 *
 * <p>{@code count} excludes unreadable records, which are counted apart in {@code unreadable}.
 */
public final class Analyzer {
    /** How often (in records read by one split) progress is passed on to the listener. */
    private static final int PROGRESS_EVERY = 1000;

    private final AnalyzeOptions options;

    public Analyzer(AnalyzeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Reads the whole source; {@code sourceDescription} (a redacted location) becomes {@link Schema#source()}. */
    public Schema analyze(String sourceDescription, Source source, AnalyzeListener listener) {
        return analyzeWithNotes(sourceDescription, source, listener).schema();
    }

    /** As {@link #analyze}, with the notes the report shows beside the schema (unreadable examples, unlisted paths). */
    public AnalyzeResult analyzeWithNotes(String sourceDescription, Source source, AnalyzeListener listener) {
        return analyzeWithNotes(sourceDescription, source, listener, entity -> false);
    }

    /**
     * As {@link #analyzeWithNotes(String, Source, AnalyzeListener)}, without reading the entities
     * {@code leftOut} names where the source can tell their splits apart (a database's tables): a
     * plan's check reads only what the plan takes. Such an entity is in the schema, with no records.
     */
    public AnalyzeResult analyzeWithNotes(String sourceDescription, Source source, AnalyzeListener listener,
                                          java.util.function.Predicate<EntityName> leftOut) {
        return analyzeSparing(sourceDescription, source, listener, leftOut, entity -> false).result();
    }

    /** What {@link #analyzeSparing} read, and why each spared entity it could not read was not. */
    public record Spared(AnalyzeResult result, Map<EntityName, CutoverException> unreadable) {}

    /**
     * As {@link #analyzeWithNotes(String, Source, AnalyzeListener, java.util.function.Predicate)},
     * where a damaged chunk ({@code BACKUP_CORRUPT}) in a split of {@code spared} entities alone ends
     * that split with what it read before, rather than stopping the analysis: a partial restore reads the entities it does
     * not write only for the plan's shape (the tables a whole restore would make), and needs no more.
     */
    public Spared analyzeSparing(String sourceDescription, Source source, AnalyzeListener listener,
                                 java.util.function.Predicate<EntityName> leftOut, java.util.function.Predicate<EntityName> spared) {
        Objects.requireNonNull(sourceDescription, "sourceDescription");
        Objects.requireNonNull(listener, "listener");
        List<EntityInfo> infos = source.entities();
        java.util.Set<EntityName> notRead = infos.stream().map(EntityInfo::name).filter(leftOut).collect(java.util.stream.Collectors.toSet());
        Progress progress = new Progress(infos.stream().filter(i -> !notRead.contains(i.name())).toList(), listener);
        List<Split> splits = source.splitsExcept(options.parallelism(), notRead);
        Map<EntityName, CutoverException> unreadable = new java.util.concurrent.ConcurrentSkipListMap<>(java.util.Comparator.comparing(EntityName::value));
        SourceTally total = readAll(source, splits, progress, split -> !split.entities().isEmpty() && split.entities().stream().allMatch(spared), unreadable);
        for (EntityInfo info : infos) total.entity(info.name());
        return new Spared(new SchemaBuilder(total, infos, notRead).build(sourceDescription), java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(unreadable)));
    }

    private SourceTally readAll(Source source, List<Split> splits, Progress progress, java.util.function.Predicate<Split> spared,
                                Map<EntityName, CutoverException> unreadable) {
        SourceTally total = new SourceTally(options);
        if (splits.isEmpty()) return total;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.parallelism(), splits.size()), r -> {
            Thread t = new Thread(r, "cutover-analyze");
            t.setDaemon(true);
            return t;
        });
        // the first failure stops the other readers early, and is the one reported
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            List<Future<SourceTally>> futures = new ArrayList<>();
            for (Split split : splits) {
                futures.add(pool.submit(() -> {
                    try {
                        return readSplit(source, split, progress, failure, spared.test(split) ? unreadable : null);
                    } catch (CutoverException e) {
                        failure.compareAndSet(null, e);
                        throw e;
                    } catch (RuntimeException | Error e) {
                        CutoverException wrapped = new CutoverException(ErrorCode.INTERNAL,
                                "analyze failed while reading " + split.description() + ": " + e, e);
                        failure.compareAndSet(null, wrapped);
                        throw wrapped;
                    }
                }));
            }
            // merged in split order, whichever finishes first, so the result never depends on timing
            for (int i = 0; i < futures.size(); i++) {
                SourceTally part = futures.get(i).get();
                if (failure.get() != null) throw new ExecutionException(failure.get());
                total.merge(part);
                futures.set(i, null);
            }
            return total;
        } catch (ExecutionException e) {
            Throwable cause = failure.get() != null ? failure.get() : e.getCause();
            if (cause instanceof CutoverException ce) throw ce;
            throw new CutoverException(ErrorCode.INTERNAL, "analyze failed while reading the source: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERRUPTED, "analyze was interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The split's tally; where {@code spared} is given, a damaged chunk (a backup's) ends the split
     * with what was read before it, and is noted there by entity, instead of stopping the analysis.
     */
    private SourceTally readSplit(Source source, Split split, Progress progress, AtomicReference<Throwable> failure,
                                  Map<EntityName, CutoverException> spared) {
        SourceTally tally = new SourceTally(options);
        KeyHasher hasher = new KeyHasher();
        Map<EntityName, Long> unreported = new HashMap<>();
        int sinceReport = 0;
        try (RecordReader reader = source.read(split, Position.START)) {
            for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                if (failure.get() != null) return tally;
                if (Thread.currentThread().isInterrupted()) throw new CutoverException(ErrorCode.INTERRUPTED, "analyze was interrupted");
                EntityName entity = tally.add(item, hasher);
                if (entity != null) unreported.merge(entity, 1L, Long::sum);
                if (++sinceReport == PROGRESS_EVERY) {
                    progress.report(unreported);
                    sinceReport = 0;
                }
            }
        } catch (CutoverException e) {
            if (spared == null || e.code() != ErrorCode.BACKUP_CORRUPT) throw e;
            split.entities().forEach(entity -> spared.putIfAbsent(entity, e));
        }
        progress.report(unreported);
        return tally;
    }

    /** Totals per entity across splits, passed on to the listener. */
    private static final class Progress {
        private final Map<EntityName, AtomicLong> seen = new ConcurrentHashMap<>();
        private final Map<EntityName, Long> estimates = new HashMap<>();
        private final AnalyzeListener listener;

        Progress(List<EntityInfo> infos, AnalyzeListener listener) {
            this.listener = listener;
            for (EntityInfo info : infos) estimates.put(info.name(), info.estimatedCount());
        }

        void report(Map<EntityName, Long> unreported) {
            unreported.forEach((entity, n) -> {
                long now = seen.computeIfAbsent(entity, e -> new AtomicLong()).addAndGet(n);
                listener.progress(entity, now, estimates.getOrDefault(entity, -1L));
            });
            unreported.clear();
        }
    }
}
