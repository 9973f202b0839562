package cutover.cli;

import cutover.backup.Repository;
import cutover.backup.RepositoryOptions;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The backup repository a command works on, and its passphrase: from {@code CUTOVER_PASSWORD}, from
 * {@code --password-file} (first line), or asked at the terminal. Never from a flag, which would
 * show in the shell history and the process list; never printed.
 */
final class RepoOptions {
    static final String PASSWORD_VARIABLE = "CUTOVER_PASSWORD";

    // not picocli-required: `backup --repo` would then be demanded before `backup init --repo` too
    @Option(names = "--repo", paramLabel = "DIR", description = "The backup repository folder (required).")
    Path repo;

    /** The repository as the journal names it: absolute, so that a journal read later, from elsewhere, names the one it meant. */
    String recorded() {
        return repo == null ? null : repo.toAbsolutePath().normalize().toString();
    }

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the repository's passphrase from the first line of FILE (else env CUTOVER_PASSWORD, else a prompt).")
    Path passwordFile;

    Repository open() {
        return open(java.util.function.UnaryOperator.identity());
    }

    /** Opens the repository with the commands' options as {@code adjust} changes them (a run's own settings). */
    Repository open(java.util.function.UnaryOperator<RepositoryOptions> adjust) {
        requireRepo();
        Repository.requireExists(repo); // before the passphrase is asked for: without one, its absence would be the error reported
        return Repository.open(repo, passphrase(false), adjust.apply(RepositoryOptions.forCommands()));
    }

    /**
     * Prepares the repository {@code args} name before picocli reads them ({@link Repository#prepare}):
     * the native cryptography, and the key when they name the repository ({@code --repo DIR}) and the
     * passphrase comes without asking (a {@code --password-file} or {@code CUTOVER_PASSWORD}). A guess
     * that is wrong only costs the derivation: the open takes nothing that does not match.
     */
    static void prepare(String... args) {
        Named named = named(args);
        String passphrase;
        try {
            passphrase = named.passwordFile() != null ? firstLine(named.passwordFile()) : System.getenv(PASSWORD_VARIABLE);
        } catch (IOException | RuntimeException e) {
            passphrase = null; // the command itself reads it again and says what is wrong
        }
        Repository.prepare(named.repo(), passphrase);
    }

    /** The repository and password file a command line names, as {@code --opt value} or {@code --opt=value}; null where it names none. */
    record Named(Path repo, Path passwordFile) {}

    static Named named(String... args) {
        Path repo = null, file = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (args[i].equals("--repo") && value != null) repo = Path.of(value);
            else if (args[i].startsWith("--repo=")) repo = Path.of(args[i].substring("--repo=".length()));
            else if (args[i].equals("--password-file") && value != null) file = Path.of(value);
            else if (args[i].startsWith("--password-file=")) file = Path.of(args[i].substring("--password-file=".length()));
        }
        return new Named(repo, file);
    }

    /** A password file's first line, without its line end. */
    private static String firstLine(Path file) throws IOException {
        String text = Files.readString(file);
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
    }

    Repository init() {
        requireRepo();
        return Repository.init(repo, passphrase(true), RepositoryOptions.forCommands());
    }

    void requireRepo() {
        if (repo == null) throw new CutoverException(ErrorCode.USAGE, "missing --repo DIR: which backup repository?");
    }

    String passphrase(boolean confirm) {
        return passphrase(confirm, "set " + PASSWORD_VARIABLE + " or give --password-file FILE");
    }

    /** As {@link #passphrase(boolean)}; {@code howToGive} tells the user, when there is no terminal, what to do instead. */
    String passphrase(boolean confirm, String howToGive) {
        if (passwordFile != null) {
            String passphrase;
            try {
                passphrase = firstLine(passwordFile);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new CutoverException(ErrorCode.USAGE, "cannot read the password file " + passwordFile + ": there is no such file");
            } catch (IOException e) {
                throw new CutoverException(ErrorCode.USAGE, "cannot read the password file " + passwordFile + ": " + e.getMessage());
            }
            if (passphrase.isEmpty()) {
                throw new CutoverException(ErrorCode.USAGE, "the password file " + passwordFile + " is empty: its first line is the passphrase");
            }
            return passphrase;
        }
        String env = System.getenv(PASSWORD_VARIABLE);
        if (env != null && !env.isEmpty()) return env;
        Console console = System.console();
        if (console == null) {
            throw new CutoverException(ErrorCode.BACKUP_PASSPHRASE, "no passphrase for the repository at " + repo
                    + ": " + howToGive + " (there is no terminal to ask on)");
        }
        char[] first = console.readPassword("passphrase for %s: ", repo);
        if (confirm) {
            char[] again = console.readPassword("the same passphrase again: ");
            if (!Arrays.equals(first, again)) throw new CutoverException(ErrorCode.BACKUP_PASSPHRASE, "the two passphrases differ; nothing was created");
        }
        return new String(first);
    }
}
