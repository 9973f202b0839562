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
        for (FileEntry f : snapshot.files()) {
            Path target = inside(folder, f.path());
            try {
                Files.createDirectories(target.getParent());
                Path partial = target.resolveSibling(target.getFileName() + ".cutover-partial");
                try (OutputStream out = Files.newOutputStream(partial)) {
                    stream(f, out);
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
