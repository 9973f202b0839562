package cutover.backup;

import java.security.SecureRandom;

/**
 * The keys derived from a repository's master key. Two, so that a chunk's id (which is visible in
 * file names and indexes) reveals nothing about the key that encrypts it, and a chunk's id cannot be
 * guessed from its content by anyone without the master key.
 */
record Keys(byte[] encryption, byte[] chunkId, SecureRandom random) {
    static final String ENCRYPTION_INFO = "cutover-backup/v1/encryption";
    static final String CHUNK_ID_INFO = "cutover-backup/v1/chunk-id";

    static Keys fromMaster(byte[] master, SecureRandom random) {
        return new Keys(Crypto.hkdfExpand(master, ENCRYPTION_INFO), Crypto.hkdfExpand(master, CHUNK_ID_INFO), random);
    }

    byte[] seal(byte[] plaintext, byte[] aad) {
        return Crypto.seal(encryption, plaintext, aad, random);
    }

    byte[] open(byte[] envelope, int offset, int length, byte[] aad) throws Crypto.NotAuthentic {
        return Crypto.open(encryption, envelope, offset, length, aad);
    }
}
