package cutover.firebase;

import cutover.connector.DocumentTarget;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A node-firestore-import-export file as a {@link DocumentTarget}: the records are sorted depth
 * first ({@link DepthFirstSort}, in bounded memory, spilling beside the file), written by
 * {@link FirestoreExportWriter} into a temporary file in the same folder, and moved over the file
 * at the end, so that the file is whole or as it was. The file reads back as the same records
 * (every value kind round-trips), and the format's own tool imports it into Firestore.
 */
final class FirestoreExportTarget implements DocumentTarget {
    /** Sorted records kept in memory before they are spilled to a run file. */
    static final long SORT_MEMORY = 64L << 20;
    private final Path file;
    private final long sortMemory;

    FirestoreExportTarget(Path file, long sortMemory) {
        this.file = file.toAbsolutePath();
        this.sortMemory = sortMemory;
    }

    @Override
    public boolean holdsDocuments() {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return true; // unknown: as if it held some, so that nothing is replaced unasked
        }
    }

    @Override
    public Written replaceWith(Source source, IfNothingRead ifNothingRead, Consumer<RecordReader.Unreadable> unreadable,
                               Consumer<Refused> refused, LongConsumer read, LongConsumer written) {
        return write(source, ifNothingRead, unreadable, refused, read, written, true);
    }

    /** The whole write, into a file beside the export that is then deleted (beside it where its folder is, else in the temporary folder). */
    @Override
    public Written tryReplaceWith(Source source, IfNothingRead ifNothingRead, Consumer<RecordReader.Unreadable> unreadable,
                                  Consumer<Refused> refused, LongConsumer read, LongConsumer written) {
        return write(source, ifNothingRead, unreadable, refused, read, written, false);
    }

    private Written write(Source source, IfNothingRead ifNothingRead, Consumer<RecordReader.Unreadable> unreadable,
                          Consumer<Refused> refused, LongConsumer read, LongConsumer written, boolean replace) {
        Path folder = replace || Files.isDirectory(file.getParent()) ? file.getParent() : Path.of(System.getProperty("java.io.tmpdir"));
        Path temp = null;
        try (DepthFirstSort sort = new DepthFirstSort(Files.createDirectories(folder), sortMemory)) {
            long items = 0;
            for (Split split : source.splits(1)) {
                try (RecordReader reader = source.read(split, Position.START)) {
                    for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                        if (item instanceof RecordReader.Ok ok) {
                            // checked before it is sorted: a value the format cannot hold sets its record aside, not the restore
                            var outOfRange = FirestoreExportWriter.refusal(ok.record());
                            if (outOfRange.isPresent()) refused.accept(new Refused(ok.record(), outOfRange.get()));
                            else sort.add(ok.record());
                        } else {
                            unreadable.accept((RecordReader.Unreadable) item);
                        }
                        read.accept(++items);
                    }
                }
            }
            if (items == 0 && ifNothingRead == IfNothingRead.KEEP) return new Written(0, 0); // the file as it was, or none
            temp = newFileBeside(folder);
            long[] documents = {0}, parents = {0};
            try (FirestoreExportWriter writer = FirestoreExportWriter.create(temp)) {
                sort.drainTo(document -> {
                    parents[0] += writer.openMissingParents(document);
                    writer.write(document);
                    written.accept(++documents[0]);
                });
            }
            if (replace) {
                move(temp, file);
                temp = null;
            }
            return new Written(documents[0], parents[0]);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a document the format cannot hold (an id that is neither a string nor an integer, a key of two columns, a
            // document twice): trying again would meet it again
            throw new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, "cannot write the export " + file + ": " + e.getMessage()
                    + "; the file is as it was", e);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "cannot write the export " + file + ": " + e.getMessage()
                    + "; the file is as it was", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // a leftover hidden temporary file beside the export; the export itself is untouched
                }
            }
        }
    }

    /**
     * A new hidden file beside the export, made as any file the user makes (the umask's mode; a
     * temporary file's would be 0600, which the export would keep), and with the old export's mode
     * where it replaces one.
     */
    private Path newFileBeside(Path folder) throws IOException {
        while (true) {
            Path temp = folder.resolve("." + file.getFileName() + "." + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.createFile(temp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                continue;
            }
            if (Files.exists(file)) {
                try {
                    Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the new file's own permissions
                }
            }
            return temp;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
