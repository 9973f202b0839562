package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Backs up the regular files under a folder, in path order, each as its own chunked stream: the
 * same chunker and store as records, so an unchanged file (or an unchanged part of a large one)
 * stores nothing new. Symbolic links are not followed and not kept.
 */
final class FolderBackup {
    private final Chunker chunker;
    private final ChunkStore store;

    FolderBackup(Chunker chunker, ChunkStore store) {
        this.chunker = chunker;
        this.store = store;
    }

    List<FileEntry> write(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, "there is no folder " + folder + " to back up");
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot list the folder " + folder + ": " + e.getMessage(), e);
        }
        List<FileEntry> out = new ArrayList<>();
        for (Path p : paths) out.add(file(folder, p));
        return out;
    }

    private FileEntry file(Path folder, Path file) {
        List<String> chunks = new ArrayList<>();
        MessageDigest sha = NativeCrypto.sha256();
        long size = 0;
        try (InputStream in = Files.newInputStream(file);
             ChunkingStream cut = new ChunkingStream(chunker, (buffer, offset, length) -> chunks.add(store.store(store.stage(buffer, offset, length)).hex()))) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
                cut.write(buf, 0, n);
                size += n;
            }
            cut.finish();
            String relative = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            return new FileEntry(relative, size, mode(file), Files.getLastModifiedTime(file).toInstant().toString(),
                    HexFormat.of().formatHex(sha.digest()), chunks);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static int mode(Path file) throws IOException {
        try {
            return bits(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        } catch (UnsupportedOperationException notPosix) {
            return -1;
        }
    }

    static int bits(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) mode |= 1 << (8 - p.ordinal()); // OWNER_READ is 0400 … OTHERS_EXECUTE 0001
        return mode;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) if ((mode & (1 << (8 - p.ordinal()))) != 0) out.add(p);
        return out;
    }
}
