package cutover.backup;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class NoncesTest {
    @Test
    void noNonceIsHandedOutTwiceAcrossBatchesAndThreads() throws InterruptedException {
        Nonces nonces = new Nonces(new SecureRandom());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        int perThread = 5_000; // well past one 4 KiB batch (341 nonces) per thread
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perThread; i++) seen.add(HexFormat.of().formatHex(nonces.next()));
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) t.join();
        assertThat(seen.iterator().next()).hasSize(2 * Crypto.NONCE_BYTES);
        assertThat(seen).hasSize(4 * perThread);
    }

    @Test
    void theBytesAreTheGeneratorsInOrder() {
        // a seeded SHA1PRNG gives the same stream twice: the nonces are that stream cut in twelves
        Nonces nonces = new Nonces(seeded());
        byte[] stream = new byte[8192];
        seeded().nextBytes(stream);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i + Crypto.NONCE_BYTES <= 4092; i += Crypto.NONCE_BYTES) {
            expected.add(HexFormat.of().formatHex(stream, i, i + Crypto.NONCE_BYTES));
        }
        for (int i = 0; i < expected.size(); i++) assertThat(expected).contains(HexFormat.of().formatHex(nonces.next()));
    }

    private static SecureRandom seeded() {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(42);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
