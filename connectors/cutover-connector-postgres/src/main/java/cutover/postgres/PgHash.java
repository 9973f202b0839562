package cutover.postgres;

/**
 * PostgreSQL's 64-bit hash functions {@code hashint8extended} and {@code hashtextextended} (for a
 * deterministic collation), computed in Java from their definition: Bob Jenkins' lookup3 mixing as
 * PostgreSQL's {@code hash_bytes_extended} applies it, 4-byte words read little-endian, the result
 * {@code b << 32 | c}. So a backup can count a table's keys from the rows it reads, as
 * {@code keyBuckets} would in a pass of its own. A server that hashes otherwise (big-endian) is
 * found by {@link PostgresSource}'s probe, which compares these with the server's own results
 * before they are used; nothing is stored on trust.
 */
final class PgHash {
    private static final int GOLDEN = 0x9e3779b9;
    private static final int LENGTH_SALT = 3923095;

    private PgHash() {}

    /** {@code hashint8extended(value, seed)}: the two halves folded to 32 bits (so that int4 and int8 keys hash alike), then hashed. */
    static long int8Extended(long value, long seed) {
        int lo = (int) value;
        int hi = (int) (value >>> 32);
        lo ^= value >= 0 ? hi : ~hi;
        return uint32Extended(lo, seed);
    }

    /** {@code hash_bytes_uint32_extended(k, seed)}. */
    static long uint32Extended(int k, long seed) {
        Lookup3 h = new Lookup3(4, seed);
        h.a += k;
        return h.finish();
    }

    /** {@code hash_bytes_extended(key[offset, offset + length), seed)}: {@code hashtextextended} of text in a deterministic collation. */
    static long bytesExtended(byte[] key, int offset, int length, long seed) {
        Lookup3 h = new Lookup3(length, seed);
        int i = offset, left = length;
        while (left >= 12) {
            h.a += word(key, i);
            h.b += word(key, i + 4);
            h.c += word(key, i + 8);
            h.mix();
            i += 12;
            left -= 12;
        }
        // the last 0-11 bytes; the lowest byte of c is left for the length, as PostgreSQL does
        switch (left) {
            case 11: h.c += (key[i + 10] & 0xFF) << 24; // fall through
            case 10: h.c += (key[i + 9] & 0xFF) << 16; // fall through
            case 9: h.c += (key[i + 8] & 0xFF) << 8; // fall through
            case 8: h.b += word(key, i + 4); h.a += word(key, i); break;
            case 7: h.b += (key[i + 6] & 0xFF) << 16; // fall through
            case 6: h.b += (key[i + 5] & 0xFF) << 8; // fall through
            case 5: h.b += key[i + 4] & 0xFF; // fall through
            case 4: h.a += word(key, i); break;
            case 3: h.a += (key[i + 2] & 0xFF) << 16; // fall through
            case 2: h.a += (key[i + 1] & 0xFF) << 8; // fall through
            case 1: h.a += key[i] & 0xFF; break;
            default: break;
        }
        return h.finish();
    }

    private static int word(byte[] k, int i) {
        return (k[i] & 0xFF) | (k[i + 1] & 0xFF) << 8 | (k[i + 2] & 0xFF) << 16 | (k[i + 3] & 0xFF) << 24;
    }

    /** lookup3's three 32-bit words, started for a key of {@code length} bytes and a seed as PostgreSQL starts them. */
    private static final class Lookup3 {
        int a, b, c;

        Lookup3(int length, long seed) {
            a = b = c = GOLDEN + length + LENGTH_SALT;
            if (seed != 0) {
                a += (int) (seed >>> 32);
                b += (int) seed;
                mix();
            }
        }

        void mix() {
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
        }

        /** lookup3's final(a, b, c), and the 64-bit result PostgreSQL makes of it. */
        long finish() {
            c ^= b; c -= Integer.rotateLeft(b, 14);
            a ^= c; a -= Integer.rotateLeft(c, 11);
            b ^= a; b -= Integer.rotateLeft(a, 25);
            c ^= b; c -= Integer.rotateLeft(b, 16);
            a ^= c; a -= Integer.rotateLeft(c, 4);
            b ^= a; b -= Integer.rotateLeft(a, 14);
            c ^= b; c -= Integer.rotateLeft(b, 24);
            return ((long) b << 32) | (c & 0xFFFFFFFFL);
        }
    }
}
