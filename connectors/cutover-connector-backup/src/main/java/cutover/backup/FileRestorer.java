package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Restores the files of a snapshot under a folder: each is written beside its final name, its size
 * and SHA-256 proven, then renamed into place with its permissions and modification time, so a
 * damaged chunk never leaves a wrong file under a right name. Also reads a file back for check.
 */
final class FileRestorer implements AutoCloseable {
    private final Snapshot snapshot;
    private final BlobReader blobs;

    FileRestorer(Snapshot snapshot, BlobReader blobs) {
        this.snapshot = snapshot;
        this.blobs = blobs;
    }

    /** Writes every file under {@code folder}; returns the bytes written. */
    long restore(Path folder) {
        long bytes = 0;
        Path realRoot;
        try {
            realRoot = Files.createDirectories(folder).toRealPath();
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "cannot make the folder " + folder + ": " + e.getMessage(), e);
        }
        for (FileEntry f : snapshot.files()) {
            Path target = inside(folder, f.path());
            Path partial = target.resolveSibling(target.getFileName() + ".cutover-partial");
            try {
                Files.createDirectories(target.getParent());
                // a symbolic link already in the folder must not carry a file outside it
                if (!target.getParent().toRealPath().startsWith(realRoot)) {
                    throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "snapshot " + snapshot.shortId() + ", file " + f.path() + ": "
                            + target.getParent() + " leads outside " + folder + " (a symbolic link?); nothing is written through it");
                }
                Files.deleteIfExists(partial); // an earlier attempt's (deleteIfExists does not follow a link)
                try (OutputStream out = Files.newOutputStream(partial, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    stream(f, out);
                } catch (CutoverException e) {
                    Files.deleteIfExists(partial);
                    throw new CutoverException(e.code(), e.getMessage().startsWith("snapshot ") ? e.getMessage()
                            : "snapshot " + snapshot.shortId() + ", file " + f.path() + ": " + e.getMessage(), e);
                }
                if (f.mode() >= 0) {
                    try {
                        Files.setPosixFilePermissions(partial, FolderBackup.permissions(f.mode()));
                    } catch (UnsupportedOperationException notPosix) {
                        // the file keeps the folder's default permissions
                    }
                }
                Files.setLastModifiedTime(partial, FileTime.from(Instant.parse(f.mtime())));
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                bytes += f.size();
            } catch (IOException e) {
                throw new CutoverException(ErrorCode.TARGET_WRITE_FAILED, "cannot write " + target + ": " + e.getMessage(), e);
            }
        }
        return bytes;
    }

    /** Reads the file's chunks in order into {@code out}, proving each, then its size and digest. */
    void stream(FileEntry f, OutputStream out) throws IOException {
        MessageDigest sha = NativeCrypto.sha256();
        long size = 0;
        for (String c : f.chunks()) {
            byte[] chunk = blobs.read(BlobId.parse(c));
            sha.update(chunk);
            out.write(chunk);
            size += chunk.length;
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        if (size != f.size() || !digest.equals(f.digest())) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + snapshot.shortId() + ", file " + f.path()
                    + ": reads back as " + size + " bytes with SHA-256 " + digest + ", the manifest says " + f.size() + " bytes, " + f.digest());
        }
    }

    /** The file's place under the folder; a path that would leave it is refused (a manifest is authenticated, but be safe). */
    private Path inside(Path folder, String relative) {
        Path root = folder.toAbsolutePath().normalize();
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + snapshot.shortId() + " names a file outside its folder: " + relative);
        }
        return p;
    }

    @Override
    public void close() { blobs.close(); }
}
