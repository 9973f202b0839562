package cutover.backup;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Warms, once per process, what a process that backs up again and again ({@code backup --every})
 * runs a few thousand times in every later backup, and its first backup ran too seldom for the JIT
 * to compile: the manifest's JSON, as later runs write it (a table's layers' chunk ids, and its base's
 * until a list file held them: ~5,800 at 1M rows, eighteenth session) and the chunker's cut of a part's rest ({@link Chunker#cutLast}:
 * a change layer's last quarter megabyte every run, a full backup's once a split). JFR of a
 * scheduled process's first incrementals (bench/RESULTS.md, seventeenth session): both compiled by
 * C2 during runs 2 and 3, 6-23 ms of a compiler thread each, beside a run of 70-100 ms on two cores.
 * Runs on a thread of its own at the lowest priority, with the snapshot just written and made-up
 * bytes; it writes nothing anywhere.
 */
final class NextBackupsWarmUp {
    /** Serializations of the manifest: a 1M-row table's ~5,800 chunk ids eight times, three times C2's call threshold at the launcher's x3. */
    static final int MANIFESTS = 8;
    /** Rests as long as the coarse chunker's largest chunk, cut whole: ~2,000 cuts, past C2's thresholds for the cut's calls and its loop. */
    static final int RESTS = 250;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private NextBackupsWarmUp() {}

    /** Starts the warm-up with {@code written}, the snapshot just written, once per process. */
    static void startOnce(Snapshot written, ChunkerParams params) {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> run(written, params), "cutover-backup-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The warm-up itself, on the caller's thread; returns the chunks cut (for a test: the work is done, not skipped). */
    static long run(Snapshot written, ChunkerParams params) {
        try {
            ManifestFile manifest = new ManifestFile(ManifestFile.VERSION, written.time().toString(), written.host(), written.source(),
                    written.tags(), written.entities(), written.totalBytes(), written.storedBytes(), written.addedBytes(), written.addedChunks(),
                    written.files().isEmpty() ? null : written.files()).asWritten();
            Json json = new Json(); // another mapper, the same serializer classes and generator: the compiled code is shared
            for (int i = 0; i < MANIFESTS; i++) json.write(manifest);
            return cutRests(new Chunker(params.coarse()));
        } catch (RuntimeException e) {
            return 0; // it only saves a later run time: that run reports any real failure
        }
    }

    /**
     * Made-up rests ({@link #RESTS} of them, each just short of the largest chunk, so that all of it
     * is cut at the finish) written to a chunking stream and finished, as a part's are; returns the chunks.
     */
    private static long cutRests(Chunker chunker) {
        byte[] rest = new byte[chunker.params().max() - 1];
        new SplittableRandom(1).nextBytes(rest); // a gear hash cuts random bytes as often as it cuts text
        long[] chunks = {0};
        for (int i = 0; i < RESTS; i++) {
            ChunkingStream stream = new ChunkingStream(chunker, (buffer, offset, length) -> chunks[0]++);
            stream.write(rest, 0, rest.length - i); // rests of different lengths: their last chunks end anywhere
            stream.finish();
        }
        return chunks[0];
    }
}
