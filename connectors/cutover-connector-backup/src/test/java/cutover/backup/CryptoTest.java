package cutover.backup;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.Provider;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AES-GCM envelopes and scrypt keys are the same bytes whichever provider makes them ({@link NativeCrypto}). */
class CryptoTest {
    private static final Nonces NONCES = new Nonces(new SecureRandom());

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, architectures = {"amd64", "x86_64", "aarch64"})
    void theNativeProviderLoadsWhereItShips() {
        assertThat(NativeCrypto.provider()).isNotNull();
        assertThat(Crypto.gcm().getProvider().getName()).isEqualTo("Conscrypt");
        assertThat(NativeCrypto.secureRandom().getProvider().getName()).isEqualTo("Conscrypt");
    }

    @Test
    void noncesNeverRepeatAcrossBatches() {
        Nonces nonces = new Nonces(NativeCrypto.secureRandom());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) { // more than ten 4 KiB batches
            byte[] nonce = nonces.next();
            assertThat(nonce).hasSize(Crypto.NONCE_BYTES);
            assertThat(seen.add(HexFormat.of().formatHex(nonce))).as("nonce %d is new", i).isTrue();
        }
    }

    @Property(tries = 200)
    void anEnvelopeSealedByOneProviderOpensWithTheOther(@ForAll @IntRange(max = 200_000) int length, @ForAll @IntRange(max = 64) int aadLength,
                                                        @ForAll boolean nativeSeals) throws Crypto.NotAuthentic {
        Provider nativeProvider = NativeCrypto.provider();
        if (nativeProvider == null) return; // nothing to compare on a platform without the library
        Random random = new Random(length * 31L + aadLength);
        byte[] key = bytes(random, Crypto.KEY_BYTES), plain = bytes(random, length), aad = bytes(random, aadLength);
        Cipher sealer = Crypto.gcm(nativeSeals ? nativeProvider : null), opener = Crypto.gcm(nativeSeals ? null : nativeProvider);
        SecretKeySpec spec = new SecretKeySpec(key, "AES");

        byte[] envelope = Crypto.seal(sealer, spec, plain, aad, NONCES);

        assertThat(envelope).hasSize(length + Crypto.OVERHEAD);
        assertThat(Crypto.open(opener, spec, envelope, 0, envelope.length, aad)).isEqualTo(plain);
    }

    @Test
    void bothProvidersRefuseAChangedByteOrAnotherKey() {
        Random random = new Random(7);
        byte[] key = bytes(random, Crypto.KEY_BYTES), plain = bytes(random, 40_000), aad = bytes(random, 32);
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        for (Provider provider : new Provider[] {null, NativeCrypto.provider()}) {
            Cipher cipher = Crypto.gcm(provider);
            byte[] envelope = Crypto.seal(cipher, spec, plain, aad, NONCES);
            for (int at : new int[] {0, Crypto.NONCE_BYTES, envelope.length / 2, envelope.length - 1}) {
                byte[] changed = envelope.clone();
                changed[at] ^= 1;
                assertThatThrownBy(() -> Crypto.open(cipher, spec, changed, 0, changed.length, aad)).isInstanceOf(Crypto.NotAuthentic.class);
            }
            byte[] otherAad = aad.clone();
            otherAad[0] ^= 1;
            assertThatThrownBy(() -> Crypto.open(cipher, spec, envelope, 0, envelope.length, otherAad)).isInstanceOf(Crypto.NotAuthentic.class);
            SecretKeySpec otherKey = new SecretKeySpec(bytes(random, Crypto.KEY_BYTES), "AES");
            assertThatThrownBy(() -> Crypto.open(cipher, otherKey, envelope, 0, envelope.length, aad)).isInstanceOf(Crypto.NotAuthentic.class);
        }
    }

    @Test
    void scryptGivesRfc7914sTestVectorWithEitherProvider() {
        // RFC 7914 section 12, scrypt("password", "NaCl", N = 1024, r = 8, p = 16): the first 32 of its 64 bytes
        byte[] expected = HexFormat.of().parseHex("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162");
        byte[] salt = "NaCl".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crypto.scrypt("password", salt, 1024, 8, 16, null)).isEqualTo(expected);
        assertThat(Crypto.scrypt("password", salt, 1024, 8, 16, NativeCrypto.provider())).isEqualTo(expected);
    }

    @Property(tries = 60)
    void scryptGivesTheSameKeyWithEitherProvider(@ForAll("passphrases") String passphrase, @ForAll @IntRange(min = 1, max = 10) int logN,
                                                 @ForAll @IntRange(min = 1, max = 8) int r, @ForAll @IntRange(min = 1, max = 3) int p) {
        Provider nativeProvider = NativeCrypto.provider();
        if (nativeProvider == null) return;
        byte[] salt = bytes(new Random(passphrase.hashCode()), 16);
        assertThat(Crypto.scrypt(passphrase, salt, 1 << logN, r, p, nativeProvider)).isEqualTo(Crypto.scrypt(passphrase, salt, 1 << logN, r, p, null));
    }

    /** Passphrases of any characters a user may type: accents, CJK, emoji (surrogate pairs), spaces. */
    @Provide
    Arbitrary<String> passphrases() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('é', 'ß', 'Ω', '中', '€').withChars("\uD83D\uDE00".toCharArray())
                .ofMinLength(1).ofMaxLength(40).filter(s -> !s.isEmpty() && !unpairedSurrogate(s));
    }

    private static boolean unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(++i)))) return true;
            if (Character.isLowSurrogate(c)) return true;
        }
        return false;
    }

    @Test
    void whatBoringSslRefusesGoesToBouncyCastleAndFailsAsItDidBefore() {
        // BoringSSL refuses scrypt above a memory cap (between 256 and 512 MiB: N = 2^19, r = 8 is refused), which
        // Bouncy Castle then derives; too large a derivation for a unit test, so the path is taken with parameters
        // both refuse before allocating anything (p * r of 2^32): the error is Bouncy Castle's, as it always was
        assertThatThrownBy(() -> Crypto.scrypt("x", new byte[16], 2, 1 << 16, 1 << 16, NativeCrypto.provider()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Crypto.scrypt("x", new byte[16], 2, 1 << 16, 1 << 16, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSettingTurnsTheNativeProviderOffByTheUsualWords() {
        for (String off : new String[] {"off", "OFF", " false ", "no", "0"}) assertThat(NativeCrypto.turnedOff(off)).as(off).isTrue();
        for (String on : new String[] {null, "", "on", "true", "1", "conscrypt"}) assertThat(NativeCrypto.turnedOff(on)).as(String.valueOf(on)).isFalse();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
