package cutover.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Rows of fixed values of every kind {@link RowHash} treats its own way, hashed on the server: two
 * servers with the same probe hash compute the same hashes (same byte order, same encoding of text,
 * same hash functions), so their digests may be compared. Changing a value here changes the dialect.
 */
final class DialectProbe {
    private DialectProbe() {}

    private static final List<DigestTable.Column> COLUMNS = List.of(
            column("i8", "int8"), column("i4", "int4"), column("n", "numeric"), column("f8", "float8"), column("f4", "float4"),
            column("ts", "timestamptz"), column("t", "timestamp"), column("d", "date"), column("u", "uuid"), column("b", "bool"),
            column("s", "text"), column("j", "jsonb"), column("by", "bytea"), column("iv", "interval"));

    private static final String ROWS = "(VALUES "
            + "(9007199254740993::int8, -42::int4, 1.50::numeric, 0.1::float8, 1.5::float4, timestamptz '2024-02-29 12:34:56.789012+00', "
            + "timestamp '1999-12-31 23:59:59.999999', date '2024-02-29', 'b9a4f1c2-0d3e-4f5a-8b6c-7d8e9f0a1b2c'::uuid, true, 'Zoë Ünïcode', "
            + "'{\"a\": [1, 2.5, null]}'::jsonb, '\\x00ff'::bytea, interval '1 day 02:03:04.5'), "
            + "(-3, 7, 'NaN', -0.0::float8, 'NaN', timestamptz '3000-01-01 00:00:00+00', timestamp '-infinity', date 'infinity', NULL, "
            + "false, '', 'null'::jsonb, '\\x'::bytea, NULL), "
            + "(NULL, NULL, NULL, NULL, NULL, timestamptz '1969-07-20 20:17:40.5+00', timestamp '2038-01-19 03:14:08.000001', NULL, NULL, "
            + "NULL, NULL, NULL, NULL, NULL), "
            + "(NULL, NULL, NULL, NULL, NULL, timestamptz 'infinity', timestamp 'infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
            + "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
            + ") AS probe(i8, i4, n, f8, f4, ts, t, d, u, b, s, j, \"by\", iv)";

    /** The sum of the probe rows' hashes, as 16 hex digits. */
    static String hash(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(" + RowHash.expression(COLUMNS, "probe", RowHash.dateBin(c)) + ") FROM " + ROWS)) {
            rs.next();
            return String.format("%016x", rs.getBigDecimal(1).toBigInteger().longValue());
        }
    }

    private static DigestTable.Column column(String name, String typname) {
        return new DigestTable.Column(name, typname, typname, typname, -1, false);
    }
}
