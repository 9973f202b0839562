package cutover.backup;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AES-GCM envelopes are the same bytes whichever provider seals or opens them ({@link NativeCrypto}). */
class CryptoTest {
    private static final Nonces NONCES = new Nonces(new SecureRandom());

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, architectures = {"amd64", "x86_64", "aarch64"})
    void theNativeProviderLoadsWhereItShips() {
        assertThat(NativeCrypto.provider()).isNotNull();
        assertThat(Crypto.gcm().getProvider().getName()).isEqualTo("Conscrypt");
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
