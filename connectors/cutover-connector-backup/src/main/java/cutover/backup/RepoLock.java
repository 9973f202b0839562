package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A lock on the repository, as a file in {@code locks/}. Readers (restore, check, a snapshot read as
 * a source) hold a {@link Mode#READ} lock, so that prune cannot remove data they read; backup holds
 * an {@link Mode#APPEND} lock (it only adds files, which readers may ignore, but two backups at once
 * are not needed and are kept apart); forget and prune hold an {@link Mode#EXCLUSIVE} one.
 *
 * <p>To take a lock: remove the locks whose process is provably gone (same host, no such pid), write
 * ours, then look again: any other lock that conflicts with ours ({@link Mode#conflicts}) means
 * someone else holds or is taking one, and ours is withdrawn. Two racing processes may both back
 * off, but never both proceed; each tries again at random pauses while the locks it meets are new
 * ({@link #RACE}), or for the time the user gives, so one of them gets it. While held, the lock file
 * is rewritten with the current time every {@code staleAfter / 6} (at most every 5 minutes), so that
 * only a lock whose holder has stopped refreshing it grows stale, however long the work takes. If the
 * file vanishes meanwhile (someone ran `unlock --all`), the holder learns it at {@link #requireHeld}
 * instead of writing on.
 */
final class RepoLock implements Repository.Lock {
    /** What a lock lets its holder do, and so which other locks it cannot share the repository with. */
    enum Mode {
        READ, APPEND, EXCLUSIVE;

        /** An exclusive lock conflicts with every other lock, an append lock with another append lock; reads share. */
        boolean conflicts(Mode other) {
            return this == EXCLUSIVE || other == EXCLUSIVE || (this == APPEND && other == APPEND);
        }

        String json() { return name().toLowerCase(Locale.ROOT); }

        static Mode parse(String text) {
            for (Mode m : values()) if (m.json().equals(text)) return m;
            return EXCLUSIVE; // a mode from a newer version: assume the strictest
        }
    }

    private static final Duration LONGEST_REFRESH = Duration.ofMinutes(5);
    /**
     * The locks this process holds, released by a shutdown hook when it is stopped (Ctrl-C, SIGTERM
     * from `systemctl stop`): a lock left behind keeps other hosts out until it goes stale. A process
     * killed outright leaves its lock for the stale rules.
     */
    private static final java.util.Set<RepoLock> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean RELEASED_AT_EXIT = new java.util.concurrent.atomic.AtomicBoolean();

    private final RepoFiles files;
    private final FileEnvelope envelope;
    private final Path path;
    private final String operation;
    private final Mode mode;
    private final ScheduledExecutorService refresher;
    private volatile boolean lost;
    private boolean released;

    private RepoLock(RepoFiles files, FileEnvelope envelope, Path path, String operation, Mode mode, Duration refreshEvery) {
        this.files = files;
        this.envelope = envelope;
        this.path = path;
        this.operation = operation;
        this.mode = mode;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-lock-refresh");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, refreshEvery.toMillis());
        refresher.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
        if (RELEASED_AT_EXIT.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(HELD).forEach(RepoLock::close), "cutover-lock-release"));
        }
        HELD.add(this);
    }

    /**
     * How long a process keeps trying while the locks it meets keep changing: another process taking
     * a lock at the same moment as ours (each sees the other's and withdraws) shows a new lock file at
     * each try, where a holder shows the same one. So a lock not met before is tried again, at random
     * pauses, even without a time to retry, and two backups started together end with one running.
     */
    static final Duration RACE = Duration.ofSeconds(5);
    private static final long FIRST_PAUSE_MILLIS = 100, LONGEST_PAUSE_MILLIS = 10_000;

    /** Takes the lock, trying again at growing random pauses while another conflicts, for {@code retryFor} (and {@link #RACE}). */
    static RepoLock acquire(RepoFiles files, FileEnvelope envelope, String operation, Mode mode, Duration staleAfter, Duration retryFor,
                            java.util.function.Consumer<String> waitNotice) {
        Instant started = Instant.now();
        java.util.Set<String> met = new java.util.HashSet<>();
        boolean told = false;
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            Taken taken = tryAcquire(files, envelope, operation, mode, staleAfter);
            if (taken.lock() != null) return taken.lock();
            LockInfo other = taken.conflict();
            boolean racing = !other.stale() && met.add(other.file());
            if (!racing && !told && !retryFor.isZero()) { // a holder, to be waited for: say so, or the command seems hung
                told = true;
                waitNotice.accept("waiting up to " + retryFor.toSeconds() + " s for the repository at " + files.root() + ", " + other.describe());
            }
            Instant now = Instant.now();
            Instant until = started.plus(retryFor);
            if (racing && until.isBefore(started.plus(RACE))) until = started.plus(RACE);
            long sleep = pause / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(pause); // apart, two racers meet again less often
            if (now.plusMillis(sleep).isAfter(until)) throw locked(files, operation, other, Duration.between(started, now));
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CutoverException(ErrorCode.INTERRUPTED, "interrupted while waiting for the lock on " + files.root());
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }

    /** Our lock, or the first lock that conflicts with it (ours then withdrawn). */
    private record Taken(RepoLock lock, LockInfo conflict) {}

    private static Taken tryAcquire(RepoFiles files, FileEnvelope envelope, String operation, Mode mode, Duration staleAfter) {
        for (LockInfo lock : list(files, envelope, staleAfter)) {
            if (lock.stale() && lock.staleReason().startsWith("process")) files.delete(files.lock(lock.file()), false);
        }
        byte[] name = new byte[16];
        new java.security.SecureRandom().nextBytes(name);
        String file = HexFormat.of().formatHex(name);
        Path path = files.lock(file);
        files.writeAtomically(path, seal(envelope, operation, mode), false);
        Duration refresh = staleAfter.dividedBy(6);
        RepoLock ours = new RepoLock(files, envelope, path, operation, mode, refresh.compareTo(LONGEST_REFRESH) > 0 ? LONGEST_REFRESH : refresh);
        List<LockInfo> others = list(files, envelope, staleAfter).stream()
                .filter(l -> !l.file().equals(file) && mode.conflicts(Mode.parse(l.mode()))).toList();
        if (others.isEmpty()) return new Taken(ours, null);
        ours.close();
        return new Taken(null, others.get(0));
    }

    private static CutoverException locked(RepoFiles files, String operation, LockInfo other, Duration waited) {
        String fix = other.stale()
                ? " The lock looks stale; if no other Cutover works on this repository, remove it with `cutover backup unlock --repo " + files.root() + "`."
                : other.pid() < 0 ? " If no other Cutover works on this repository, remove it with `cutover backup unlock --all --repo " + files.root()
                        + "`; else it goes stale once not rewritten for a while, as a lost holder's does."
                : " Wait for it to finish, then try again, or give --retry-lock DURATION to wait for it.";
        String tried = waited.toMillis() < 1000 ? "" : " (tried for " + Math.round(waited.toMillis() / 1000.0) + " s)";
        return new CutoverException(ErrorCode.BACKUP_LOCKED, "cannot " + operation + ": the repository at " + files.root() + " is "
                + other.describe() + " (locks/" + other.file() + ")" + tried + "." + fix);
    }

    private static byte[] seal(FileEnvelope envelope, String operation, Mode mode) {
        return envelope.seal("lock", new LockFile(host(), ProcessHandle.current().pid(), Instant.now().toString(), operation, mode.json()));
    }

    /** Rewrites the lock with the current time, unless it was released or removed by someone else. */
    private synchronized void refresh() {
        if (released || lost) return;
        if (!Files.exists(path)) {
            lost = true;
            return;
        }
        try {
            files.writeAtomically(path, seal(envelope, operation, mode), false);
        } catch (RuntimeException e) {
            // a full disk or a network hiccup: try again at the next tick; staleness needs six misses in a row
        }
    }

    /** Fails when the lock file was removed while held: whatever this process was about to write might meet a prune. */
    void requireHeld(String doing) {
        if (lost || !Files.exists(path)) {
            lost = true;
            throw new CutoverException(ErrorCode.BACKUP_LOCKED, "cannot " + doing + ": this " + operation + "'s lock (" + path.getFileName()
                    + ") was removed from " + files.root() + " while it ran (`cutover backup unlock --all`?); nothing more is written."
                    + " Run it again.");
        }
    }

    static List<LockInfo> list(RepoFiles files, FileEnvelope envelope, Duration staleAfter) {
        List<LockInfo> out = new ArrayList<>();
        for (Path p : files.list(files.root().resolve(RepoFiles.LOCKS))) {
            String name = p.getFileName().toString();
            LockFile lock;
            try {
                lock = envelope.open(p, files.read(p), "lock", LockFile.class);
            } catch (CutoverException e) {
                if (!Files.exists(p)) continue; // released meanwhile
                out.add(unreadable(name, p, staleAfter));
                continue;
            }
            out.add(info(name, lock, staleAfter));
        }
        return out;
    }

    /**
     * A lock file that does not open: written whole or not at all (renamed into place), so damaged (a
     * power cut before its bytes reached the disk), taken as an exclusive lock of unknown holder. A
     * live holder rewrites its lock every refresh, so one not rewritten for {@code staleAfter} (by
     * the file's time) is stale, as a readable one is; it was never stale, and kept every command out.
     */
    private static LockInfo unreadable(String name, Path p, Duration staleAfter) {
        Instant written;
        try {
            written = Files.getLastModifiedTime(p).toInstant();
        } catch (java.io.IOException e) {
            written = Instant.EPOCH;
        }
        boolean stale = written.plus(staleAfter).isBefore(Instant.now());
        return new LockInfo(name, "?", -1, written, "unknown (the lock file cannot be read: damaged, e.g. by a power cut while it was written)",
                Mode.EXCLUSIVE.json(), stale, stale ? "its file cannot be read and was not rewritten for more than " + describe(staleAfter) : null);
    }

    private static LockInfo info(String name, LockFile lock, Duration staleAfter) {
        Instant time = Instant.parse(lock.time());
        String reason = null;
        if (lock.host().equals(host()) && ProcessHandle.of(lock.pid()).map(ph -> !ph.isAlive()).orElse(true)) {
            reason = "process " + lock.pid() + " no longer runs on this host";
        } else if (time.plus(staleAfter).isBefore(Instant.now())) {
            reason = "not refreshed for more than " + describe(staleAfter);
        }
        return new LockInfo(name, lock.host(), lock.pid(), time, lock.operation(), lock.lockMode().json(), reason != null, reason);
    }

    private static String describe(Duration d) {
        if (d.toHours() > 0 && d.toMinutesPart() == 0) return d.toHours() + " hours";
        if (d.toMinutes() > 0 && d.toSecondsPart() == 0) return d.toMinutes() + " minutes";
        return d.toMillis() + " ms";
    }

    /** This machine's name, as locks and manifests record it: asked once a process (the JDK asks the resolver again after 5 s, each scheduled run). */
    static String host() {
        return HostName.NAME;
    }

    private static final class HostName {
        static final String NAME = resolve();

        private static String resolve() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                String env = System.getenv("HOSTNAME");
                return env != null ? env : "unknown-host";
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (released) return;
            released = true;
        }
        HELD.remove(this);
        refresher.shutdownNow();
        files.delete(path, false);
    }
}
