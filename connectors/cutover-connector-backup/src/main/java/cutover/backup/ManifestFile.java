package cutover.backup;

import java.util.List;

/** The JSON of a {@code snapshots/<id>} file; the id is the SHA-256 of the file, so it is not inside. */
record ManifestFile(int version, String time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                    long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files) {
    /**
     * 4: entities whose changes are tracked ({@code changes}, docs/backup-format.md "Change layers");
     * 3: entities whose parts are rows in COPY text ({@code copyText}); 2: entities in parts
     * (docs/backup-format.md, "Changes"); version-1 manifests are read as entities of one part. A
     * snapshot is written in the lowest version that holds its entities.
     */
    static final int VERSION = 4;

    ManifestFile {
        files = files == null ? List.of() : files; // absent in manifests without a folder
    }
}
