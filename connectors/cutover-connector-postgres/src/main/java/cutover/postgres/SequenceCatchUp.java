package cutover.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves the sequences a table's integer columns draw from (serial, identity, or a default calling
 * {@code nextval}) past the largest value the rows hold, as {@code pg_dump}'s data ends with
 * {@code setval}: rows written with their keys leave a sequence where it was, and the application's
 * next insert would take a key a written row has. A sequence is only ever moved forward (an
 * ascending one), so running this again, or over rows the application wrote, changes nothing.
 */
final class SequenceCatchUp {
    private SequenceCatchUp() {}

    /** The sequences of the table's integer columns: column, sequence (as regclass text). */
    private static final String SEQUENCES = "SELECT DISTINCT a.attname, seq.oid::regclass::text FROM pg_attribute a JOIN pg_class seq ON seq.relkind = 'S'"
            + " JOIN pg_sequence ps ON ps.seqrelid = seq.oid AND ps.seqincrement > 0"
            + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)"
            + " AND (EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = seq.oid AND d.refobjid = a.attrelid"
            + " AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i'))"
            + " OR EXISTS (SELECT 1 FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid"
            + " AND d.refclassid = 'pg_class'::regclass AND d.refobjid = seq.oid WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum))"
            + " ORDER BY 1, 2";

    /** Moves the table's sequences forward in the caller's transaction; returns a warning for each it could not move. */
    static List<String> advance(Connection c, TableName table) throws SQLException {
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SEQUENCES)) {
            ps.setString(1, table.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) found.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String[] f : found) {
            String column = TableName.quote(f[0]), sequence = f[1];
            // setval only where the rows' largest value is at or past the value the sequence would give next
            String sql = "SELECT setval(" + DefinedTable.literal(sequence) + ", m) FROM (SELECT max(" + column + ") AS m FROM " + table.sql() + ") r,"
                    + " (SELECT last_value, is_called FROM " + sequence + ") s WHERE m IS NOT NULL AND m >= CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END";
            Savepoint before = c.setSavepoint();
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                c.releaseSavepoint(before);
            } catch (SQLException e) {
                if (SqlErrors.isConnectionLoss(e)) throw e;
                c.rollback(before);
                warnings.add("table " + table + ": sequence " + sequence + " of column " + f[0] + " was not moved past the rows' largest value ("
                        + SqlErrors.reason(e.getMessage())
                        + "): the application's next insert may take a key a row has; run SELECT setval('" + sequence + "', max(" + column + ")) FROM " + table.sql());
            }
        }
        return warnings;
    }
}
