package cutover.verify;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Fields;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.RowText;
import cutover.model.ValueCodec;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows pass two of a {@link StreamedComparison} keeps for its later rounds: a file a round and
 * side, in a temporary folder of its own (the owner's alone; removed on close: the rows are the
 * application's data), each round's read back when it is compared. So each side is read twice
 * however many rounds its differences make, and memory holds one round. Every round's file is open
 * while pass two reads: the comparison makes at most {@link #MAX_ROUNDS} rounds.
 */
final class RoundSpill implements AutoCloseable {
    /** Rounds at most, so at most twice as many files are open at once (a 64 KiB buffer each would have been 256 MiB for 2,000 rounds). */
    static final int MAX_ROUNDS = 128;
    private static final int BUFFER = 1 << 13;

    final Side source, target;
    private final int rounds;
    private Path folder; // made with the first row spilled
    private boolean closed;

    RoundSpill(int rounds) {
        if (rounds > MAX_ROUNDS) throw new IllegalArgumentException(rounds + " rounds, more than " + MAX_ROUNDS);
        this.rounds = rounds;
        source = new Side("source");
        target = new Side("target");
    }

    /** Empty rows for these tables. */
    static Map<String, StreamedComparison.Rows> rowsOf(Set<String> tables) {
        Map<String, StreamedComparison.Rows> out = new LinkedHashMap<>();
        for (String t : tables) out.put(t, new StreamedComparison.Rows());
        return out;
    }

    /** Folders of this kind are named for the process that made them, so that another can tell one left by a process killed outright. */
    private static final String PREFIX = "cutover-compare-";

    /** Removes the folder when the JVM is stopped (Ctrl-C, SIGTERM) while the comparison runs: it holds the application's rows. */
    private final Thread onStop = new Thread(this::remove, "cutover-compare-cleanup");

    /**
     * The folder, made when first asked (with it, those of processes gone are removed: one killed
     * outright leaves its own); null once closed (a reader still running after the comparison failed
     * writes nothing more).
     */
    private synchronized Path folder() throws IOException {
        if (closed) return null;
        if (folder == null) {
            folder = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
            Runtime.getRuntime().addShutdownHook(onStop);
            removeLeftBehind(folder.getParent());
        }
        return folder;
    }

    /** Removes the comparison folders in {@code temporary} whose process is gone (killed with -9, say). */
    private static void removeLeftBehind(Path temporary) {
        try (java.util.stream.Stream<Path> all = Files.list(temporary)) {
            for (Path f : all.toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith(PREFIX)) continue;
                String[] parts = name.substring(PREFIX.length()).split("-", 2);
                long pid;
                try {
                    pid = Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    continue; // another tool's, or an earlier version's: not known to be abandoned
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) removeFolder(f);
            }
        } catch (IOException | SecurityException e) {
            // another user's folder, or one going as this looks: left to the system's cleaning
        }
    }

    private static void removeFolder(Path folder) {
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // a temporary folder: the system's cleaning takes what is left
        }
    }

    /** A row read back: its table, its key and hash as compared, the row as compared and as given. */
    interface Spilled {
        void row(String table, Key key, long hash, Record row, Record given);
    }

    /** One side's files, a round each. */
    final class Side {
        private final String name;
        private final DataOutputStream[] files = new DataOutputStream[rounds];
        private final List<String>[] lineColumns;

        @SuppressWarnings("unchecked")
        private Side(String name) {
            this.name = name;
            this.lineColumns = new List[rounds];
        }

        private Path file(Path in, int round) {
            return in.resolve(name + "-" + round + ".rows");
        }

        /** Appends a row of round {@code round}: its key and hash as compared, the row as compared and as given. */
        synchronized void write(int round, String table, Key key, long hash, Record row, Record given) {
            try {
                DataOutputStream out = files[round];
                if (out == null) {
                    Path in = folder();
                    if (in == null) return; // closed: the comparison ended
                    out = files[round] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(in, round)), BUFFER));
                }
                out.writeUTF(table);
                ValueCodec.encodeKey(key, out);
                out.writeLong(hash);
                writeRecord(out, row);
                out.writeBoolean(given == row);
                if (given != row) writeRecord(out, given);
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** Round {@code round}'s rows of these tables, its file removed once read. */
        Map<String, StreamedComparison.Rows> read(int round, Set<String> tables) {
            Map<String, StreamedComparison.Rows> out = rowsOf(tables);
            forEach(round, (table, key, hash, row, given) -> out.get(table).add(key, row, hash, given));
            return out;
        }

        /** Round {@code round}'s rows as they are read back, none held; its file removed once read. */
        void forEach(int round, Spilled rows) {
            Path file;
            synchronized (this) {
                DataOutputStream written = files[round];
                if (written == null) return;
                try {
                    written.close();
                } catch (IOException e) {
                    throw failed(e);
                }
                files[round] = null;
                file = file(folder, round);
            }
            try {
                try (DataInputStream in = new DataInputStream(new Unlocked(Files.newInputStream(file)))) {
                    while (true) {
                        String table;
                        try {
                            table = in.readUTF();
                        } catch (EOFException end) {
                            break;
                        }
                        Key key = ValueCodec.decodeKey(in);
                        long hash = in.readLong();
                        Record row = readRecord(in, round);
                        Record given = in.readBoolean() ? row : readRecord(in, round);
                        rows.row(table, key, hash, row, given);
                    }
                }
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /**
         * A record whole: its entity, key, fields in their order (a round kept in memory keeps it too),
         * its version and the line it was read from (a restore writes that text).
         */
        private void writeRecord(DataOutputStream out, Record r) throws IOException {
            out.writeUTF(r.entity().value());
            ValueCodec.encodeKey(r.key(), out);
            out.writeInt(r.fields().size());
            for (Map.Entry<String, cutover.model.Value> f : r.fields().entrySet()) {
                out.writeUTF(f.getKey());
                ValueCodec.encode(f.getValue(), out);
            }
            out.writeBoolean(r.version() != null);
            if (r.version() != null) out.writeUTF(r.version());
            RowText.writeTo(out, r.asWritten());
        }

        private Record readRecord(DataInputStream in, int round) throws IOException {
            EntityName entity = new EntityName(in.readUTF());
            Key key = ValueCodec.decodeKey(in);
            int n = in.readInt();
            Fields.Builder fields = Fields.builder(n);
            for (int i = 0; i < n; i++) fields.put(in.readUTF(), ValueCodec.decode(in));
            String version = in.readBoolean() ? in.readUTF() : null;
            RowText text = RowText.readFrom(in, lineColumns[round]);
            if (text != null) lineColumns[round] = text.columns();
            return new Record(entity, key, fields.build(), version, text);
        }

        private CutoverException failed(IOException e) {
            return new CutoverException(ErrorCode.STATE_IO, "cannot keep the " + name + "'s rows of the comparison's later rounds in " + folder + ": "
                    + e.getMessage(), e);
        }

        private synchronized void closeFiles() {
            for (DataOutputStream f : files) {
                try {
                    if (f != null) f.close();
                } catch (IOException ignored) {
                    // removed below all the same
                }
            }
            java.util.Arrays.fill(files, null);
        }
    }

    /**
     * A buffered stream read by one thread: {@link java.io.BufferedInputStream} locks for every
     * byte, and the values' codec reads a byte at a time (a third of reading a round back).
     */
    private static final class Unlocked extends java.io.InputStream {
        private final java.io.InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int at, end;

        Unlocked(java.io.InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            at = 0;
            end = Math.max(0, in.read(buffer));
            return end > 0;
        }

        @Override
        public int read() throws IOException {
            if (at == end && !fill()) return -1;
            return buffer[at++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (at == end && !fill()) return -1;
            int n = Math.min(len, end - at);
            System.arraycopy(buffer, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Removes the files, read or not; a row written after this is dropped. */
    @Override
    public void close() {
        boolean made = remove();
        if (!made) return;
        try {
            Runtime.getRuntime().removeShutdownHook(onStop);
        } catch (IllegalStateException stopping) {
            // the JVM is stopping: the hook runs, and finds the folder gone
        }
    }

    /** Closes the files and removes the folder; whether there was one. */
    private boolean remove() {
        Path spilled;
        synchronized (this) {
            closed = true;
            spilled = folder;
        }
        source.closeFiles();
        target.closeFiles();
        if (spilled != null) removeFolder(spilled);
        return spilled != null;
    }
}
