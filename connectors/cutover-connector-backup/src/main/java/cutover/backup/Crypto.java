package cutover.backup;

import org.bouncycastle.crypto.generators.SCrypt;
import org.conscrypt.ScryptKeySpec;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;

/**
 * The two primitives of the format (docs/backup-format.md, "Keys and encryption"): AES-256-GCM
 * envelopes {@code nonce(12) || ciphertext || tag(16)} with a random nonce, and HMAC-SHA-256.
 */
final class Crypto {
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

    /** Thrown when an envelope fails authentication: a wrong key, or bytes changed since they were written. */
    static final class NotAuthentic extends Exception {
        NotAuthentic(String message) { super(message); }
    }

    private Crypto() {}

    static byte[] seal(byte[] key, byte[] plaintext, byte[] aad, Nonces nonces) {
        return seal(gcm(), new SecretKeySpec(key, "AES"), plaintext, aad, nonces);
    }

    /**
     * Seals with a cipher that may have sealed others: each call draws a fresh random nonce and
     * re-initialises the cipher with it (GCM never sees a nonce twice), and the JDK keeps the AES key
     * schedule while the key stays the same.
     */
    static byte[] seal(Cipher cipher, SecretKeySpec key, byte[] plaintext, byte[] aad, Nonces nonces) {
        try {
            byte[] nonce = beginSeal(cipher, key, aad, nonces);
            byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /**
     * The same, of a buffer's remaining bytes, written into {@code out} from its position (which has
     * room for {@code plaintext.remaining() + OVERHEAD} bytes); returns the envelope's length. For a
     * writer sealing thousands of chunks from and into buffers it keeps (direct ones are passed to
     * the native provider as they are).
     */
    static int sealInto(Cipher cipher, SecretKeySpec key, ByteBuffer plaintext, byte[] aad, Nonces nonces, ByteBuffer out) {
        try {
            out.put(beginSeal(cipher, key, aad, nonces));
            return NONCE_BYTES + cipher.doFinal(plaintext, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /** Draws a fresh nonce, sets the cipher to seal with it and authenticates {@code aad}; returns the nonce. */
    private static byte[] beginSeal(Cipher cipher, SecretKeySpec key, byte[] aad, Nonces nonces) throws GeneralSecurityException {
        byte[] nonce = nonces.next();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        cipher.updateAAD(aad);
        return nonce;
    }

    static byte[] open(byte[] key, byte[] envelope, byte[] aad) throws NotAuthentic {
        return open(key, envelope, 0, envelope.length, aad);
    }

    static byte[] open(byte[] key, byte[] bytes, int offset, int length, byte[] aad) throws NotAuthentic {
        return open(gcm(), new SecretKeySpec(key, "AES"), bytes, offset, length, aad);
    }

    /**
     * A fresh AES-GCM cipher, to be given to {@link #open(Cipher, SecretKeySpec, byte[], int, int, byte[])} as often as needed:
     * native where it loads ({@link NativeCrypto}), the JDK's otherwise.
     */
    static Cipher gcm() {
        return gcm(NativeCrypto.provider());
    }

    /** An AES-GCM cipher of {@code provider}, or of the JDK's own when it is null. */
    static Cipher gcm(Provider provider) {
        try {
            return provider != null ? Cipher.getInstance("AES/GCM/NoPadding", provider) : Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /**
     * Opens an envelope with a cipher that may have opened others: decryption may re-initialise a GCM
     * cipher with any nonce, and the JDK keeps the AES key schedule while the key stays the same.
     */
    static byte[] open(Cipher cipher, SecretKeySpec key, byte[] bytes, int offset, int length, byte[] aad) throws NotAuthentic {
        if (length < OVERHEAD) throw new NotAuthentic("too short for an envelope (" + length + " bytes)");
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, bytes, offset, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(bytes, offset + NONCE_BYTES, length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new NotAuthentic("authentication tag does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        return hmacSha256(key, data, 0, data.length);
    }

    static byte[] hmacSha256(byte[] key, byte[] data, int offset, int length) {
        Mac mac = hmacSha256(key);
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    /** An HMAC-SHA-256 keyed with {@code key}, to be used for many messages ({@code doFinal} resets it). */
    static Mac hmacSha256(byte[] key) {
        try {
            Mac mac = NativeCrypto.hmacSha256();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * scrypt (RFC 7914) of the passphrase's UTF-8 bytes: BoringSSL's where {@code provider} (the native one) is given,
     * about 70 ms in a fresh JVM against 250 ms for Bouncy Castle's, which runs as bytecode until the JIT has compiled
     * it (bench/RESULTS.md); Bouncy Castle's otherwise, and for what BoringSSL refuses (it caps the memory scrypt may
     * take, below 1 GiB), which then fails or succeeds as it always did. Both compute the same function.
     */
    static byte[] scrypt(String passphrase, byte[] salt, int n, int r, int p, Provider provider) {
        if (provider != null) {
            try {
                SecretKeyFactory factory = SecretKeyFactory.getInstance("SCRYPT", provider);
                return factory.generateSecret(new ScryptKeySpec(passphrase.toCharArray(), salt, n, r, p, KEY_BYTES * 8)).getEncoded();
            } catch (GeneralSecurityException | RuntimeException e) {
                // refused (memory cap, parameters): Bouncy Castle's below gives the same key or the same error as before
            }
        }
        return SCrypt.generate(passphrase.getBytes(StandardCharsets.UTF_8), salt, n, r, p, KEY_BYTES);
    }

    /** HKDF-Expand (RFC 5869) for one 32-byte block: HMAC-SHA-256(prk, info || 0x01). */
    static byte[] hkdfExpand(byte[] prk, String info) {
        byte[] label = info.getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(label, label.length + 1);
        input[label.length] = 1;
        return hmacSha256(prk, input);
    }
}
