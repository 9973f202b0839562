package cutover.backup;

import java.util.List;

/** The JSON of a {@code snapshots/<id>} file; the id is the SHA-256 of the file, so it is not inside. */
record ManifestFile(int version, String time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                    long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files) {
    static final int VERSION = 1;

    ManifestFile {
        files = files == null ? List.of() : files; // absent in manifests without a folder
    }
}
