package cutover.backup;

/** The JSON of a {@code locks/<name>} file. */
record LockFile(String host, long pid, String time, String operation) {}
