package cutover.sqlite;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Turns a failed write into an error that says whether trying again can help: a busy or locked
 * file, or an I/O error, may pass; an SQL error (a missing column) or a read-only file will not,
 * and a constraint the table holds refuses rows, which are then found and set aside.
 */
final class WriteFailures {
    private WriteFailures() {}

    /** A write refused for the rows it wrote (a constraint, a mismatched or too big value), not for the file or the schema. */
    static boolean isRowRefusal(SQLException e) {
        String name = resultName(e);
        return name.startsWith("SQLITE_CONSTRAINT") || name.equals("SQLITE_MISMATCH") || name.equals("SQLITE_TOOBIG");
    }

    /** Why SQLite refused one record's rows, for its dead letter. */
    static RecordError refusal(SQLException e) {
        return RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, null, "the target refused the row: " + e.getMessage() + " [" + resultName(e) + "]");
    }

    private static String resultName(SQLException e) {
        return e instanceof SQLiteException se ? se.getResultCode().name() : SQLiteErrorCode.getErrorCode(e.getErrorCode()).name();
    }

    static CutoverException of(SQLException e, Path file, String what) {
        String name = resultName(e);
        String message = what + " in " + file + " failed, and nothing of it stays committed: " + e.getMessage();
        if (name.equals("SQLITE_ERROR")) {
            // SQLite's generic code is an SQL error: a table or column that is not (or no longer) there
            return new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, message
                    + ". The table does not match the plan (was it changed while loading?); run again after fixing it", e);
        }
        if (isRowRefusal(e)) {
            return new CutoverException(ErrorCode.TARGET_ROWS_REFUSED, message
                    + ". The table refuses a row (a constraint the plan does not know of)", e, false);
        }
        if (name.startsWith("SQLITE_READONLY") || name.equals("SQLITE_PERM") || name.equals("SQLITE_AUTH")) {
            return new CutoverException(ErrorCode.TARGET_AUTH, message + ". The file cannot be written; check its permissions", e);
        }
        return new CutoverException(ErrorCode.TARGET_WRITE_FAILED, message, e);
    }
}
