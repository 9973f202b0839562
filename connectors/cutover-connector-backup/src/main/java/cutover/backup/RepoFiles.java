package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The repository's folder (docs/backup-format.md, "Layout") and the one way files get into it: written
 * under {@code tmp/}, forced to disk, renamed into place, and the folder forced too. A crash leaves
 * either the whole file under its final name or only a temporary file that nothing refers to.
 */
final class RepoFiles {
    static final String CONFIG = "config";
    static final String DATA = "data";
    static final String INDEX = "index";
    static final String SNAPSHOTS = "snapshots";
    static final String LISTS = "lists";
    static final String LOCKS = "locks";
    static final String TMP = "tmp";

    private final Path root;
    private final WriteGuard guard;

    RepoFiles(Path root) {
        this(root, WriteGuard.NONE);
    }

    RepoFiles(Path root, WriteGuard guard) {
        this.root = root;
        this.guard = guard;
    }

    /** Before {@code bytes} are written to {@code file}: where a full disk is simulated in tests. */
    void beforeWrite(Path file, long bytes) throws IOException {
        guard.beforeWrite(file, bytes);
    }

    Path root() { return root; }
    Path config() { return root.resolve(CONFIG); }
    Path index(BlobId id) { return root.resolve(INDEX).resolve(id.hex()); }
    Path snapshot(BlobId id) { return root.resolve(SNAPSHOTS).resolve(id.hex()); }
    Path chunkList(BlobId id) { return root.resolve(LISTS).resolve(id.hex()); }
    Path lock(String name) { return root.resolve(LOCKS).resolve(name); }
    Path pack(BlobId id) { return root.resolve(DATA).resolve(id.hex().substring(0, 2)).resolve(id.hex()); }

