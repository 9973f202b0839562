package cutover.backup;

/**
 * The keys derived from a repository's master key. Two, so that a chunk's id (which is visible in
 * file names and indexes) reveals nothing about the key that encrypts it, and a chunk's id cannot be
 * guessed from its content by anyone without the master key.
 */
record Keys(byte[] encryption, byte[] chunkId, Nonces nonces) {
    static final String ENCRYPTION_INFO = "cutover-backup/v1/encryption";
    static final String CHUNK_ID_INFO = "cutover-backup/v1/chunk-id";

    static Keys fromMaster(byte[] master, Nonces nonces) {
        return new Keys(Crypto.hkdfExpand(master, ENCRYPTION_INFO), Crypto.hkdfExpand(master, CHUNK_ID_INFO), nonces);
    }

    byte[] seal(byte[] plaintext, byte[] aad) {
        return Crypto.seal(encryption, plaintext, aad, nonces);
    }

    byte[] open(byte[] envelope, int offset, int length, byte[] aad) throws Crypto.NotAuthentic {
        return Crypto.open(encryption, envelope, offset, length, aad);
    }
}
