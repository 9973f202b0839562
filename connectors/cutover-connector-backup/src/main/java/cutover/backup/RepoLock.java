package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The exclusive lock of the writers (backup, forget, prune), as a file in {@code locks/}. To take it:
 * remove the locks whose process is provably gone (same host, no such pid), write ours, then look
 * again: any other lock still there means someone else holds or is taking it, and ours is withdrawn.
 * Two racing writers may both back off (and retry), but never both proceed.
 */
final class RepoLock implements AutoCloseable {
    private final RepoFiles files;
    private final Path path;
    private boolean released;

    private RepoLock(RepoFiles files, Path path) {
        this.files = files;
        this.path = path;
    }

    static RepoLock acquire(RepoFiles files, FileEnvelope envelope, String operation, Duration staleAfter) {
        for (LockInfo lock : list(files, envelope, staleAfter)) {
            if (lock.stale() && lock.staleReason().startsWith("process")) files.delete(files.lock(lock.file()));
        }
        byte[] name = new byte[16];
        new java.security.SecureRandom().nextBytes(name);
        String file = HexFormat.of().formatHex(name);
        Path path = files.lock(file);
        files.writeAtomically(path, envelope.seal("lock", new LockFile(host(), ProcessHandle.current().pid(), Instant.now().toString(), operation)));
        RepoLock ours = new RepoLock(files, path);
        List<LockInfo> others = list(files, envelope, staleAfter).stream().filter(l -> !l.file().equals(file)).toList();
        if (!others.isEmpty()) {
            ours.close();
            LockInfo other = others.get(0);
            String fix = other.stale()
                    ? " The lock looks stale; if no other Cutover works on this repository, remove it with `cutover backup unlock --repo " + files.root() + "`."
                    : " Wait for it to finish, then try again.";
            throw new CutoverException(ErrorCode.BACKUP_LOCKED, "cannot " + operation + ": the repository at " + files.root() + " is "
                    + other.describe() + " (locks/" + other.file() + ")." + fix);
        }
        return ours;
    }

    static List<LockInfo> list(RepoFiles files, FileEnvelope envelope, Duration staleAfter) {
        List<LockInfo> out = new ArrayList<>();
        for (Path p : files.list(files.root().resolve(RepoFiles.LOCKS))) {
            String name = p.getFileName().toString();
            LockFile lock;
            try {
                lock = envelope.open(p, files.read(p), "lock", LockFile.class);
            } catch (CutoverException e) {
                if (!java.nio.file.Files.exists(p)) continue; // released meanwhile
                out.add(new LockInfo(name, "?", -1, Instant.EPOCH, "unknown (the lock file cannot be opened)", false, null));
                continue;
            }
            out.add(info(name, lock, staleAfter));
        }
        return out;
    }

    private static LockInfo info(String name, LockFile lock, Duration staleAfter) {
        Instant time = Instant.parse(lock.time());
        String reason = null;
        if (lock.host().equals(host()) && ProcessHandle.of(lock.pid()).map(ph -> !ph.isAlive()).orElse(true)) {
            reason = "process " + lock.pid() + " no longer runs on this host";
        } else if (time.plus(staleAfter).isBefore(Instant.now())) {
            reason = "older than " + staleAfter.toHours() + " hours";
        }
        return new LockInfo(name, lock.host(), lock.pid(), time, lock.operation(), reason != null, reason);
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown-host";
        }
    }

    @Override
    public void close() {
        if (released) return;
        released = true;
        files.delete(path);
    }
}
