package cutover.backup;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;

import java.nio.ByteBuffer;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The writing side of {@link ChunkOpener}: what one thread needs to name, compress and seal
 * thousands of chunks, made once instead of once a chunk (a provider lookup, an AES key schedule,
 * an HMAC key setup and a zstd context each time; C2 spent 0.5 s compiling
 * {@code Cipher.getInstance} alone in a 1M-row backup, JFR). Each seal still draws a fresh random
 * nonce: re-initialising GCM with a new nonce is how one cipher encrypts many messages.
 *
 * <p>Chunks come in direct buffers and are compressed and sealed into direct buffers kept for the
 * next chunk: BoringSSL's calls take a direct buffer's memory as it is, while a Java array is copied
 * whole into native memory and back on every call (whatever slice of it is used), and new arrays
 * for every chunk cost a 1M-row backup ~350 MB of allocation and its young collections. Not
 * thread-safe: one per thread.
 */
final class ChunkSealer implements AutoCloseable {
    private final Keys keys;
    private final SecretKeySpec encryptionKey;
    private final Cipher cipher;
    private final Mac chunkIdMac;
    private final ZstdCompressCtx zstd;
    private final int zstdLevel;
    private ByteBuffer compressed = ByteBuffer.allocateDirect(0);
    private ByteBuffer sealed = ByteBuffer.allocateDirect(0);
    private byte[] sealedBytes = new byte[0];

    /** A sealed chunk: {@code bytes[0, length)}, valid until the sealer's next {@link #seal}. */
    record Sealed(byte[] bytes, int length) {}

    ChunkSealer(Keys keys, int zstdLevel) {
        this.keys = keys;
        this.encryptionKey = new SecretKeySpec(keys.encryption(), "AES");
        this.cipher = Crypto.gcm();
        this.chunkIdMac = Crypto.hmacSha256(keys.chunkId());
        this.zstd = new ZstdCompressCtx();
        this.zstdLevel = zstdLevel;
        zstd.setLevel(zstdLevel);
    }

    int zstdLevel() { return zstdLevel; }

    /** The id of a chunk (its position to its limit, left as they are): HMAC-SHA-256 of its plaintext under the chunk-id key ({@link Keys#chunkId()}). */
    BlobId idOf(ByteBuffer chunk) {
        chunkIdMac.update(chunk.duplicate());
        return new BlobId(chunkIdMac.doFinal()); // doFinal resets the Mac for the next chunk
    }

    /** A direct chunk (position to limit) compressed and sealed as a blob ({@code nonce || ciphertext || tag}), with {@code aad} authenticated. */
    Sealed seal(ByteBuffer chunk, byte[] aad) {
        int bound = Math.toIntExact(Zstd.compressBound(chunk.remaining()));
        if (compressed.capacity() < bound) {
            compressed = ByteBuffer.allocateDirect(bound);
            sealed = ByteBuffer.allocateDirect(bound + Crypto.OVERHEAD);
            sealedBytes = new byte[bound + Crypto.OVERHEAD];
        }
        int n = zstd.compressDirectByteBuffer(compressed, 0, compressed.capacity(), chunk, chunk.position(), chunk.remaining());
        int length = Crypto.sealInto(cipher, encryptionKey, compressed.duplicate().position(0).limit(n), aad, keys.nonces(), sealed.clear());
        sealed.get(0, sealedBytes, 0, length); // the pack's stream takes arrays; one compressed chunk is a small copy
        return new Sealed(sealedBytes, length);
    }

    @Override
    public void close() {
        zstd.close();
    }
}
