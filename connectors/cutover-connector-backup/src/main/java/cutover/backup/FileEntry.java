package cutover.backup;

import java.util.List;

/**
 * One file of a folder backed up beside the records (docs/backup-format.md, "Files"): its path
 * relative to the folder with {@code /} separators, its size, POSIX permission bits ({@code mode},
 * e.g. 0644 = 420; -1 where the file system has none), modification time, the SHA-256 of its
 * content and the chunks that hold it, in order.
 */
public record FileEntry(String path, long size, int mode, String mtime, String digest, List<String> chunks) {
    public FileEntry {
        chunks = List.copyOf(chunks);
    }
}
