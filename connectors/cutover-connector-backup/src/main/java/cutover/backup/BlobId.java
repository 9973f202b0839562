package cutover.backup;

import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte id: of a chunk (its keyed hash) or of a file (the SHA-256 of its bytes). Written as 64 lower-case hex digits. */
record BlobId(byte[] bytes) implements Comparable<BlobId> {
    static final int BYTES = 32;

    BlobId {
        if (bytes.length != BYTES) throw new IllegalArgumentException("an id has 32 bytes, found " + bytes.length);
        bytes = bytes.clone();
    }

    static BlobId parse(String hex) {
        if (hex.length() != BYTES * 2) throw new IllegalArgumentException("an id has 64 hex digits, found '" + hex + "'");
        return new BlobId(HexFormat.of().parseHex(hex));
    }

    /**
     * The SHA-256 of {@code data} (a repository file's name), by {@link NativeCrypto#sha256()}: the
     * JDK's own reached the CPU's SHA instructions only once C2 had compiled it, which a scheduled
     * process's first incremental paid for at its manifest (12-18 ms of compiling beside it, JFR).
     */
    static BlobId sha256(byte[] data) {
        return new BlobId(NativeCrypto.sha256().digest(data));
    }

    @Override public byte[] bytes() { return bytes.clone(); }

    String hex() { return HexFormat.of().formatHex(bytes); }

    /** The first 8 hex digits, as shown to users. */
    String shortHex() { return hex().substring(0, 8); }

    @Override public boolean equals(Object o) { return o instanceof BlobId b && Arrays.equals(bytes, b.bytes); }
    @Override public int hashCode() { return Arrays.hashCode(bytes); }
    @Override public int compareTo(BlobId o) { return Arrays.compareUnsigned(bytes, o.bytes); }
    @Override public String toString() { return hex(); }
}
