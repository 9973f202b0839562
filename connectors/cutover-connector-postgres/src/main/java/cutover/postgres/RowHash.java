package cutover.postgres;

import java.util.List;

/**
 * The SQL expression of a row's 64-bit hash, computed inside PostgreSQL with its own hash functions
 * (about four times faster than hashing the row's text form; bench/RESULTS.md). The row hash is the
 * XOR of one hash per listed column, each seeded with the column's position (1, 2, …), so that
 * equal values in different columns, or swapped between columns, do not cancel:
 *
 * <ul>
 *   <li>SQL NULL: a fixed constant per position ({@link #nullHash}), not a hash of any value;</li>
 *   <li>smallint, integer: {@code hashint8extended(v::int8, seed)}; bigint the same inside the
 *       32-bit range, where its folding of the two halves is exact, and outside it seeded with the
 *       hash of the high half too, so that no two values fold alike;</li>
 *   <li>numeric: {@code hash_numeric_extended}, whose seed is XORed with the value's scale unless
 *       the column's type fixes the scale (numeric(p,s)), because the hash of 1.5 equals that of 1.50;</li>
 *   <li>double precision, real: {@code hashfloat8extended} / {@code hashfloat4extended}, except for
 *       zeros, hashed by their text so that -0 and 0 differ;</li>
 *   <li>timestamp, timestamptz from 2000-01-01 on (and +infinity), where PostgreSQL has
 *       {@code date_bin} (14 and later): the stored microseconds since 2000 through the type's own
 *       hash, seeded with the hash of their 2^32-µs window ({@link #timestampSince2000}); from 1700
 *       to 2240 otherwise: {@code hashfloat8extended} of {@code date_part('epoch', v)}, exact to the
 *       microsecond in that span (a double's spacing stays below 1 µs up to 2^33 seconds from 1970);
 *       outside it, and for -infinity, their text;</li>
 *   <li>date: the day number from 2000-01-01 through {@code hashint8extended}; infinities by text;</li>
 *   <li>uuid: {@code uuid_hash_extended}; boolean: {@code hashint8extended(v::int4)};</li>
 *   <li>any other type (text, varchar, jsonb, bytea, arrays, enums, interval…): {@code hashtextextended}
 *       of its text form in the C collation (so a non-deterministic collation cannot merge 'a' and 'A')
 *       under the session settings {@link PostgresDigests} pins.</li>
 * </ul>
 *
 * These functions are PostgreSQL's hash-partitioning functions; their results depend on the server's
 * byte order and encoding, never on its version since 11. {@link PostgresDigests#dialect()} hashes a
 * probe row of every kind on each server, so two servers that would hash differently have different
 * dialects and are never compared by digest.
 */
final class RowHash {
    private RowHash() {}

