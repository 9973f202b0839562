package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.ConnectorProvider;
import cutover.connector.Location;
import cutover.connector.Setting;
import cutover.connector.Settings;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Opens SQLite files: {@code sqlite:./app.db}, {@code sqlite:/abs/path.db}, {@code sqlite:///abs/path.db}.
 * The whole rest of the location is the path (no query parameters); settings come through {@link Settings}.
 * A SQLite file can be both a source and a sink; see {@link SqliteTypes} for how values are stored.
 */
public final class SqliteProvider implements ConnectorProvider {
    /** How long a statement waits for a lock another process holds on the file before failing. */
    public static final Setting BUSY_TIMEOUT = Setting.of("busy-timeout-ms", Setting.Type.INT, "30000",
            "milliseconds to wait for a lock held by another connection to the file before a write fails (retryably)");

    /** When a source table is big enough to be read in several rowid ranges at once. */
    public static final Setting SPLIT_ROWS = Setting.of("split-rows", Setting.Type.INT, "500000",
            "a source table keyed by rowid (INTEGER PRIMARY KEY or no key) with more rows than this is read in up to"
                    + " --parallelism rowid ranges at once; resume a run with the same parallelism");

    @Override
    public Set<String> schemes() { return Set.of("sqlite"); }

    @Override
    public List<Setting> settings() { return List.of(BUSY_TIMEOUT, SPLIT_ROWS); }

    @Override
    public String recordedAs(Location location) {
        String rest = pathText(location);
        try {
            return rest.isBlank() ? location.raw() : Location.ofFile(location.scheme(), Path.of(rest));
        } catch (InvalidPathException e) {
            return location.raw(); // refused when opened, with the reason
        }
    }

    /** The path a location names, as written. */
    private static String pathText(Location location) {
        String rest = location.rest();
        return rest.startsWith("//") ? rest.substring(2) : rest; // sqlite:///abs/path.db, as in URLs
    }

    @Override
    public java.util.Optional<String> cannotDeleteRows() {
        // its writer runs with foreign keys off: a row deleted could leave rows that refer to it, unseen
        return java.util.Optional.of("a SQLite target does not delete rows (its writer runs with foreign keys off, so a row other rows refer to"
                + " would go unseen)");
    }

    @Override
    public Connector open(Location location, Settings settings) {
        String rest = pathText(location);
        if (rest.isBlank()) {
            throw new CutoverException(ErrorCode.LOCATION_INVALID, "'" + location.redacted() + "' names no file; write sqlite:./app.db");
        }
        int busyTimeout = settings.getInt(BUSY_TIMEOUT);
        if (busyTimeout < 0) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "setting " + BUSY_TIMEOUT.name() + " must not be negative, found " + busyTimeout);
        }
        int splitRows = settings.getInt(SPLIT_ROWS);
        if (splitRows < 1) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "setting " + SPLIT_ROWS.name() + " must be at least 1, found " + splitRows);
        }
        Path path;
        try {
            path = Path.of(rest);
        } catch (InvalidPathException e) {
            throw new CutoverException(ErrorCode.LOCATION_INVALID, "'" + location.redacted() + "' is not a file path: " + e.getMessage(), e);
        }
        return new SqliteConnector(location, new SqliteDatabase(path, busyTimeout), splitRows);
    }
}
