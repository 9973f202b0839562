package cutover.sqlite;

import cutover.model.ColumnType;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * How each portable column type is stored in SQLite, which has only five storage classes. The
 * declared type names are chosen twice over: their affinity keeps the stored form from being
 * converted, and the source recognises them to give back the kind that was written.
 *
 * <table>
 *   <tr><th>ColumnType</th><th>declared</th><th>stored as</th></tr>
 *   <tr><td>TEXT</td><td>TEXT</td><td>TEXT</td></tr>
 *   <tr><td>BIGINT</td><td>INTEGER</td><td>INTEGER</td></tr>
 *   <tr><td>DOUBLE</td><td>REAL</td><td>REAL; NaN as the TEXT {@code NaN} (SQLite turns a NaN into
 *       NULL); -0.0 comes back as 0.0, since SQLite stores an integral REAL as an integer</td></tr>
 *   <tr><td>NUMERIC</td><td>DECIMAL TEXT</td><td>TEXT, the exact decimal ({@code 1.50} keeps its
 *       scale); TEXT affinity, because NUMERIC affinity would turn it into a lossy REAL</td></tr>
 *   <tr><td>BOOLEAN</td><td>BOOLEAN</td><td>INTEGER 0 or 1</td></tr>
 *   <tr><td>TIMESTAMPTZ</td><td>TIMESTAMP</td><td>TEXT, ISO-8601 UTC with nine fraction digits
 *       ({@code 2024-05-01T12:00:00.000000000Z}), so text order is time order</td></tr>
 *   <tr><td>DATE</td><td>DATE</td><td>TEXT {@code 2024-05-01}</td></tr>
 *   <tr><td>BYTES</td><td>BLOB</td><td>BLOB</td></tr>
 *   <tr><td>JSON</td><td>JSON TEXT</td><td>TEXT, plain JSON as {@link cutover.model.JsonValues} renders
 *       it (readable with SQLite's json functions); TEXT affinity so {@code 1.0} stays JSON text</td></tr>
 *   <tr><td>GEOPOINT</td><td>LATLNG</td><td>TEXT, the JSON object
 *       {@code {"latitude":…,"longitude":…}} as a JSON column holds a geopoint, so apps read both alike.
 *       Not "GEOPOINT": any name containing "INT" gets INTEGER affinity</td></tr>
 * </table>
 */
final class SqliteTypes {
    private SqliteTypes() {}

    static String declaredType(ColumnType type) {
        return switch (type) {
            case TEXT -> "TEXT";
            case BIGINT -> "INTEGER";
            case DOUBLE -> "REAL";
            case NUMERIC -> "DECIMAL TEXT";
            case BOOLEAN -> "BOOLEAN";
            case TIMESTAMPTZ -> "TIMESTAMP";
            case DATE -> "DATE";
            case BYTES -> "BLOB";
            case JSON -> "JSON TEXT";
            case GEOPOINT -> "LATLNG";
        };
    }

    /**
     * The affinities of an existing column that keep this type's stored form unchanged. Text that
     * never looks like a number (timestamps, dates, geopoints) survives NUMERIC affinity; text that
     * can (JSON, plain text) needs TEXT or none. BLOBs are never converted. A decimal goes into a
     * NUMERIC column too (an application's {@code decimal(10,2)}, whose backup is restored over it):
     * SQLite stores it as the number it is, INTEGER or REAL, and the sink sets aside a value that
     * number would not hold ({@link RowCheck#numberAsStored}).
     */
    static Set<Affinity> compatibleAffinities(ColumnType type) {
        return switch (type) {
            // JSON too: an application's column declared JSON has NUMERIC affinity, under which only a document that is a bare
            // number is stored as a number (its text read back is that number), as for the application's own inserts
            case NUMERIC, JSON -> EnumSet.of(Affinity.TEXT, Affinity.BLOB, Affinity.NUMERIC);
            // text into a column of a numeric affinity (a plan that saw only NULLs there: its type is the default, TEXT): stored
            // as text unless it looks like a number, which the sink sets aside (RowCheck.numberAsStored)
            case TEXT -> EnumSet.of(Affinity.TEXT, Affinity.BLOB, Affinity.NUMERIC, Affinity.INTEGER, Affinity.REAL);
            case BIGINT, BOOLEAN -> EnumSet.of(Affinity.INTEGER, Affinity.NUMERIC, Affinity.BLOB);
            case DOUBLE -> EnumSet.of(Affinity.REAL, Affinity.BLOB);
            case TIMESTAMPTZ, DATE, GEOPOINT -> EnumSet.of(Affinity.TEXT, Affinity.NUMERIC, Affinity.BLOB);
            case BYTES -> EnumSet.allOf(Affinity.class);
        };
    }

    /** The kind a declared type was written as, so the source can decode it; null for none in particular. */
    static ColumnType recognise(String declaredType) {
        String t = declaredType == null ? "" : declaredType.toUpperCase(Locale.ROOT);
        if (t.contains("JSON")) return ColumnType.JSON;
        if (t.contains("LATLNG") || t.contains("GEOPOINT")) return ColumnType.GEOPOINT;
        if (t.contains("BOOL")) return ColumnType.BOOLEAN;
        if (t.contains("TIMESTAMP") || t.contains("DATETIME")) return ColumnType.TIMESTAMPTZ;
        if (t.contains("DATE")) return ColumnType.DATE;
        if (t.contains("DECIMAL") || t.contains("NUMERIC")) return ColumnType.NUMERIC;
        return switch (Affinity.of(declaredType)) {
            case INTEGER -> ColumnType.BIGINT;
            case REAL -> ColumnType.DOUBLE;
            case TEXT -> ColumnType.TEXT;
            case BLOB, NUMERIC -> null;
        };
    }
}
