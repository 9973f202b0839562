package cutover.backup;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.ConnectorProvider;
import cutover.connector.Location;
import cutover.connector.Setting;
import cutover.connector.Settings;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot as a source anywhere a location is taken: {@code backup:./backups#latest},
 * {@code backup:/srv/backups#3f2a9c}. The passphrase is the {@code password} setting (from
 * {@code CUTOVER_SOURCE_PASSWORD}), else {@code CUTOVER_PASSWORD}: never part of the location.
 */
public final class BackupProvider implements ConnectorProvider {
    static final String PASSWORD_VARIABLE = "CUTOVER_PASSWORD";
    static final Setting PASSWORD = Setting.secret("password", "the repository's passphrase (else env CUTOVER_PASSWORD)");

    @Override
    public Set<String> schemes() { return Set.of("backup"); }

    @Override
    public List<Setting> settings() { return List.of(PASSWORD); }

    @Override
    public java.util.Optional<String> readOnly() {
        return java.util.Optional.of("a snapshot of a backup repository is read, never written: restore into a database or a file"
                + " (`cutover restore --repo DIR ID TARGET`), or take a new snapshot with `cutover backup`");
    }

    @Override
    public Connector open(Location location, Settings settings) {
        String rest = location.rest();
        int hash = rest.lastIndexOf('#');
        String folder = hash < 0 ? rest : rest.substring(0, hash);
        String ref = hash < 0 ? "latest" : rest.substring(hash + 1);
        if (folder.startsWith("//")) folder = folder.substring(2);
        if (folder.isBlank() || ref.isBlank()) {
            throw new CutoverException(ErrorCode.LOCATION_INVALID, "'" + location.redacted()
                    + "' names no repository or snapshot; write backup:./backups#latest or backup:./backups#3f2a9c");
        }
        Path path;
        try {
            path = Path.of(folder);
        } catch (InvalidPathException e) {
            throw new CutoverException(ErrorCode.LOCATION_INVALID, "'" + location.redacted() + "' is not a folder path: " + e.getMessage(), e);
        }
        Repository.requireExists(path); // a missing repository, not the missing passphrase for it, is what to report
        String passphrase = settings.get(PASSWORD.name()).orElseGet(() -> System.getenv(PASSWORD_VARIABLE));
        if (passphrase == null || passphrase.isEmpty()) {
            throw new CutoverException(ErrorCode.BACKUP_PASSPHRASE, "no passphrase for the repository at " + path
                    + ": set CUTOVER_PASSWORD (or CUTOVER_SOURCE_PASSWORD) to read " + location.redacted());
        }
        Repository repository = Repository.open(path, passphrase, RepositoryOptions.forCommands());
        Repository.Lock lock = repository.lockForReading("read " + location.redacted());
        try {
            return new BackupConnector(location, repository.source(repository.snapshot(ref)), lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * A snapshot is read only: a source, never a sink (a backup is taken with `cutover backup`). It
     * holds a read lock on the repository until closed, so that no prune removes what it reads.
     */
    private record BackupConnector(Location location, SnapshotSource source, Repository.Lock lock) implements Connector {
        @Override
        public <C extends Capability> Optional<C> capability(Class<C> type) {
            return type.isInstance(source) ? Optional.of(type.cast(source)) : Optional.empty();
        }

        @Override
        public void close() { lock.close(); } // each reader holds, and closes, its own pack handle
    }
}
