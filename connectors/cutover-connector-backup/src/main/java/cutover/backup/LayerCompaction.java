package cutover.backup;

import cutover.connector.CopyTextFormat;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.Waiting;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A layered entity written again as a base with no layers, from the repository alone
 * (docs/backup-format.md, "Compaction"): each base part merged with the layers' rows in key order
 * ({@link CompactingMerge}) into a new part, cut into chunks and stored as a backup's part is. The
 * new entity holds the same rows and keeps the track's moment, counts and digests, so the next
 * backup adds its layer to it as it would have to the layered one, where a 33rd layer (or layers
 * over half the base) would have made it read the table whole.
 *
 * <p>Every part read is proven at its end as a restore proves it, and the rows written must be the
 * entity's count of rows: the merge is refused, and nothing of it listed, where they are not.
 */
final class LayerCompaction {
    private static final int BUFFER = 256 * 1024;

    private LayerCompaction() {}

    /** Whether the entity has layers to compact, in a format that tells its keys' order (a collation's order only its database knows). */
    static boolean possible(Snapshot snapshot, EntitySnapshot entity) {
        return entity.layered() && whyNot(snapshot, entity).isEmpty();
    }

    /** Why a layered entity cannot be compacted here (its layers are left as they are), or empty when it can. */
    static java.util.Optional<String> whyNot(Snapshot snapshot, EntitySnapshot entity) {
        try {
            if (LayerKeys.reader(snapshot, entity, false).order() != null) return java.util.Optional.empty();
            return java.util.Optional.of("its key is of a type whose order only its database knows (text under a collation, a timestamp"
                    + " with a time zone): its rows cannot be merged in the database's order here, so the next backup due reads it whole");
        } catch (CutoverException e) {
            return java.util.Optional.of("its format or key is one this Cutover does not read: " + e.getMessage()); // left as it is
        }
    }

