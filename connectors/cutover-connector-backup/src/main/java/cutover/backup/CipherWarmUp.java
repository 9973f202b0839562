package cutover.backup;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the JIT to compile AES-GCM's Java code into its CPU instructions before the first blob is
 * sealed or opened. HotSpot uses the AES and GHASH intrinsics only in methods C2 has compiled, and
 * C2 compiles a caller after thousands of calls: a backup of a million rows seals only a few
 * thousand 32 KiB chunks, so without this nearly all of them went through GHASH's plain Java at
 * about 100 MB/s instead of 3 GB/s (a third of the backup's CPU, bench/RESULTS.md). Twenty thousand
 * seals and opens under a throwaway key take ~0.2 s on a thread of their own, while the passphrase's
 * scrypt runs on the caller's. They are of 64 bytes but one in a hundred of 32 KiB: code compiled
 * after seeing only small inputs was thrown away at the first large one, and took seconds to be
 * compiled again.
 */
final class CipherWarmUp {
    private static final int ROUNDS = 20_000;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private CipherWarmUp() {}

    /** Starts the warm-up once per process, in a daemon thread; returns at once. */
    static void start() {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(CipherWarmUp::run, "cutover-cipher-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void run() {
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[Crypto.KEY_BYTES], "AES"); // never used for data
            Cipher seal = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher open = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] small = new byte[64];
            byte[] large = new byte[32 * 1024];
            byte[] sealed = new byte[large.length + Crypto.TAG_BYTES];
            byte[] opened = new byte[large.length];
            byte[] aad = new byte[32];
            for (int i = 0; i < ROUNDS; i++) {
                byte[] plain = i % 100 == 0 ? large : small;
                byte[] nonce = new byte[Crypto.NONCE_BYTES];
                nonce[0] = (byte) i;
                nonce[1] = (byte) (i >>> 8);
                nonce[2] = (byte) (i >>> 16); // a nonce is never reused under a key: GCM refuses that
                GCMParameterSpec spec = new GCMParameterSpec(Crypto.TAG_BYTES * 8, nonce);
                seal.init(Cipher.ENCRYPT_MODE, key, spec);
                seal.updateAAD(aad);
                int n = seal.doFinal(plain, 0, plain.length, sealed, 0);
                open.init(Cipher.DECRYPT_MODE, key, spec);
                open.updateAAD(aad);
                open.doFinal(sealed, 0, n, opened, 0);
            }
        } catch (GeneralSecurityException e) {
            // the warm-up only saves time: the real sealing reports any real failure
        }
    }
}
