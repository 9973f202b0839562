package cutover.sqlite;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Turns a failed write into an error that says whether trying again can help: a busy or locked
 * file, or an I/O error, may pass; an SQL error (a missing column), a constraint the table holds,
 * or a read-only file will not.
 */
final class WriteFailures {
    private WriteFailures() {}

    static CutoverException of(SQLException e, Path file, String what) {
        String name = e instanceof SQLiteException se ? se.getResultCode().name() : SQLiteErrorCode.getErrorCode(e.getErrorCode()).name();
        String message = what + " in " + file + " failed, and nothing of it stays committed: " + e.getMessage();
        if (name.equals("SQLITE_ERROR")) {
            // SQLite's generic code is an SQL error: a table or column that is not (or no longer) there
            return new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, message
                    + ". The table does not match the plan (was it changed while loading?); run again after fixing it", e);
        }
        if (name.startsWith("SQLITE_CONSTRAINT") || name.equals("SQLITE_MISMATCH") || name.equals("SQLITE_TOOBIG")) {
            return new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, message
                    + ". The table refuses a row the plan produces (a constraint the plan does not know of); fix the table or the plan", e);
        }
        if (name.startsWith("SQLITE_READONLY") || name.equals("SQLITE_PERM") || name.equals("SQLITE_AUTH")) {
            return new CutoverException(ErrorCode.TARGET_AUTH, message + ". The file cannot be written; check its permissions", e);
        }
        return new CutoverException(ErrorCode.TARGET_WRITE_FAILED, message, e);
    }
}
