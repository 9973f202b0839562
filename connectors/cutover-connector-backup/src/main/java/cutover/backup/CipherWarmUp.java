package cutover.backup;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where AES-GCM is the JDK's own ({@link NativeCrypto} found no native provider), gets the JIT to
 * compile its Java code into its CPU instructions before the first blob is sealed or opened.
 * HotSpot uses the AES and GHASH intrinsics only in methods C2 has compiled, and C2 compiles a
 * caller after thousands of calls: a backup of a million rows seals only a few
 * thousand 32 KiB chunks, so without this nearly all of them went through GHASH's plain Java at
 * about 100 MB/s instead of 3 GB/s (a third of the backup's CPU, bench/RESULTS.md). Twenty thousand
 * seals and opens under a throwaway key take ~0.2 s on a thread of their own, while the passphrase's
 * scrypt runs on the caller's. Most are small, one in a hundred of 32 KiB and one in a thousand of
 * 96 KiB: code compiled after seeing only small inputs was thrown away at the first large one, and
 * took seconds to be compiled again. They go through {@link Crypto}'s own seal and open, with inputs of the lengths
 * real ones have (rarely whole 16-byte blocks, some shorter than one, some above 64 KiB) and a chunk's 32-byte
 * associated data or now and then a file's: code trained on whole blocks and chunks alone was
 * thrown away at the first manifest a restore opened and the first chunk of an odd length, and
 * the chunks that followed were opened in C1's code for more than a second (-XX:+LogCompilation:
 * {@code unstable_if} in {@code GaloisCounterMode.processAAD}, {@code GHASH.update},
 * {@code GHASH.doFinal} and {@code GCMDecrypt.decryptBlocks}).
 */
final class CipherWarmUp {
    private static final int ROUNDS = 20_000;

    private CipherWarmUp() {}

    /** Runs the warm-up on the caller's thread ({@link NativeCrypto#prepare()}'s, beside the scrypt). */
    static void run() {
        Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[Crypto.KEY_BYTES], "AES"); // never used for data
            Cipher seal = Crypto.gcm(null);
            Cipher open = Crypto.gcm(null);
            Nonces nonces = Nonces.forWarmUp();
            // compressed chunks of any length, mostly not whole 16-byte blocks, some shorter than one
            byte[][] small = {new byte[61], new byte[64], new byte[5], new byte[300], new byte[1003]};
            byte[] large = new byte[32 * 1024 + 7];
            byte[] huge = new byte[96 * 1024 + 3]; // above 64 KiB, which GCM processes in slices (an index, a large chunk)
            byte[] chunkAad = new byte[32]; // a chunk's id
            // the repository's files: associated data of any length, shorter than a block too
            byte[][] fileAad = {FileEnvelope.aad("snapshot"), FileEnvelope.aad("lock"), new byte[9]};
            for (int i = 0; i < ROUNDS; i++) {
                byte[] plain = i % 1000 == 0 ? huge : i % 100 == 0 ? large : small[i % small.length];
                byte[] aad = i % 10 == 5 ? fileAad[(i / 10) % fileAad.length] : chunkAad;
                byte[] sealed = Crypto.seal(seal, key, plain, aad, nonces); // the very calls a backup and a restore make
                Crypto.open(open, key, sealed, 0, sealed.length, aad);
            }
        } catch (Crypto.NotAuthentic | RuntimeException e) {
            // the warm-up only saves time: the real sealing reports any real failure
        }
    }
}
