package cutover.backup;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;

/**
 * Reads every split of a source into a snapshot writer, {@code threads} splits at a time, each into
 * its own {@link SplitWriter} taken in split order: so an entity's parts are in split order (key
 * order for a database cut into key ranges) however the threads finish, and the chunks stay put
 * from one backup to the next as long as the split bounds do.
 */
final class SourceReading {
    private final Source source;
    private final int threads;
    private final ObjLongConsumer<EntityName> progress;
    private final Map<EntityName, AtomicLong> counts = new ConcurrentHashMap<>();

    SourceReading(Source source, int threads, ObjLongConsumer<EntityName> progress) {
        this.source = source;
        this.threads = threads;
        this.progress = progress;
    }

    /** Declares the source's entities, reads every split, finishes their writers; the caller commits. */
    void into(SnapshotWriter writer, int splitHint) {
        // quick estimates: a database's tables with their keys; an export is not scanned twice for them
        for (EntityInfo e : source.quickEstimates().orElse(List.of())) writer.declare(e.name(), e.keyColumns());
        List<Split> splits = source.splits(splitHint);
        List<SplitWriter> writers = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) writers.add(writer.split());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, splits.size())), r -> {
            Thread t = new Thread(r, "cutover-backup-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < splits.size(); i++) {
                Split split = splits.get(i);
                SplitWriter w = writers.get(i);
                running.add(pool.submit(() -> read(split, w)));
            }
            for (Future<?> f : running) await(f);
        } finally {
            pool.shutdownNow();
        }
        counts.forEach((entity, n) -> progress.accept(entity, n.get()));
    }

    private void read(Split split, SplitWriter writer) {
        try (RecordReader reader = source.read(split, Position.START)) {
            for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                if (item instanceof RecordReader.Ok ok) {
                    writer.write(ok.record());
                    long n = counts.computeIfAbsent(ok.record().entity(), e -> new AtomicLong()).incrementAndGet();
                    if (n % 1000 == 0) progress.accept(ok.record().entity(), n);
                } else if (item instanceof RecordReader.Unreadable u && u.entity() != null) {
                    writer.unreadable(u.entity(), u.key(), u.error().code() + ": " + u.error().reason());
                }
            }
        }
        writer.finish();
    }

    /** Waits for one split; the first failure stops the backup (the others are interrupted by the pool's shutdown). */
    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERRUPTED, "the backup was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CutoverException ce) throw ce;
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new CutoverException(ErrorCode.INTERNAL, "reading a split failed: " + cause, cause);
        }
    }
}
