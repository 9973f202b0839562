package cutover.postgres;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.sql.SQLException;

/**
 * Turns a {@link SQLException} into a {@link CutoverException} by its SQLSTATE, as Debezium's
 * {@code PostgresErrorHandler} does: a lost connection is worth retrying, refused credentials never.
 */
final class SqlErrors {
    private SqlErrors() {}

    /** SQLSTATEs that mean the connection is gone (class 08, and the server shutting the backend down). */
    static boolean isConnectionLoss(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) return true;
            }
            if (t instanceof java.io.IOException) return true;
        }
        return false;
    }

    /**
     * SQLSTATEs of a conflict with another session that a second attempt may not meet: a
     * serialization failure (also what a standby reports when replay cancels a query), a deadlock,
     * a lock not granted within {@code lock_timeout}.
     */
    private static boolean isTransientConflict(String state) {
        return state.equals("40001") || state.equals("40P01") || state.equals("55P03");
    }

    /** Reading failed: worth retrying when the connection was lost or another session was in the way, otherwise not. */
    static CutoverException translateRead(SQLException e, String doing, String location) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = doing + " on " + location + " failed: " + e.getMessage() + " (SQLSTATE " + state + ")";
        return new CutoverException(ErrorCode.SOURCE_IO, message, e, isConnectionLoss(e) || isTransientConflict(state));
    }

    static CutoverException translate(SQLException e, String doing, String location) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = doing + " on " + location + " failed: " + e.getMessage() + " (SQLSTATE " + state + ")";
        if (isConnectionLoss(e)) return new CutoverException(ErrorCode.TARGET_UNREACHABLE, message, e, true);
        if (state.startsWith("28")) return new CutoverException(ErrorCode.TARGET_AUTH, message, e, false);
        if (state.equals("3D000")) return new CutoverException(ErrorCode.TARGET_UNREACHABLE, message + "; create the database first", e, false);
        return new CutoverException(ErrorCode.TARGET_WRITE_FAILED, message, e, isTransientConflict(state));
    }
}
