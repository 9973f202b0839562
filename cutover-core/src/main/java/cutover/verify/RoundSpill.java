package cutover.verify;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.RowText;
import cutover.model.ValueCodec;

import java.io.BufferedInputStream;
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
 * however many rounds its differences make, and memory holds one round.
 */
final class RoundSpill implements AutoCloseable {
    final Side source, target;
    private final int rounds;
    private Path folder; // made with the first row spilled

    RoundSpill(int rounds) {
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

    private synchronized Path folder() throws IOException {
        if (folder == null) folder = Files.createTempDirectory("cutover-compare-");
        return folder;
    }

    /** One side's files, a round each (the first round is never spilled). */
    final class Side {
        private final String name;
        private final DataOutputStream[] files = new DataOutputStream[rounds];
        private final List<String>[] lineColumns;

        @SuppressWarnings("unchecked")
        private Side(String name) {
            this.name = name;
            this.lineColumns = new List[rounds];
        }

        private Path file(int round) throws IOException {
            return folder().resolve(name + "-" + round + ".rows");
        }

        /** Appends a row of round {@code round}: its key and hash as compared, the row as compared and as given. */
        synchronized void write(int round, String table, Key key, long hash, Record row, Record given) {
            try {
                DataOutputStream out = files[round];
                if (out == null) out = files[round] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(round)), 1 << 16));
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
            DataOutputStream written = files[round];
            if (written == null) return out;
            try {
                written.close();
                files[round] = null;
                Path file = file(round);
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
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
                        out.get(table).add(key, row, hash, given);
                    }
                }
                Files.deleteIfExists(file);
                return out;
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** A record whole: its values, its version and the line it was read from (a restore writes that text). */
        private void writeRecord(DataOutputStream out, Record r) throws IOException {
            ValueCodec.encodeRecord(r, out);
            out.writeBoolean(r.version() != null);
            if (r.version() != null) out.writeUTF(r.version());
            RowText.writeTo(out, r.asWritten());
        }

        private Record readRecord(DataInputStream in, int round) throws IOException {
            Record r = ValueCodec.decodeRecord(in);
            String version = in.readBoolean() ? in.readUTF() : null;
            RowText text = RowText.readFrom(in, lineColumns[round]);
            if (text != null) lineColumns[round] = text.columns();
            return version == null && text == null ? r : new Record(r.entity(), r.key(), r.fields(), version, text);
        }

        private CutoverException failed(IOException e) {
            return new CutoverException(ErrorCode.STATE_IO, "cannot keep the " + name + "'s rows of the comparison's later rounds in " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes the files, read or not. */
    @Override
    public void close() {
        for (Side side : List.of(source, target)) {
            for (DataOutputStream f : side.files) {
                try {
                    if (f != null) f.close();
                } catch (IOException ignored) {
                    // removed below all the same
                }
            }
        }
        if (folder == null) return;
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // a temporary folder: the system's cleaning takes what is left
        }
    }
}
