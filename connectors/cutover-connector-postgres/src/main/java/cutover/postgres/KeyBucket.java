package cutover.postgres;

import cutover.connector.ChangeTracking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

/**
 * The bucket of a table's key, the same in SQL (the source counting its keys) and in Java (a reader
 * of the stored COPY text lines), docs/backup-format.md "Change layers": a key of one integer column
 * is its value shifted right (arithmetically) by the bucketing's shift, modulo the number of buckets
 * (a power of two, so the low bits, two's complement): neighbouring keys share a bucket; any other key is the first 32 bits (big-endian) of the MD5 of its columns' text forms joined by
 * tabs, modulo the number. Only keys whose text form is their output form ({@code ::text} of them
 * is what COPY writes, and equal keys are equal text) are bucketed: integers, text, uuid, dates and
 * timestamps; not numeric ({@code 1.0} and {@code 1.00} are one key), bool or bpchar, whose casts
 * to text differ from their output.
 */
final class KeyBucket {
    /** The integer types ({@code typname}): their keys are bucketed by value, and their text compares as numbers ({@link KeyTextOrder}). */
    static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");
    private static final Set<String> TEXTUAL = Set.of("text", "varchar", "uuid", "date", "timestamp", "timestamptz");

    private KeyBucket() {}

    /** Whether keys of these column types (their {@code typname}) are bucketed. */
    static boolean buckets(List<String> keyTypes) {
        return !keyTypes.isEmpty() && keyTypes.stream().allMatch(t -> INTEGERS.contains(t) || TEXTUAL.contains(t));
    }

    static boolean byValue(List<String> keyTypes) {
        return keyTypes.size() == 1 && INTEGERS.contains(keyTypes.get(0));
    }

    /** The bucket of the key columns {@code quoted} (SQL expressions) of these types. */
    static String sql(List<String> quoted, List<String> keyTypes, ChangeTracking.Bucketing bucketing) {
        int mask = bucketing.buckets() - 1;
        if (byValue(keyTypes)) return "((" + quoted.get(0) + "::int8 >> " + bucketing.shift() + ") & " + mask + ")";
        return "(('x' || left(md5(" + text(quoted) + "), 8))::bit(32)::int & " + mask + ")";
    }

    /** A 64-bit hash of the key, for the buckets' digests (computed in the database only, so any hash of its own will do). */
    static String hashSql(List<String> quoted, List<String> keyTypes) {
        if (byValue(keyTypes)) return "hashint8extended(" + quoted.get(0) + "::int8, 0)";
        return "hashtextextended(" + text(quoted) + ", 0)";
    }

    private static String text(List<String> quoted) {
        return String.join(" || E'\\t' || ", quoted.stream().map(q -> q + "::text").toList());
    }

    /** The bucket of a key given as its columns' text forms (unescaped), with a digest for one thread. */
    static int of(String[] keyTexts, boolean byValue, ChangeTracking.Bucketing bucketing, MessageDigest md5) {
        int buckets = bucketing.buckets();
        if (byValue) return (int) ((Long.parseLong(keyTexts[0]) >> bucketing.shift()) & (buckets - 1));
        md5.reset();
        for (int i = 0; i < keyTexts.length; i++) {
            if (i > 0) md5.update((byte) '\t');
            md5.update(keyTexts[i].getBytes(StandardCharsets.UTF_8));
        }
        byte[] h = md5.digest();
        int first = ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
        return first & (buckets - 1);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
