package cutover.backup;

/**
 * The JSON of a {@code locks/<name>} file. {@code mode} is {@code read}, {@code append} or
 * {@code exclusive} ({@link RepoLock.Mode}); a lock written before modes existed has none and was a
 * writer's, so it counts as exclusive.
 */
record LockFile(String host, long pid, String time, String operation, String mode) {
    RepoLock.Mode lockMode() { return mode == null ? RepoLock.Mode.EXCLUSIVE : RepoLock.Mode.parse(mode); }
}
