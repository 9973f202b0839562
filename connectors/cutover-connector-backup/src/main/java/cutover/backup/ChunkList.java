package cutover.backup;

import java.util.List;

/**
 * Where the first {@code chunks} ids of an entity's chunk list are kept (manifest version 6): in the
 * file {@code lists/<id>}, not in the manifest. An entity's base parts (a table read whole) list
 * thousands of chunks, and every later snapshot that reuses or layers on that base names the same
 * file instead of repeating them (docs/backup-format.md, "Chunk lists").
 */
public record ChunkList(String id, int chunks) {
    /** The kind a list file is sealed as (its authenticated data), so that no other file passes for one. */
    static final String KIND = "chunk list";

    /** The JSON of a {@code lists/<id>} file; the id is the SHA-256 of the file, so it is not inside. */
    record File(List<String> chunks) {
        File {
            chunks = List.copyOf(chunks);
        }
    }
}
