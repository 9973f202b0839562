package cutover.backup;

import java.util.List;

/** The JSON of a {@code snapshots/<id>} file; the id is the SHA-256 of the file, so it is not inside. */
record ManifestFile(int version, String time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                    long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files,
                    cutover.model.NativeDefinition schema, SnapshotSet set) {
    /**
     * 8: what the source holds beside its tables ({@code schema}: a PostgreSQL schema's views and
     * sequences, docs/backup-format.md "Schema objects");
     * 6: entities whose base chunks are listed in a file of their own ({@code chunkList},
     * docs/backup-format.md "Chunk lists"); 5: entities with their table's definition ({@code definition}, docs/backup-format.md "Table
     * definitions"); 4: entities whose changes are tracked ({@code changes}, docs/backup-format.md "Change layers");
     * 3: entities whose parts are rows in COPY text ({@code copyText}); 2: entities in parts
     * (docs/backup-format.md, "Changes"); version-1 manifests are read as entities of one part. A
     * snapshot is written in the lowest version that holds its entities.
     */
    static final int VERSION = 8;

    ManifestFile {
        files = files == null ? List.of() : files; // absent in manifests without a folder
    }

    ManifestFile(int version, String time, String host, String source, List<String> tags, List<EntitySnapshot> entities,
                 long totalBytes, long storedBytes, long addedBytes, int addedChunks, List<FileEntry> files) {
        this(version, time, host, source, tags, entities, totalBytes, storedBytes, addedBytes, addedChunks, files, null, null);
    }

    /** The manifest as written: each entity's chunks after those its list file holds ({@link EntitySnapshot#asWritten()}). */
    ManifestFile asWritten() {
        return new ManifestFile(version, time, host, source, tags, entities.stream().map(EntitySnapshot::asWritten).toList(),
                totalBytes, storedBytes, addedBytes, addedChunks, files, schema, set);
    }

    /** The same manifest with these entities (its list files read back: {@link ChunkLists#resolve}). */
    ManifestFile withEntities(List<EntitySnapshot> e) {
        return new ManifestFile(version, time, host, source, tags, e, totalBytes, storedBytes, addedBytes, addedChunks, files, schema, set);
    }

    /** What names a snapshot among others: its format version, time and source. */
    record Header(int version, String time, String source) {}

    /**
     * The header of a manifest's JSON, read from its start: the fields come before the entities,
     * which are most of a manifest's bytes (a table of 10M rows lists 40,000 chunks) and are not
     * decoded. Null where a field is missing.
     */
    static Header headerOf(byte[] json) throws java.io.IOException {
        int version = 0;
        String time = null, source = null;
        try (com.fasterxml.jackson.core.JsonParser p = HEADER_JSON.createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) throw new java.io.IOException("not a JSON object");
            boolean versionSeen = false;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && (!versionSeen || time == null || source == null)) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "version" -> {
                        version = p.getIntValue();
                        versionSeen = true;
                    }
                    case "time" -> time = p.getValueAsString();
                    case "source" -> source = p.getValueAsString();
                    default -> p.skipChildren();
                }
            }
        }
        return new Header(version, time, source);
    }

    private static final com.fasterxml.jackson.core.JsonFactory HEADER_JSON = new com.fasterxml.jackson.core.JsonFactory();
}
