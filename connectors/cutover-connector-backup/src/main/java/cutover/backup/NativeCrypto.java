package cutover.backup;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * AES-GCM and scrypt from BoringSSL, through Conscrypt's provider, where its native library loads
 * (Linux and macOS on x86-64 and ARM, Windows on x86-64); the JDK's AES-GCM and Bouncy Castle's scrypt
 * elsewhere, or when {@code CUTOVER_NATIVE_CRYPTO=off}. The bytes are the same either way (both are
 * standards), so a repository written with one opens with the other. Why: the JDK's AES-GCM reaches
 * its CPU instructions only once C2 has compiled its Java callers, which cost a 1M-row backup ~0.35 s
 * of compiler time and a warm-up of ~0.2 s ({@link CipherWarmUp}) on every command, and Bouncy
 * Castle's scrypt runs as bytecode for most of its ~250 ms in a fresh JVM; native code needs no JIT
 * (bench/RESULTS.md). The library loads in ~40 ms, on a thread of its own started as a repository
 * is opened, while the repository's config is read.
 */
final class NativeCrypto {
    /** The environment variable that turns the native provider off (any of off, false, no, 0). */
    static final String SETTING = "CUTOVER_NATIVE_CRYPTO";
    private static CompletableFuture<Provider> provider;

    private NativeCrypto() {}

    /**
     * Starts loading the provider on a daemon thread, once per process; returns at once. Where it
     * does not load, the same thread warms the JDK's AES-GCM up instead.
     */
    static synchronized void prepare() {
        if (provider != null) return;
        CompletableFuture<Provider> loading = new CompletableFuture<>();
        provider = loading;
        Thread t = new Thread(() -> {
            Provider p = load();
            loading.complete(p);
            if (p == null) CipherWarmUp.run();
        }, "cutover-crypto-setup");
        t.setDaemon(true);
        t.start();
    }

    /** The native provider, or null for the JDK's own; waits for {@link #prepare()}'s thread, or loads it here if none was started. */
    static Provider provider() {
        CompletableFuture<Provider> loading;
        synchronized (NativeCrypto.class) {
            if (provider == null) provider = CompletableFuture.completedFuture(load());
            loading = provider;
        }
        return loading.join();
    }

    /**
     * A generator for nonces: BoringSSL's ({@code RAND_bytes}, native) where the provider loaded, else
     * the JDK's default. The JDK's mixes what it reads from /dev/urandom through SHA-1 in Java, which
     * C2 compiled three times over (OSR) during a 1M-row backup's ~1,500 seals: ~0.1 s of compiler
     * CPU on two cores (bench/RESULTS.md).
     */
    static SecureRandom secureRandom() {
        // "SHA1PRNG" is Conscrypt's name for RAND_bytes, not a SHA-1 generator
        return preferNative(p -> p == null ? new SecureRandom() : SecureRandom.getInstance("SHA1PRNG", p), "a secure random generator");
    }

    /**
     * A SHA-256 from BoringSSL where the provider loaded (its code uses the CPU's SHA instructions at
     * once), else the JDK's, which reaches them only once C2 has compiled its callers: a 1M-row backup
     * hashes ~350 MB (the parts' digests, chunk ids, pack names) and spent ~0.17 s of it in the JDK's
     * Java code first (bench/RESULTS.md).
     */
    static java.security.MessageDigest sha256() {
        return preferNative(p -> p == null ? java.security.MessageDigest.getInstance("SHA-256")
                : java.security.MessageDigest.getInstance("SHA-256", p), "SHA-256");
    }

    /** An HMAC-SHA-256 algorithm, from the same provider as {@link #sha256()}. */
    static javax.crypto.Mac hmacSha256() {
        return preferNative(p -> p == null ? javax.crypto.Mac.getInstance("HmacSHA256") : javax.crypto.Mac.getInstance("HmacSHA256", p),
                "HMAC-SHA-256");
    }

    /** An algorithm's instance from a provider, or from the JDK's own when given null. */
    private interface Lookup<T> {
        T in(Provider p) throws NoSuchAlgorithmException;
    }

    /** The native provider's instance where it loaded and has the algorithm, else the JDK's. */
    private static <T> T preferNative(Lookup<T> lookup, String algorithm) {
        Provider p = provider();
        if (p != null) {
            try {
                return lookup.in(p);
            } catch (NoSuchAlgorithmException e) {
                // a provider without it: the JDK's below
            }
        }
        try {
            return lookup.in(null);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    private static Provider load() {
        if (turnedOff(System.getenv(SETTING))) return null;
        try {
            return org.conscrypt.Conscrypt.newProvider();
        } catch (Throwable e) { // LinkageError for a platform without a library, an unwritable temp folder…
            return null;
        }
    }

    static boolean turnedOff(String setting) {
        return setting != null && switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "off", "false", "no", "0" -> true;
            default -> false;
        };
    }
}
