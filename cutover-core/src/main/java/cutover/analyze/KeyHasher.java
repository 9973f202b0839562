package cutover.analyze;

import cutover.model.Key;
import cutover.model.ValueCodec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * 64-bit fingerprints of keys: the first 8 bytes of the SHA-256 of the canonical key encoding.
 * SHA-256 rather than a fast non-cryptographic hash so the collision bound holds for any keys,
 * adversarial ones included (and with the CPU's SHA instructions it is cheap). One per reading thread.
 */
final class KeyHasher {
    private final MessageDigest sha256;
    private final ExposedBuffer buffer = new ExposedBuffer();

    KeyHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    long hash(Key key) {
        buffer.reset();
        try {
            ValueCodec.encodeKey(key, buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sha256.update(buffer.array(), 0, buffer.size());
        byte[] d = sha256.digest();
        long h = 0;
        for (int i = 0; i < 8; i++) h = (h << 8) | (d[i] & 0xFF);
        return h;
    }

    private static final class ExposedBuffer extends ByteArrayOutputStream {
        byte[] array() { return buf; }
    }

}
