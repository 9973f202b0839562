package cutover.verify;

import cutover.connector.Capability;
import cutover.model.Value;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checksums of key ranges computed inside the database, so that comparing two large tables moves
 * a few numbers per range across the wire instead of every row. Two sides' digests are comparable
 * only when their {@link #dialect()}s are equal (the same row text and hash, computed the same way);
 * otherwise verify streams the rows and hashes them itself.
 */
public interface Digests extends Capability {
    /** Names how rows are turned into hashes, with a version; e.g. {@code postgresql/md5-row-text/1}. */
    String dialect();

    /** The table's key and columns as this side stores them, or empty if there is no such table. */
    Optional<TableShape> table(String table);

    /**
     * Whether a column of {@code targetType} holds every value of a column of {@code sourceType}
     * unchanged and this dialect hashes the two alike (e.g. {@code integer} into {@code bigint}):
     * columns compared by digest must be so. By default only the same type.
     */
    default boolean holdsAlike(String sourceType, String targetType) { return sourceType.equals(targetType); }

    /** The table's row count as the database estimates it (no scan), or -1 when unknown; for progress bars. */
    default long estimatedRows(String table) { return -1; }

    /**
     * Up to {@code parts - 1} distinct values of the first key column, ascending in {@link KeyRange}'s
     * order, that cut {@code within} into about {@code parts} ranges of similar row counts.
     */
    List<Value> splitPoints(String table, KeyRange within, int parts);

    /**
     * The digests of the ranges that {@code bounds} (ascending, inside {@code within}) cut
     * {@code within} into, in order: {@code bounds.size() + 1} of them, computed in one pass. Each
     * row's hash covers the listed {@code columns}, in that order.
     */
    List<RangeDigest> digests(String table, List<String> columns, KeyRange within, List<Value> bounds);

    /**
     * The digests of {@code within}'s rows cut into {@code buckets} parts by a hash of each row's
     * whole key (the ranges {@code within.bucket(0, buckets)}, …), in bucket order, computed in one
     * pass: how a range is cut whose rows all share one value of the first key column. Every other
     * call taking ranges accepts such bucket ranges.
     */
    List<RangeDigest> bucketDigests(String table, List<String> columns, KeyRange within, int buckets);

    /**
     * False when a query over one key range reads the whole table (no index in the ranges' order,
     * e.g. a text key under a collation other than C): a comparison then asks for many ranges per
     * query instead of bisecting range by range, and reads their rows whole in one pass.
     */
    default boolean rangesUseIndex(String table) { return true; }

    /** Every row of the ranges (disjoint, ascending), in any order, with the same hash {@link #digests} gave it. */
    void rows(String table, List<String> columns, List<KeyRange> ranges, Consumer<HashedRow> out);

    /**
     * The key and hash of every row of the ranges (disjoint, ascending), in any order: what a
     * comparison reads first of a small differing range, to read whole only the rows that differ.
     */
    void hashes(String table, List<String> columns, List<KeyRange> ranges, Consumer<KeyedHash> out);

    /** The rows of the ranges whose hash is one of {@code hashes} (and maybe a few more), in any order. */
    void rowsWithHashes(String table, List<String> columns, List<KeyRange> ranges, long[] hashes, Consumer<HashedRow> out);
}
