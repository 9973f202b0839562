package cutover.backup;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * An entity's record stream read back chunk by chunk, each chunk proven by {@link BlobReader} before
 * a byte of it is handed out, and the whole stream hashed so its end can be checked against the
 * manifest's digest. Holds one chunk in memory.
 */
final class ChunkInput extends InputStream {
    private final List<BlobId> chunks;
    private final BlobReader reader;
    private final MessageDigest digest;
    private int next;
    private byte[] current = new byte[0];
    private int pos;
    private long bytes;

    ChunkInput(List<BlobId> chunks, BlobReader reader) {
        this.chunks = chunks;
        this.reader = reader;
        this.digest = NativeCrypto.sha256();
    }

    /** True when every chunk has been read to its end. */
    boolean atEnd() {
        return !fill();
    }

    /** The index of the chunk being read (for messages). */
    int chunkNumber() { return Math.max(0, next - 1); }

    BlobId currentChunk() { return next == 0 ? null : chunks.get(next - 1); }

    long bytesRead() { return bytes; }

    /** The SHA-256 of the stream; call once, at its end. */
    byte[] digest() { return digest.digest(); }

    @Override
    public int read() {
        if (!fill()) return -1;
        bytes++;
        return current[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        bytes += n;
        return n;
    }

    private boolean fill() {
        while (pos == current.length) {
            if (next == chunks.size()) return false;
            current = reader.read(chunks.get(next++));
            digest.update(current);
            pos = 0;
        }
        return true;
    }
}
