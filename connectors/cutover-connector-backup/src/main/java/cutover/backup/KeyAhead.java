package cutover.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A repository's key derived ahead, on a thread of its own, while the process reads its command
 * line: scrypt takes ~0.15 s of one core, which otherwise came after picocli's ~0.15 s on the same
 * thread, before anything else of a backup or a restore could start. Taken once, by the open of the
 * same repository with the same passphrase, and only when the config it was derived from is the one
 * the open read; in every other case (another folder, a changed config, a failure) the open derives
 * the key itself, and says what is wrong if anything is.
 */
final class KeyAhead {
    private record Derived(byte[] config, byte[] key) {}

    private record Pending(Path config, String passphrase, CompletableFuture<Derived> derived) {}

    private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

    private KeyAhead() {}

    static void start(Path repository, String passphrase) {
        Path config = repository.resolve(RepoFiles.CONFIG).toAbsolutePath().normalize();
        CompletableFuture<Derived> derived = CompletableFuture.supplyAsync(() -> derive(config, passphrase), task -> {
            Thread t = new Thread(task, "cutover-key-ahead");
            t.setDaemon(true);
            t.start();
        });
        PENDING.set(new Pending(config, passphrase, derived));
    }

    private static Derived derive(Path config, String passphrase) {
        try {
            byte[] bytes = Files.readAllBytes(config);
            return new Derived(bytes, Repository.derive(passphrase, new Json().read(bytes, RepoConfig.class).kdf()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key derived ahead from these bytes of the config file and this passphrase; empty if none was. */
    static Optional<byte[]> take(Path config, byte[] bytes, String passphrase) {
        Pending pending = PENDING.getAndSet(null);
        if (pending == null || !pending.config().equals(config.toAbsolutePath().normalize()) || !pending.passphrase().equals(passphrase)) {
            return Optional.empty();
        }
        try {
            Derived d = pending.derived().join();
            return Arrays.equals(d.config(), bytes) ? Optional.of(d.key()) : Optional.empty();
        } catch (CompletionException | CancellationException e) {
            return Optional.empty();
        }
    }
}
