package cutover.firebase;

import cutover.model.Record;
import cutover.model.ValueCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Documents put in the order a node-firestore-import-export file needs: depth first (a document,
 * then its subcollections' documents, then the next document), each collection's documents
 * together. That is the order of their paths compared segment by segment, a path before the paths
 * it is a prefix of; each path is encoded so that comparing the bytes compares the segments.
 * Memory is bounded: past {@code memoryBytes} the sorted records go to a run file in
 * {@code spillFolder}, and the runs are merged at the end (an external merge sort). Not thread-safe.
 */
final class DepthFirstSort implements AutoCloseable {
    private static final int ENTRY_OVERHEAD = 64; // the two arrays' headers and the list's reference
    private final Path spillFolder;
    private final long memoryBytes;
    private final List<Entry> buffered = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long bufferedBytes;

    private record Entry(byte[] path, byte[] record) {}

    private static final Comparator<Entry> BY_PATH = Comparator.comparing(Entry::path, Arrays::compareUnsigned);

    DepthFirstSort(Path spillFolder, long memoryBytes) {
        this.spillFolder = spillFolder;
        this.memoryBytes = memoryBytes;
    }

    void add(Record document) {
        Entry e = new Entry(pathOf(document), ValueCodec.encodeRecord(document));
        buffered.add(e);
        bufferedBytes += e.path.length + e.record.length + ENTRY_OVERHEAD;
        if (bufferedBytes >= memoryBytes) spill();
    }

    /** Hands every record to {@code out} in depth-first order. */
    void drainTo(Consumer<Record> out) {
        if (runs.isEmpty()) {
            buffered.sort(BY_PATH);
            for (Entry e : buffered) out.accept(decode(e.record));
            buffered.clear();
            return;
        }
        spill();
        List<RunReader> readers = new ArrayList<>();
        try {
            PriorityQueue<RunReader> heads = new PriorityQueue<>(Comparator.comparing((RunReader r) -> r.head, BY_PATH));
            for (Path run : runs) {
                RunReader r = new RunReader(run);
                readers.add(r);
                if (r.advance()) heads.add(r);
            }
            while (!heads.isEmpty()) {
                RunReader r = heads.poll();
                out.accept(decode(r.head.record));
                if (r.advance()) heads.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading back the sorted documents: " + e.getMessage(), e);
        } finally {
            for (RunReader r : readers) r.close();
        }
    }

    /** How many run files were written (0: everything fit in memory). */
    int runs() { return runs.size(); }

    @Override
    public void close() {
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException e) {
                // a run left behind is only a temporary file
            }
        }
        runs.clear();
        buffered.clear();
    }

    /**
     * The document's path, collection and id in turn ({@code users}, {@code u1}, {@code posts},
     * {@code p1}), each segment's UTF-8 with 0x00 and 0x01 escaped (as 0x01 0x01 and 0x01 0x02) and
     * ended by 0x00: comparing the bytes compares the segments in turn, a prefix first.
     */
    static byte[] pathOf(Record document) {
        List<String> collections = document.entity().collectionIds();
        List<String> ids = FirestoreExportWriter.idsOf(document.key(), document.entity());
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (int i = 0; i < collections.size(); i++) {
            segment(out, collections.get(i));
            segment(out, ids.get(i));
        }
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, String s) {
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (b == 0 || b == 1) {
                out.write(1);
                out.write(b + 1);
            } else {
                out.write(b);
            }
        }
        out.write(0);
    }

    private void spill() {
        if (buffered.isEmpty()) return;
        buffered.sort(BY_PATH);
        try {
            Path run = Files.createTempFile(spillFolder, "cutover-sort-", ".run");
            runs.add(run);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (Entry e : buffered) {
                    out.writeInt(e.path.length);
                    out.write(e.path);
                    out.writeInt(e.record.length);
                    out.write(e.record);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing sorted documents to " + spillFolder + ": " + e.getMessage(), e);
        }
        buffered.clear();
        bufferedBytes = 0;
    }

    private static Record decode(byte[] bytes) {
        try {
            return ValueCodec.decodeRecord(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run file, read an entry at a time. */
    private static final class RunReader implements AutoCloseable {
        private final DataInputStream in;
        private Entry head;

        RunReader(Path run) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
        }

        boolean advance() throws IOException {
            int n;
            try {
                n = in.readInt();
            } catch (EOFException end) {
                head = null;
                return false;
            }
            byte[] path = in.readNBytes(n);
            byte[] record = in.readNBytes(in.readInt());
            head = new Entry(path, record);
            return true;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // closing a read-only temporary file
            }
        }
    }
}