    /** The expression for {@code columns} of the row aliased {@code alias}, on a server with {@code date_bin} or not. */
    static String expression(List<DigestTable.Column> columns, String alias, boolean dateBin) {
        if (columns.isEmpty()) return "0::int8"; // only keys and counts are compared
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) sql.append(" # ");
            sql.append(column(columns.get(i), alias + "." + TableName.quote(columns.get(i).name()), i + 1, dateBin));
        }
        return sql.append(')').toString();
    }

    /** Whether the server has {@code date_bin} (PostgreSQL 14 and later), which the exact timestamp hash uses. */
    static boolean dateBin(java.sql.Connection c) throws java.sql.SQLException {
        return c.getMetaData().getDatabaseMajorVersion() >= 14;
    }

    static String column(DigestTable.Column column, String v, int seed, boolean dateBin) {
        String hash = valueHash(column, v, seed, dateBin);
        return column.notNull() ? hash : "CASE WHEN " + v + " IS NULL THEN '" + nullHash(seed) + "'::int8 ELSE " + hash + " END";
    }

    private static String valueHash(DigestTable.Column column, String v, int seed, boolean dateBin) {
        return switch (column.typname()) {
            case "int2", "int4" -> "hashint8extended(" + v + "::int8, " + seed + ")";
            case "int8" -> "CASE WHEN " + v + " BETWEEN -2147483648 AND 2147483647 THEN hashint8extended(" + v + ", " + seed
                    + ") ELSE hashint8extended(" + v + ", hashint8extended(" + v + " >> 32, " + seed + ")) END";
            case "numeric" -> column.typmod() >= 0
                    ? "hash_numeric_extended(" + v + ", " + seed + ")"
                    : "hash_numeric_extended(" + v + ", " + seed + " # coalesce(scale(" + v + "), -1))";
            case "float8" -> "CASE WHEN " + v + " = 0 THEN " + text(v, seed) + " ELSE hashfloat8extended(" + v + ", " + seed + ") END";
            case "float4" -> "CASE WHEN " + v + " = 0 THEN " + text(v, seed) + " ELSE hashfloat4extended(" + v + ", " + seed + ") END";
            case "timestamptz" -> {
                String epoch = epoch(v, seed, "timestamptz '1700-01-01 00:00:00+00'", "timestamptz '2240-01-01 00:00:00+00'");
                yield dateBin ? timestampSince2000(v, seed, "timestamptz '2000-01-01 00:00:00+00'", " AT TIME ZONE INTERVAL '+00:00'", epoch) : epoch;
            }
            case "timestamp" -> {
                String epoch = epoch(v, seed, "timestamp '1700-01-01 00:00:00'", "timestamp '2240-01-01 00:00:00'");
                yield dateBin ? timestampSince2000(v, seed, "timestamp '2000-01-01 00:00:00'", "", epoch) : epoch;
            }
            case "date" -> "CASE WHEN isfinite(" + v + ") THEN hashint8extended(" + v + " - date '2000-01-01', " + seed + ") ELSE "
                    + text(v, seed) + " END";
            case "uuid" -> "uuid_hash_extended(" + v + ", " + seed + ")";
            case "bool" -> "hashint8extended(" + v + "::int4, " + seed + ")";
            default -> text(v, seed);
        };
    }

    /**
     * A timestamp from 2000-01-01 on, hashed exactly for a third of the cost of its epoch
     * ({@code date_part} parses its unit on every row). PostgreSQL stores microseconds since 2000, r;
     * {@code timestamp_hash_extended} hashes r folded to 32 bits, lo ^ hi, so on its own it would
     * hash alike two values whose halves fold alike. Seeding it with the hash of r's window
     * ({@code date_bin} to 2^32 µs from 2000, whose stored value folds to hi alone) makes the
     * pair (lo ^ hi, hi) the input, from which r follows: no two values hash alike by construction.
     * {@code AT TIME ZONE INTERVAL '+00:00'} reads a timestamptz's stored value as a timestamp
     * without converting it by zone. +infinity keeps its own window, whose fold no finite window has.
     */
    private static String timestampSince2000(String v, int seed, String y2k, String raw, String otherwise) {
        return "CASE WHEN " + v + " >= " + y2k + " THEN timestamp_hash_extended(" + v + raw + ", timestamp_hash_extended(date_bin("
                + "'4294967296 microseconds', " + v + ", " + y2k + ")" + raw + ", " + seed + ")) ELSE " + otherwise + " END";
    }

    private static String epoch(String v, int seed, String from, String to) {
        return "CASE WHEN " + v + " >= " + from + " AND " + v + " < " + to + " THEN hashfloat8extended(date_part('epoch', " + v + "), "
                + seed + ") ELSE " + text(v, seed) + " END";
    }

    private static String text(String v, int seed) {
        return "hashtextextended(" + v + "::text COLLATE \"C\", " + seed + ")";
    }

    /** The hash of SQL NULL at a position: SplitMix64 of the position, a constant no value hashes to except by chance (2^-64). */
    static long nullHash(int seed) {
        long z = seed * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
