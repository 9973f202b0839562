package cutover.backup;

import cutover.model.Value;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The bytes of one part's stream, whatever they encode (a record stream, COPY text): cut into chunks,
 * each stored as it is cut, and hashed and counted for the manifest. The chunks are the stream in
 * order, so they are hashed as they are cut, a few KiB at a time, not a row at a time. Used by one thread.
 */
final class PartChunks {
    private final ChunkingStream chunks;
    private final List<String> chunkIds = new ArrayList<>();
    private final MessageDigest digest;
    private long bytes;

    PartChunks(Chunker chunker, ChunkStore store) {
        this.digest = NativeCrypto.sha256();
        this.chunks = new ChunkingStream(chunker, (buffer, offset, length) -> {
            ByteBuffer chunk = store.stage(buffer, offset, length);
            digest.update(chunk.duplicate());
            chunkIds.add(store.store(chunk).hex());
        });
    }

    /** The next bytes of the stream; the chunker copies what it keeps, so the array may be reused. */
    void write(byte[] b, int off, int len) {
        chunks.write(b, off, len);
        bytes += len;
    }

    /** Cuts the last chunks; the part as the manifest lists it, of {@code records} records with these value kinds. */
    PartStream.Result finish(long records, Map<String, EnumMap<Value.Kind, Long>> kinds) {
        chunks.finish();
        EntityPart part = new EntityPart(records, bytes, HexFormat.of().formatHex(digest.digest()), chunkIds.size());
        return new PartStream.Result(part, List.copyOf(chunkIds), kinds);
    }
}
