package cutover.backup;

import java.security.SecureRandom;
import java.util.Random;

/**
 * AES-GCM nonces: 12 random bytes each, drawn from the JDK's {@link SecureRandom} 4 KiB at a time
 * rather than 12 bytes a call (a read of /dev/urandom mixed through SHA-1, under a lock): the bytes
 * are the same generator's, the calls fewer.
 */
final class Nonces {
    private static final int BATCH = 4096 / Crypto.NONCE_BYTES * Crypto.NONCE_BYTES;

    private final Random random;
    private final byte[] batch = new byte[BATCH];
    private int next = BATCH;

    Nonces(SecureRandom random) {
        this.random = random;
    }

    private Nonces(Random random) {
        this.random = random;
    }

    /**
     * Nonces for {@link CipherWarmUp}'s envelopes only, sealed under a throwaway key and never kept:
     * its 20,000 seals drew 240 KB from the secure generator, enough for C2 to spend ~0.3 s of CPU
     * compiling the generator's SHA-1 mixing during a 1M-row backup on two cores (JFR's compilation
     * events), where the backup's own ~1,500 seals leave it alone.
     */
    static Nonces forWarmUp() {
        return new Nonces(new Random(0));
    }

    /** A fresh nonce: no two calls return the same bytes' positions, and no byte is handed out twice. */
    synchronized byte[] next() {
        if (next == BATCH) {
            random.nextBytes(batch);
            next = 0;
        }
        byte[] nonce = new byte[Crypto.NONCE_BYTES];
        System.arraycopy(batch, next, nonce, 0, Crypto.NONCE_BYTES);
        java.util.Arrays.fill(batch, next, next + Crypto.NONCE_BYTES, (byte) 0); // handed out: not kept
        next += Crypto.NONCE_BYTES;
        return nonce;
    }
}
