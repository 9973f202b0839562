package cutover.error;

/**
 * Stable names for everything that can go wrong, each with the process exit code it leads to and
 * whether trying again can help. Listed with causes and fixes in {@code docs/errors.md}; dead-letter
 * lines carry the same names.
 */
public enum ErrorCode {
    // Usage and configuration: exit 2 / 3, never retryable.
    USAGE(2, false),
    LOCATION_INVALID(3, false),
    CONNECTOR_UNKNOWN_SCHEME(3, false),
    CONNECTOR_DUPLICATE_SCHEME(3, false),
    CAPABILITY_MISSING(3, false),
    SETTING_INVALID(3, false),
    PLAN_INVALID(3, false),
    PLAN_UNKNOWN_ENTITY(3, false),
    PLAN_UNKNOWN_FIELD(3, false),
    PLAN_MISMATCH(3, false),

    // The source: exit 4.
    SOURCE_NOT_FOUND(4, false),
    SOURCE_PARSE_ERROR(4, false),
    SOURCE_FORMAT_UNKNOWN(4, false),
    SOURCE_CORRUPT(4, false),
    SOURCE_IO(4, true),
    SOURCE_AUTH(4, false),
    SOURCE_CHANGED(4, false),

    // The target: exit 5.
    TARGET_UNREACHABLE(5, true),
    TARGET_AUTH(5, false),
    TARGET_WRITE_FAILED(5, true),
    /** The target could not be read (verify reads both sides): a privilege or row-level security, a lost connection. */
    TARGET_READ_FAILED(5, true),
    /** A batch refused because of some of its rows (a constraint, a trigger): those are then found and set aside. */
    TARGET_ROWS_REFUSED(5, false),
    SINK_SCHEMA_MISMATCH(5, false),

    // One record that cannot be moved: it goes to the dead-letter file, the run goes on.
    RECORD_UNKNOWN_MARKER(1, false),
    RECORD_TYPE_MISMATCH(1, false),
    RECORD_VALUE_OUT_OF_RANGE(1, false),
    RECORD_INVALID_TEXT(1, false),
    RECORD_MISSING_REQUIRED(1, false),
    RECORD_DUPLICATE_KEY(1, false),
    RECORD_REFERENCE_MISSING(1, false),
    RECORD_TRANSFORM_FAILED(1, false),
    RECORD_REJECTED_BY_TARGET(1, false),

    // The run stopped because too many records were set aside (the plan is probably wrong).
    DEAD_LETTER_LIMIT(7, false),

    // The backup repository: exit 8.
    BACKUP_NOT_FOUND(8, false),
    BACKUP_EXISTS(8, false),
    BACKUP_PASSPHRASE(8, false),
    BACKUP_VERSION(8, false),
    BACKUP_LOCKED(8, true),
    BACKUP_CORRUPT(8, false),
    BACKUP_IO(8, true),

    // Cutover's own state (the .cutover folder, the cutover schema).
    STATE_IO(6, true),
    STATE_CONFLICT(6, false),
    INTERRUPTED(130, false),
    INTERNAL(70, false);

    private final int exitCode;
    private final boolean retryable;

    ErrorCode(int exitCode, boolean retryable) {
        this.exitCode = exitCode;
        this.retryable = retryable;
    }

    /** The process exit code when this error ends a command. */
    public int exitCode() { return exitCode; }

    /** True when the same operation may succeed if tried again (a network blip, a restarting server). */
    public boolean retryable() { return retryable; }

    /** True for the codes that set one record aside rather than stopping the run. */
    public boolean isRecordLevel() { return name().startsWith("RECORD_"); }
}
