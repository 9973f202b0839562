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
        if (state.equals("42501")) {
            message += "; the role may not read every row of a table (a privilege it lacks, or row-level security: Cutover reads all of a"
                    + " table's rows or stops, as pg_dump does): read as the table's owner, a superuser or a role with BYPASSRLS (a table"
                    + " with FORCE ROW LEVEL SECURITY holds its owner to its policies too: ALTER TABLE … NO FORCE ROW LEVEL SECURITY while it is read)";
        }
        if (state.equals("55P03")) {
            message += "; another session holds or asks for a lock that excludes reading a table (a TRUNCATE, an ALTER TABLE): during a"
                    + " backup, one asked after the backup locked the table waits for the backup to end, so the backup stops and lets it go";
        }
        return new CutoverException(ErrorCode.SOURCE_IO, message, e, isConnectionLoss(e) || isTransientConflict(state));
    }

    /**
     * SQLSTATEs of a statement refused for the rows it wrote, not for the connection or the schema:
     * a data exception (class 22: a value too long, out of range, not in the server's encoding), an
     * integrity violation (class 23: NOT NULL, UNIQUE, CHECK, an exclusion), a trigger's RAISE
     * EXCEPTION (P0001) or ASSERT (P0004), or a code of the application's own (a class PostgreSQL
     * does not use, as PostgREST's PT400 a trigger raises on Supabase), maybe a row-level security
     * policy's WITH CHECK (42501, shared with a privilege the table lacks: only the English "permission
     * denied" is known to be the table's; any other message goes to the probe, which tells the two
     * apart by the table, whatever the server's language). A foreign key (23503) is not one of them:
     * the parent may be in a split still loading, so its rows are not set aside as refused.
     */
    static boolean isRowRefusal(SQLException e) {
        return isRowRefusal(e.getSQLState(), e.getMessage());
    }

    static boolean isRowRefusal(String sqlState, String message) {
        String state = sqlState == null ? "" : sqlState;
        if (state.length() != 5 || state.equals("23503")) return false;
        if (state.equals("42501")) return message == null || !message.contains("permission denied");
        return state.startsWith("22") || state.startsWith("23") || state.equals("P0001") || state.equals("P0004")
                || !POSTGRES_CLASSES.contains(state.substring(0, 2));
    }

    /** The SQLSTATE classes PostgreSQL's own errors use (Appendix A of its manual); any other is an application's. */
    private static final java.util.Set<String> POSTGRES_CLASSES = java.util.Set.of("00", "01", "02", "03", "08", "09", "0A", "0B", "0F",
            "0L", "0P", "0Z", "20", "21", "22", "23", "24", "25", "26", "27", "28", "2B", "2D", "2F", "34", "38", "39", "3B", "3D", "3F",
            "40", "42", "44", "53", "54", "55", "57", "58", "72", "F0", "HV", "P0", "XX");

    /** Whether the state is a foreign key's refusal (23503): a row refers to one the table does not hold. */
    static boolean isMissingParent(String sqlState) {
        return "23503".equals(sqlState);
    }

    /** Why a record whose row refers to a row the target does not hold is set aside: the server's message and detail (the key). */
    static cutover.error.RecordError orphan(String message, String detail) {
        return cutover.error.RecordError.of(ErrorCode.RECORD_REFERENCE_MISSING, null, "it refers to a row the target does not hold, which no"
                + " record of this run brought (or the one that did was set aside itself): " + message + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")") + " [SQLSTATE 23503]");
    }

    /** A batch's failure: {@link ErrorCode#TARGET_ROWS_REFUSED} when rows were refused (those can then be found and set aside). */
    static CutoverException translateBatch(SQLException e, String doing, String location) {
        if (!isRowRefusal(e)) return translate(e, doing, location);
        return new CutoverException(ErrorCode.TARGET_ROWS_REFUSED, doing + " on " + location + " failed: the table refused a row: "
                + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e, false);
    }

    /** Why the server refused one record's rows, for its dead letter: its message, detail and SQLSTATE; the column where it names one. */
    static cutover.error.RecordError refusal(String state, String message, String detail, String column) {
        StringBuilder reason = new StringBuilder("the target refused the row: ").append(message);
        if (detail != null && !detail.isEmpty()) reason.append(" (").append(detail).append(')');
        reason.append(" [SQLSTATE ").append(state).append(']');
        return cutover.error.RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, column == null || column.isEmpty() ? null : column, reason.toString());
    }

    static CutoverException translate(SQLException e, String doing, String location) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = doing + " on " + location + " failed: " + e.getMessage() + " (SQLSTATE " + state + ")";
        if (isConnectionLoss(e)) return new CutoverException(ErrorCode.TARGET_UNREACHABLE, message, e, true);
        if (state.startsWith("28")) return new CutoverException(ErrorCode.TARGET_AUTH, message, e, false);
        if (state.equals("3D000")) return new CutoverException(ErrorCode.TARGET_UNREACHABLE, message + "; no database of that name (as a target, create it first)", e, false);
        return new CutoverException(ErrorCode.TARGET_WRITE_FAILED, message, e, isTransientConflict(state));
    }

    /** The server's reason, as a warning quotes it: its message's first line, without "ERROR: ". */
    static String reason(String message) {
        return String.valueOf(message).lines().findFirst().orElse("").replaceFirst("^ERROR: ", "");
    }

    /** The server's reason with its detail where it gives one (why a check refused: the column a filter names, the key a row misses). */
    static String reasonAndDetail(String message) {
        String detail = String.valueOf(message).lines().map(String::strip).filter(l -> l.startsWith("Detail: ")).findFirst().orElse(null);
        return reason(message) + (detail == null ? "" : ": " + detail.substring("Detail: ".length()));
    }

    /** What the server says is missing, naming another schema: {@code schema "x"}, {@code "x.y"}, {@code x.y(…)}. */
    private static final java.util.regex.Pattern ELSEWHERE = java.util.regex.Pattern.compile(
            "schema \"([^\"]+)\" does not exist|(?:relation|type) \"([^\".]+)\\.[^\"]+\" does not exist|function ([A-Za-z_][\\w$]*)\\.[\\w$]+\\([^)]*\\) does not exist");

    /**
     * A sentence saying an object was not made, with what to do where the server's reason is
     * something missing in another schema than {@code schema} (a policy calling {@code auth.uid()},
     * a foreign key to {@code auth.users}, a trigger's function in {@code public}): that schema's
     * snapshot restored first, this run again makes it (acceptance run 23: found by trial).
     */
    static String withElsewhereHint(String sentence, String schema) {
        return elsewhere(sentence, schema).map(other -> sentence + " (it needs schema " + other + "'s objects: restore or migrate schema " + other
                + " into this database first, then run this again, which makes what was not made; were they an extension's,"
                + " CREATE EXTENSION … SCHEMA " + other + ", or ALTER EXTENSION … SET SCHEMA " + other + " where it is elsewhere here)").orElse(sentence);
    }

    /** The schema other than {@code schema} whose missing object the server's reason in the sentence names, if it names one. */
    static java.util.Optional<String> elsewhere(String sentence, String schema) {
        java.util.regex.Matcher m = ELSEWHERE.matcher(sentence);
        while (m.find()) {
            String other = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            if (other.equals(schema) || other.equals("pg_catalog") || other.equals("information_schema")) continue;
            return java.util.Optional.of(other);
        }
        return java.util.Optional.empty();
    }
}