    /**
     * The entity as one base, its parts written through {@code newPart} (a part stream for a tally of
     * the given columns' value kinds), its base parts merged in up to {@code threads} runs at once.
     */
    static EntitySnapshot compact(Snapshot snapshot, EntitySnapshot entity, LayerKeys.Parts parts,
                                  Function<CopyTextFormat.KindTally, CopyPartStream> newPart, int threads) {
        CopyTextFormat format = SnapshotRecordReader.formatOf(snapshot, entity);
        CopyTextFormat.KeyReader rowKeys = LayerKeys.reader(snapshot, entity, false);
        if (rowKeys.order() == null) throw new IllegalArgumentException(entity.name() + ": its keys' order is its database's");
        int baseParts = entity.changes().firstLayerPart(entity.streamParts().size());
        List<Integer> starts = runStarts(entity.streamParts().subList(0, baseParts), threads);
        List<String> firstKeys = new ArrayList<>(); // of each run after the first: where the run before it ends
        for (int run = 1; run < starts.size(); run++) firstKeys.add(firstKey(parts.open(starts.get(run)), rowKeys));
        firstKeys.add(null);
        List<CopyPartStream> streams = new ArrayList<>();
        List<BufferedOutputStream> outs = new ArrayList<>();
        for (int i = 0; i < baseParts; i++) {
            CopyPartStream stream = newPart.apply(format.tally(entity.copyText().columns()));
            streams.add(stream);
            outs.add(new BufferedOutputStream(stream, BUFFER));
        }
        long written = 0;
        if (starts.size() == 1) {
            written = mergeRun(snapshot, entity, parts, outs, 0, baseParts, null, null);
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(starts.size(), task -> {
                Thread t = new Thread(task, "cutover-compact");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Long>> runs = new ArrayList<>();
                for (int run = 0; run < starts.size(); run++) {
                    int first = starts.get(run), end = run + 1 < starts.size() ? starts.get(run + 1) : baseParts;
                    String from = run == 0 ? null : firstKeys.get(run - 1), upTo = firstKeys.get(run);
                    runs.add(pool.submit(() -> mergeRun(snapshot, entity, parts, outs, first, end, from, upTo)));
                }
                for (Future<Long> run : runs) written += Waiting.on(run, "compacting " + entity.name());
            } finally {
                pool.shutdownNow();
            }
        }
        if (written != entity.records()) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + snapshot.shortId() + ", entity " + entity.name() + ": its base and "
                    + entity.changes().layers().size() + " change layers merge into " + written + " rows, where the manifest says it holds "
                    + entity.records() + "; not compacted");
        }
        List<PartStream.Result> results = new ArrayList<>();
        for (int i = 0; i < baseParts; i++) {
            flush(outs.get(i));
            results.add(streams.get(i).finish());
        }
        return entityOf(entity, results);
    }

    /**
     * Where each run of base parts starts, up to {@code threads} runs of about as many lines: the
     * first at part 0, each other at a part that has lines (its first line's key is where the run
     * before it ends).
     */
    static List<Integer> runStarts(List<EntityPart> base, int threads) {
        long total = 0;
        for (EntityPart p : base) total += p.records();
        List<Integer> starts = new ArrayList<>(List.of(0));
        long before = 0;
        for (int i = 0; i < base.size(); i++) {
            if (i > 0 && base.get(i).records() > 0 && starts.size() < threads && before >= total * starts.size() / threads) starts.add(i);
            before += base.get(i).records();
        }
        return starts;
    }

    /** The key of the part's first line (the part has lines). */
    private static String firstKey(SnapshotRecordReader part, CopyTextFormat.KeyReader keys) {
        try (part) {
            String[] key = new String[1];
            if (!part.nextLine((b, offset, length) -> key[0] = LayerKeys.keyOf(keys, b, offset, length, part))) {
                throw new CutoverException(ErrorCode.BACKUP_CORRUPT, part.where() + " has no line, where the manifest counts some");
            }
            return key[0];
        }
    }

    /**
     * Base parts {@code [first, end)} merged with the layers' rows from {@code from} (null: the first)
     * up to {@code upTo} (null: the last), each layer read by cursors of this run's own, and the keys
     * by readers of its own (a key reader keeps its scratch space: one per thread). Returns the lines written.
     */
    private static long mergeRun(Snapshot snapshot, EntitySnapshot entity, LayerKeys.Parts parts,
                                 List<BufferedOutputStream> outs, int first, int end, String from, String upTo) {
        ChangeTrack track = entity.changes();
        CopyTextFormat.KeyReader rowKeys = LayerKeys.reader(snapshot, entity, false);
        List<CompactingMerge.Layer> layers = new ArrayList<>();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            int number = 0;
            for (ChangeTrack.ChangeLayer l : track.layers()) {
                number++;
                LineCursor rows = new LineCursor(LineCursor.of(opened(parts.open(l.rowsPart()), opened)), rowKeys, rowKeys.order(), number);
                KeyCursor listed = null;
                if (l.keysPart() >= 0) {
                    SnapshotRecordReader keysPart = opened(parts.open(l.keysPart()), opened);
                    listed = new KeyCursor(KeyCursor.of(keysPart, LayerKeys.reader(snapshot, entity, true)), rowKeys.order());
                }
                layers.add(new CompactingMerge.Layer(rows, LayerKeys.moved(l), listed));
            }
            CompactingMerge merge = new CompactingMerge(layers, rowKeys.order(), rowKeys, track.bucketing(), outs, first, from);
            for (int i = first; i < end; i++) {
                try (SnapshotRecordReader base = parts.open(i)) {
                    merge.basePart(i, base.where());
                    base.eachLine((b, offset, length) -> merge.baseLine(b, offset, length, base.linesRead()));
                }
            }
            merge.finish(upTo);
            return merge.written();
        } finally {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception e) {
                    // a reader's file closed: nothing to lose
                }
            }
        }
    }

    private static SnapshotRecordReader opened(SnapshotRecordReader part, List<AutoCloseable> opened) {
        opened.add(part);
        return part;
    }

    private static void flush(BufferedOutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a part stream writes to the store, which throws no IOException
        }
    }

    /** The entity with the merged parts as its base and no layers; its track at the same moment. */
    private static EntitySnapshot entityOf(EntitySnapshot entity, List<PartStream.Result> written) {
        EntityParts.Assembled a = EntityParts.assemble(written);
        ChangeTrack then = entity.changes();
        ChangeTrack track = then.at(then.mark(), then.counts(), then.digests(), List.of(), a.records());
        return new EntitySnapshot(entity.name(), entity.keyColumns(), a.records(), a.bytes(), EntitySnapshot.digestOfParts(a.parts()), a.fields(),
                a.chunks(), entity.unreadable(), entity.unreadableSamples(), a.parts(), a.kindCounts(), entity.sourceDigest(), entity.copyText(), track, entity.definition(), null, entity.nullableColumns());
    }
}
