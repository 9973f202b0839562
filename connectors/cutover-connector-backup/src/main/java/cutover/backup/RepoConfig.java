package cutover.backup;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The plaintext {@code config} file: what is needed to turn a passphrase into the master key, and
 * the chunker's parameters. The master key itself is there only wrapped (AES-256-GCM under the key
 * derived from the passphrase), with the format version and repository id as associated data.
 */
record RepoConfig(int version, String id, Kdf kdf, ChunkerParams chunker, WrappedKey masterKey) {

    /** scrypt (RFC 7914) over the passphrase's UTF-8 bytes, 32 bytes out. */
    record Kdf(String algorithm, @JsonProperty("N") int n, int r, int p, String salt) {}

    /** The wrapped master key: base64 of {@code nonce(12) || ciphertext(32) || tag(16)}. */
    record WrappedKey(String envelope) {}

    /** What the key wrap authenticates besides the key: changing the version or the id breaks the wrap. */
    static byte[] wrapAad(int version, String id) {
        return ("cutover-backup config v" + version + " " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
