package cutover.cli;

import cutover.connector.RecordReader;
import cutover.migrate.DeadLetterFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The records a backup's source could not decode, each with its text and why, in a dead-letter
 * file of the state folder ({@code runs/backup-<time>/dead-letter.ndjson}, as a migration's run's;
 * not under {@code backups/}, migrate's default repository, which must be a folder of its own): a snapshot
 * can keep only how many there were and a few keys, so without it such a record would be nowhere.
 * The file is made on the first one; thread-safe, as the reading threads report them.
 */
final class BackupDeadLetters implements AutoCloseable {
    private final Path path;
    private DeadLetterFile file;
    private long count;

    BackupDeadLetters(Path state, java.time.Instant started) {
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(java.time.ZoneOffset.UTC).format(started);
        this.path = state.resolve("runs").resolve("backup-" + stamp).resolve(cutover.migrate.Migration.DEAD_LETTER_FILE);
    }

    synchronized void add(RecordReader.Unreadable u) {
        if (file == null) file = DeadLetterFile.open(path, Map.of());
        count++;
        file.append(List.of(new DeadLetterFile.Entry("backup", count, u.entity() == null ? null : u.entity().value(), u.key(), u.error(), null, u.raw())));
    }

    synchronized long count() { return count; }

    Path path() { return path; }

    @Override
    public synchronized void close() {
        if (file != null) file.close();
    }
}