    /** The SHA-256 of a repository file's bytes, in hex: what a pack's name is. */
    String sha256(Path path) {
        java.security.MessageDigest sha = NativeCrypto.sha256();
        try (java.io.InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) sha.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw io("cannot read " + relative(path), e);
        }
    }

    /** A path relative to the repository, as messages show it: {@code data/3f/3f2a…}. */
    String relative(Path path) { return root.relativize(path).toString().replace('\\', '/'); }

    void createLayout() {
        try {
            for (String dir : List.of(DATA, INDEX, SNAPSHOTS, LISTS, LOCKS, TMP)) Files.createDirectories(root.resolve(dir));
        } catch (IOException e) {
            throw io("cannot create the repository folders in " + root, e);
        }
    }

    /** The ids of the files in {@code index/}, {@code snapshots/} or {@code lists/}, sorted; names that are not ids are ignored. */
    List<BlobId> listIds(String dir) {
        List<BlobId> ids = new ArrayList<>();
        for (Path p : list(root.resolve(dir))) {
            String name = p.getFileName().toString();
            if (name.matches("[0-9a-f]{64}")) ids.add(BlobId.parse(name));
        }
        ids.sort(null);
        return ids;
    }

    /** Every pack file under {@code data/xx/}, by id. */
    List<BlobId> listPacks() {
        List<BlobId> ids = new ArrayList<>();
        for (Path sub : list(root.resolve(DATA))) {
            if (!Files.isDirectory(sub)) continue;
            for (Path p : list(sub)) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9a-f]{64}") && name.startsWith(sub.getFileName().toString())) ids.add(BlobId.parse(name));
            }
        }
        ids.sort(null);
        return ids;
    }

    List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            throw io("cannot list " + relative(dir), e);
        }
        out.sort(null);
        return out;
    }

    byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, relative(path) + " is missing from the repository at " + root);
        } catch (IOException e) {
            throw io("cannot read " + relative(path), e);
        }
    }

    /**
     * Starts carrying the file system's pending writes to disk, on a thread of its own, and returns
     * at once: an empty file made under {@code tmp/}, forced, and removed. A backup calls it as it
     * starts, so that the force of its first file (the pack) does not wait for what others wrote:
     * a file system's first force after a database wrote what changed waits for the disk to take
     * the database's pending writes too (10-60 ms on the benchmark's machine, 1-2 ms once forced,
     * bench/RESULTS.md); here that wait runs beside the backup's reading of the source. Nothing
     * depends on it: a failure is ignored. Closing the result waits for the thread, so that no file
     * of it is left once the backup ends (a process killed meanwhile leaves one for prune).
     */
    Settling settleAhead() {
        Path temp = newTemp("settle");
        Thread thread = new Thread(() -> {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.force(true); // a new file is a change in the journal: forcing it commits the journal, with what else it holds
            } catch (IOException ignored) {
                // a hint only: the backup's own forces carry the same writes
            } finally {
                deleteQuietly(temp);
            }
        }, "cutover-repo-settle");
        thread.setDaemon(true);
        thread.start();
        return new Settling(thread);
    }

    /** The force {@link #settleAhead} started; {@link #close} waits for it (by then long done: a backup takes longer). */
    record Settling(Thread thread) implements AutoCloseable {
        @Override
        public void close() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A fresh temporary file name under {@code tmp/}. */
    Path newTemp(String kind) {
        return root.resolve(TMP).resolve(kind + "-" + UUID.randomUUID() + ".tmp");
    }

    /** Writes {@code bytes} to {@code target} so that a crash leaves either all of it or nothing there. */
    void writeAtomically(Path target, byte[] bytes) {
        writeAtomically(target, bytes, true);
    }

    /**
     * As {@link #writeAtomically(Path, byte[])}; not {@code durable}: nothing is forced to disk, for a
     * file only live processes need (a lock: a power cut ends its holder, and a lock lost with it is
     * as good as released). Forcing costs little on an idle disk but waits behind other writes on a
     * busy one (a database's checkpoint): 9-90 ms per scheduled backup run here.
     */
    void writeAtomically(Path target, byte[] bytes, boolean durable) {
        place(stage(target, bytes, durable), durable);
    }

    /**
     * Writes the files so that a crash leaves each whole or absent, and none in place before those
     * listed before it (an index before the manifest that needs it): their bytes are forced to disk
     * together, each but the last on a thread of its own, then each is moved to its name in order.
     * Forcing waits behind whatever else the disk writes (5-170 ms on a busy one, bench/RESULTS.md):
     * once for them all, not once each; only the renames need the order.
     */
    void writeInOrder(List<FileEnvelope.Named> named) {
        List<java.util.concurrent.FutureTask<Staged>> beside = new ArrayList<>();
        for (int i = 0; i < named.size() - 1; i++) {
            FileEnvelope.Named file = named.get(i);
            java.util.concurrent.FutureTask<Staged> task = new java.util.concurrent.FutureTask<>(() -> stage(file.path(), file.bytes(), true));
            Thread thread = new Thread(task, "cutover-repo-write");
            thread.setDaemon(true);
            thread.start();
            beside.add(task);
        }
        List<Staged> staged = new ArrayList<>();
        Staged last = null;
        try {
            FileEnvelope.Named lastFile = named.get(named.size() - 1);
            last = stage(lastFile.path(), lastFile.bytes(), true);
            for (java.util.concurrent.FutureTask<Staged> task : beside) staged.add(cutover.error.Waiting.on(task, "writing the repository's files"));
            staged.add(last);
        } catch (RuntimeException e) { // nothing is placed: the others' bytes go too, once their threads are done with them
            if (last != null) deleteQuietly(last.temp());
            for (java.util.concurrent.FutureTask<Staged> task : beside) {
                try {
                    deleteQuietly(cutover.error.Waiting.on(task, "writing the repository's files").temp());
                } catch (RuntimeException alsoFailed) {
                    // its stage removed its own temporary file
                }
            }
            throw e;
        }
        for (int i = 0; i < staged.size(); i++) {
            try {
                place(staged.get(i), true);
            } catch (RuntimeException e) {
                for (int j = i + 1; j < staged.size(); j++) deleteQuietly(staged.get(j).temp());
                throw e;
            }
        }
    }

    /** A file's bytes under a temporary name, forced to disk where durable, for {@link #place} to move to {@code target}. */
    private record Staged(Path temp, Path target) {}

    private Staged stage(Path target, byte[] bytes, boolean durable) {
        Path temp = newTemp(target.getParent().getFileName().toString());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            beforeWrite(temp, bytes.length);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            if (durable) ch.force(true);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw io("cannot write " + relative(target) + " (the repository is unchanged)", e);
        }
        return new Staged(temp, target);
    }

    private void place(Staged staged, boolean durable) {
        try {
            moveIntoPlace(staged.temp(), staged.target(), durable);
        } catch (IOException e) {
            deleteQuietly(staged.temp());
            throw io("cannot write " + relative(staged.target()) + " (the repository is unchanged)", e);
        }
    }

    /** Renames a temporary file that was forced to disk already to its final name, then forces the folder. */
    void moveIntoPlace(Path temp, Path target) throws IOException {
        moveIntoPlace(temp, target, true);
    }

    private void moveIntoPlace(Path temp, Path target, boolean durable) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (durable) forceDirectory(target.getParent());
    }

    void delete(Path path) {
        delete(path, true);
    }

    /** Deletes the file; not {@code durable}: without forcing its folder to disk (see {@link #writeAtomically(Path, byte[], boolean)}). */
    void delete(Path path, boolean durable) {
        try {
            Files.deleteIfExists(path);
            if (durable) forceDirectory(path.getParent());
        } catch (IOException e) {
            throw io("cannot delete " + relative(path), e);
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover temporary file is garbage that prune removes
        }
    }

    /** Forces a folder's entries to disk, so a rename survives a power cut (a no-op where folders cannot be opened). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems (and Windows) cannot open a folder; the rename itself is still atomic there
        }
    }

    CutoverException io(String message, IOException e) {
        return new CutoverException(ErrorCode.BACKUP_IO, message + ": " + e, e);
    }
}
