package cutover.backup;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkSealerTest {
    private final Keys keys = Keys.fromMaster(new byte[Crypto.KEY_BYTES], new Nonces(new SecureRandom()));

    @Test
    void chunksSealedIntoReusedBuffersOpenToThemselvesWhateverCameBefore() throws Crypto.NotAuthentic {
        Random random = new Random(7);
        // large, then small, then large again: a small chunk must not carry a larger one's leftovers
        int[] sizes = {200_000, 17, 65_536, 1, 0, 250_000, 3_000};
        try (ChunkSealer sealer = new ChunkSealer(keys, 3); ChunkOpener opener = new ChunkOpener(keys)) {
            for (int size : sizes) {
                byte[] source = new byte[size + 10];
                random.nextBytes(source);
                for (int i = 0; i < size / 2; i++) source[5 + i] = 'a'; // half compressible
                ByteBuffer chunk = ByteBuffer.allocateDirect(size + 20).position(3);
                chunk.put(source, 5, size).flip().position(3); // a chunk that does not start at the buffer's start
                BlobId id = sealer.idOf(chunk);
                ChunkSealer.Sealed sealed = sealer.seal(chunk, id.bytes());
                assertThat(chunk.position()).isEqualTo(3);

                byte[] envelope = Arrays.copyOf(sealed.bytes(), sealed.length());
                byte[] plain = opener.decompress(opener.open(envelope, 0, envelope.length, id.bytes()), size);
                assertThat(plain).as("chunk of %d bytes", size).isEqualTo(Arrays.copyOfRange(source, 5, 5 + size));
                assertThat(opener.idOf(plain, 0, plain.length)).isEqualTo(id);
            }
        }
    }

    @Test
    void aSealedChunkIsBoundToItsId() {
        try (ChunkSealer sealer = new ChunkSealer(keys, 3); ChunkOpener opener = new ChunkOpener(keys)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(16).put("some rows".getBytes()).flip();
            ChunkSealer.Sealed sealed = sealer.seal(chunk, sealer.idOf(chunk).bytes());
            byte[] otherId = sealer.idOf(ByteBuffer.allocateDirect(1).put((byte) 1).flip()).bytes();
            assertThatThrownBy(() -> opener.open(sealed.bytes(), 0, sealed.length(), otherId)).isInstanceOf(Crypto.NotAuthentic.class);
        }
    }
}
