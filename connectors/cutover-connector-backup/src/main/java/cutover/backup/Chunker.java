package cutover.backup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Finds content-defined cut points with a gear rolling hash and FastCDC's normalized chunking (Xia
 * et al., USENIX ATC 2016): no cut before {@code min}; from {@code min} to {@code avg} a cut needs
 * two more zero bits than the target (so chunks shorter than average are rare); after {@code avg}
 * two fewer (so long ones are too); a cut at {@code max} at the latest. A cut depends only on the
 * bytes since the previous cut, so an edit moves the cut points near it and none far away.
 *
 * <p>The hash is {@code h = (h << 1) + GEAR[byte]}; its top bits depend on the last 64 bytes, so
 * the masks test the top bits. See docs/backup-format.md, "Chunking", for the gear table.
 */
final class Chunker {
    private static final long[] GEAR = gearTable();

    private final ChunkerParams params;
    private final long[] gear;
    private final long maskSmall; // more bits: harder to cut before avg
    private final long maskLarge; // fewer bits: easier to cut after avg

    Chunker(ChunkerParams params) {
        this.params = params;
        this.gear = GEAR;
        int bits = Integer.numberOfTrailingZeros(params.avg());
        this.maskSmall = topBits(bits + 2);
        this.maskLarge = topBits(Math.max(1, bits - 2));
    }

    ChunkerParams params() { return params; }

    /**
     * The length of the chunk that starts at {@code offset}, given {@code length} bytes from there.
     * The caller must pass at least {@code max} bytes unless they are the end of the stream, whose
     * rest it cuts with {@link #cutLast}.
     */
    int cut(byte[] data, int offset, int length) {
        if (length <= params.min()) return length; // (callers check this first: see ChunkingStream.emitOne)
        int end = Math.min(length, params.max());
        int normal = Math.min(params.avg(), end);
        long h = 0;
        int i = params.min();
        for (; i < normal; i++) {
            h = (h << 1) + gear[data[offset + i] & 0xFF];
            if ((h & maskSmall) == 0) return i + 1;
        }
        for (; i < end; i++) {
            h = (h << 1) + gear[data[offset + i] & 0xFF];
            if ((h & maskLarge) == 0) return i + 1;
        }
        return end;
    }

    /**
     * The same cut as {@link #cut}, of a stream's rest (fewer than {@code max} bytes). The same loops
     * in a method of their own, for the compiler: in a window the loops all but never run to their
     * end (a cut at {@code max}), in a rest the last chunk always does, and the cut compiled from
     * the windows was thrown away at the end of every full backup's parts and compiled again during a
     * scheduled process's first incremental, its first chunks cut meanwhile by the interpreter
     * (JFR; that run 6 ms shorter on average with the copy, bench/RESULTS.md, thirteenth session).
     * {@code ChunkerTest} holds the two to the same cuts.
     */
    int cutLast(byte[] data, int offset, int length) {
        if (length <= params.min()) return length;
        int end = Math.min(length, params.max());
        int normal = Math.min(params.avg(), end);
        long h = 0;
        int i = params.min();
        for (; i < normal; i++) {
            h = (h << 1) + gear[data[offset + i] & 0xFF];
            if ((h & maskSmall) == 0) return i + 1;
        }
        for (; i < end; i++) {
            h = (h << 1) + gear[data[offset + i] & 0xFF];
            if ((h & maskLarge) == 0) return i + 1;
        }
        return end;
    }

    private static long topBits(int n) {
        return -1L << (64 - n);
    }

    /** GEAR[i] = the first 8 bytes, big-endian, of SHA-256("cutover-gear" || i), i as one byte. */
    static long[] gearTable() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] prefix = "cutover-gear".getBytes(StandardCharsets.US_ASCII);
            long[] table = new long[256];
            for (int i = 0; i < 256; i++) {
                sha.update(prefix);
                sha.update((byte) i);
                byte[] d = sha.digest();
                long v = 0;
                for (int k = 0; k < 8; k++) v = (v << 8) | (d[k] & 0xFF);
                table[i] = v;
            }
            return table;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
