package cutover.backup;

import com.github.luben.zstd.ZstdDecompressCtx;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one reader needs to open thousands of chunks, made once instead of once a chunk: the AES-GCM
 * cipher, the chunk-id HMAC and a zstd decompression context. A restore of 1M rows opens ~21,000
 * chunks; made per chunk, these cost a provider lookup, an AES key schedule, an HMAC key setup and a
 * zstd context allocation each time, and C2 compiled the AES key schedule four times (JFR). Made
 * once, a 1M-row restore took ~2 s less CPU (17.4 → 15.3 s user, bench/RESULTS.md, issue 5). Not
 * thread-safe: one per {@link BlobReader}.
 */
final class ChunkOpener implements AutoCloseable {
    private final SecretKeySpec encryptionKey;
    private final Cipher cipher;
    private final Mac chunkIdMac;
    private ZstdDecompressCtx zstd;

    ChunkOpener(Keys keys) {
        this.encryptionKey = new SecretKeySpec(keys.encryption(), "AES");
        this.cipher = Crypto.gcm();
        this.chunkIdMac = Crypto.hmacSha256(keys.chunkId());
    }

    /** As {@link Keys#open}: the plaintext of an envelope, or {@link Crypto.NotAuthentic}. */
    byte[] open(byte[] envelope, int offset, int length, byte[] aad) throws Crypto.NotAuthentic {
        return Crypto.open(cipher, encryptionKey, envelope, offset, length, aad);
    }

    /** The id of a chunk: HMAC-SHA-256 of its plaintext under the chunk-id key ({@link Keys#chunkId()}). */
    BlobId idOf(byte[] chunk, int offset, int length) {
        chunkIdMac.update(chunk, offset, length);
        return new BlobId(chunkIdMac.doFinal()); // doFinal resets the Mac for the next chunk
    }

    /** The zstd frame decompressed into {@code rawLength} bytes; a bad frame throws {@code ZstdException}. */
    byte[] decompress(byte[] compressed, int rawLength) {
        if (zstd == null) zstd = new ZstdDecompressCtx();
        return zstd.decompress(compressed, rawLength);
    }

    @Override
    public void close() {
        if (zstd != null) zstd.close();
        zstd = null;
    }
}
