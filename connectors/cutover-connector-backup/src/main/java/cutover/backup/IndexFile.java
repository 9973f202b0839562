package cutover.backup;

import java.util.List;

/** The JSON of an {@code index/<id>} file: for each pack, its blobs in the order they are stored. */
record IndexFile(int version, List<Pack> packs) {
    static final int VERSION = 1;

    record Pack(String id, List<Blob> blobs) {}

    record Blob(String id, long offset, int length, int rawLength) {}
}
