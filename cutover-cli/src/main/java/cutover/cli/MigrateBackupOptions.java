package cutover.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Where {@code migrate} keeps its rollback points: a backup repository given by {@code --backup-repo},
 * env {@code CUTOVER_BACKUP_REPO}, or {@code <state>/backups} (created on first use). The passphrase
 * comes from {@code --backup-password-file}, {@code CUTOVER_PASSWORD}, or the prompt.
 */
final class MigrateBackupOptions {
    static final String REPO_VARIABLE = "CUTOVER_BACKUP_REPO";

    @Option(names = "--no-backup", description = "Do not snapshot the source and the target before writing (no rollback points).")
    boolean noBackup;

    @Option(names = "--backup-repo", paramLabel = "DIR", defaultValue = "${env:CUTOVER_BACKUP_REPO}",
            description = "Backup repository for the rollback points (default: env CUTOVER_BACKUP_REPO, else <state>/backups, created on first use).")
    Path repo;

    @Option(names = "--backup-password-file", paramLabel = "FILE",
            description = "Read the backup repository's passphrase from the first line of FILE (else env CUTOVER_PASSWORD, else a prompt).")
    Path passwordFile;

    /** The repository folder this run uses. */
    Path repository(Path state) {
        return repo != null ? repo : state.resolve("backups");
    }

    /** The same choice as {@link RepoOptions}, so `snapshots --repo` and `restore --repo` open what migrate wrote. */
    RepoOptions asRepoOptions(Path state) {
        RepoOptions r = new RepoOptions();
        r.repo = repository(state);
        r.passwordFile = passwordFile;
        return r;
    }
}
