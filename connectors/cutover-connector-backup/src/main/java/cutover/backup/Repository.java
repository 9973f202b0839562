package cutover.backup;

import cutover.connector.Location;
import cutover.connector.Parallelism;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A backup repository (docs/backup-format.md): content-defined chunks of each entity's canonical
 * record stream, deduplicated, zstd-compressed and AES-256-GCM-encrypted in packs, with an index and
 * one manifest per snapshot. The entry point of the backup engine; the CLI is a shell over it.
 *
 * <pre>{@code
 * Repository repo = Repository.init(Path.of("backups"), passphrase);
 * Snapshot s = repo.backup().source("postgresql://app@db/app").tag("before-migration").from(source);
 * Source restored = repo.source(repo.snapshot("latest"));      // feed it to any sink
 * CheckResult check = repo.check(true);                        // decrypts and hashes everything
 * repo.forget(RetentionPolicy.none().keepLast(3).keepDaily(7)); repo.prune();
 * }</pre>
 */
public final class Repository {
    static final int FORMAT_VERSION = 1;
    static final String KDF = "scrypt";

    /**
     * What the parts of the engine share: one open repository. {@code heads} keeps each snapshot's
     * head once read, and {@code indexFiles} each index file's content a backup read: neither kind of
     * file changes once written, and a process that backs up again and again ({@code backup --every})
     * would otherwise read every snapshot and index file of the repository before each backup.
     * {@code lastWritten} holds the last snapshot this process wrote, which its next backup builds on:
     * read back, its manifest (1.45 MB at 10M rows) costs a decryption and a parse each time. Only
     * a backup uses it; a check or a restore reads the file. {@code headsCache} keeps heads across
     * processes ({@link HeadsCache}), read into {@code heads} once. {@code sealingKit}: the chunk
     * sealers and staging buffers one backup leaves to the next; {@code chunkLengths}, the stored
     * length of each chunk the last one referred to.
     */
    record Internals(RepoFiles files, Keys keys, RepoConfig config, RepositoryOptions options, FileEnvelope envelope,
                     java.util.Map<BlobId, Head> heads, java.util.Map<BlobId, IndexFile> indexFiles,
                     java.util.concurrent.atomic.AtomicReference<Snapshot> lastWritten, HeadsCache headsCache,
                     java.util.concurrent.atomic.AtomicBoolean headsCacheRead, SealingKit sealingKit, ChunkLengths chunkLengths,
                     ChunkLists chunkLists) {
        /** Remembers a snapshot just written: its head (here and in the heads cache), and the snapshot itself as the last written. */
        void wrote(Snapshot snapshot) {
            BlobId id = BlobId.parse(snapshot.id());
            Head head = new Head(id, snapshot.time(), snapshot.source(), ManifestFile.VERSION);
            heads.put(id, head);
            lastWritten.set(snapshot);
            if (!headsCache.enabled()) return;
            java.util.Map<BlobId, Head> kept = headsCache.load();
            try {
                kept.keySet().retainAll(files.listIds(RepoFiles.SNAPSHOTS)); // forgotten since: no longer kept
            } catch (CutoverException e) {
                return; // the snapshot is stored; its head will be read from it next time
            }
            kept.put(id, head);
            headsCache.store(kept.values());
        }

        /** The heads cache's content, added to {@code heads} once per process. */
        void readHeadsCache() {
            if (headsCacheRead.compareAndSet(false, true)) headsCache.load().forEach(heads::putIfAbsent);
        }

        Index loadIndex() { return Index.load(files, envelope); }

        /** The index for a backup, read on a thread of its own meanwhile ({@link Index#loadBeside}). */
        java.util.function.Supplier<Index> loadIndexBeside() { return Index.loadBeside(files, envelope, indexFiles); }

        /** The index for a reader, read on a thread of its own meanwhile; not kept for later backups (a reader's index is its own). */
        java.util.function.Supplier<Index> readIndexBeside() { return Index.loadReadableBeside(files, envelope); }

        RepoLock lock(String operation, RepoLock.Mode mode) {
            return RepoLock.acquire(files, envelope, operation, mode, options.staleLockAge(), options.retryLock(), options.lockWaitNotice());
        }
    }

    /** A lock held on the repository until closed (see {@link #lockForReading}). */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    private final Internals internals;

    private Repository(Internals internals) {
        this.internals = internals;
    }

    /**
     * For a process that backs up again and again ({@code backup --every}), after a backup: starts,
     * once per process, the warm-up of what its later backups run more often than its first did
     * ({@link NextBackupsWarmUp}), with the snapshot just written. Writes nothing.
     */
    public void warmUpForLaterBackups(Snapshot written) {
        NextBackupsWarmUp.startOnce(written, internals.config().chunker());
    }

    public static Repository init(Path path, String passphrase) {
        return init(path, passphrase, RepositoryOptions.DEFAULTS);
    }

    /** Creates a repository in an empty or missing folder, with a new random master key wrapped under the passphrase. */
    public static Repository init(Path path, String passphrase, RepositoryOptions options) {
        requirePassphrase(passphrase);
        if (Files.exists(path.resolve(RepoFiles.CONFIG))) {
            throw new CutoverException(ErrorCode.BACKUP_EXISTS, "there is a repository at " + path + " already; open it, or choose another folder");
        }
        if (Files.isDirectory(path) && !isEmpty(path)) {
            throw new CutoverException(ErrorCode.BACKUP_EXISTS, path + " is not empty; a repository needs a folder of its own");
        }
        SecureRandom random = new SecureRandom();
        byte[] master = new byte[Crypto.KEY_BYTES];
        byte[] salt = new byte[16];
        byte[] idBytes = new byte[32];
        random.nextBytes(master);
        random.nextBytes(salt);
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        RepoConfig.Kdf kdf = new RepoConfig.Kdf(KDF, options.scryptN(), options.scryptR(), options.scryptP(),
                Base64.getEncoder().encodeToString(salt));
        Nonces nonces = new Nonces(random);
        byte[] wrapped = Crypto.seal(derive(passphrase, kdf), master, RepoConfig.wrapAad(FORMAT_VERSION, id), nonces);
        RepoConfig config = new RepoConfig(FORMAT_VERSION, id, kdf, options.chunker(),
                new RepoConfig.WrappedKey(Base64.getEncoder().encodeToString(wrapped)));
        RepoFiles files = new RepoFiles(path, options.writeGuard());
        files.createLayout();
        files.writeAtomically(files.config(), new Json().write(config));
        return new Repository(internals(files, config, master, nonces, options));
    }

    /**
     * For a process about to open a repository, while its command line is read: starts loading the
     * native cryptography (~50 ms, {@link NativeCrypto}) on a thread of its own, and, when {@code path}
     * and {@code passphrase} are known (either may be null), deriving that repository's key
     * ({@link KeyAhead}): the open with the same ones finds the key ready or nearly so.
     */
    public static void prepare(Path path, String passphrase) {
        NativeCrypto.prepare();
        if (path != null && passphrase != null && !passphrase.isEmpty()) KeyAhead.start(path, passphrase);
    }

    /**
     * Fails with {@code BACKUP_NOT_FOUND} unless there is a repository at {@code path}: for a caller
     * to check before it asks for the passphrase, whose absence would otherwise be the error reported.
     */
    public static void requireExists(Path path) {
        if (!Files.exists(path.resolve(RepoFiles.CONFIG))) {
            throw new CutoverException(ErrorCode.BACKUP_NOT_FOUND, "there is no backup repository at " + path
                    + " (no config file); create one with `cutover backup init --repo " + path + "`");
        }
    }

    public static Repository open(Path path, String passphrase) {
        return open(path, passphrase, RepositoryOptions.DEFAULTS);
    }

    /** Opens a repository; {@code options} gives only the run settings (pack size, stale lock age) here. */
    public static Repository open(Path path, String passphrase, RepositoryOptions options) {
        requireExists(path);
        requirePassphrase(passphrase);
        NativeCrypto.prepare(); // loads while the config is read; the scrypt below uses it
        RepoFiles files = new RepoFiles(path, options.writeGuard());
        RepoConfig config;
        byte[] configBytes = files.read(files.config());
        try {
            config = new Json().read(configBytes, RepoConfig.class);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "the config file of the repository at " + path + " is not valid JSON: " + e.getMessage());
        }
        if (config.version() > FORMAT_VERSION) {
            throw new CutoverException(ErrorCode.BACKUP_VERSION, "the repository at " + path + " has format version " + config.version()
                    + ", written by a newer Cutover; this one reads version " + FORMAT_VERSION + ". Use a newer Cutover.");
        }
        if (config.version() < 1 || config.id() == null || config.kdf() == null || config.masterKey() == null || config.chunker() == null) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "the config file of the repository at " + path + " lacks a field (version, id, kdf, chunker, masterKey)");
        }
        if (!KDF.equals(config.kdf().algorithm())) {
            throw new CutoverException(ErrorCode.BACKUP_VERSION, "the repository at " + path + " uses key derivation '" + config.kdf().algorithm()
                    + "', which this Cutover does not know (it knows scrypt)");
        }
        byte[] master;
        try {
            byte[] wrapped = Base64.getDecoder().decode(config.masterKey().envelope());
            byte[] key = KeyAhead.take(files.config(), configBytes, passphrase).orElseGet(() -> derive(passphrase, config.kdf()));
            master = Crypto.open(key, wrapped, RepoConfig.wrapAad(config.version(), config.id()));
        } catch (Crypto.NotAuthentic | IllegalArgumentException e) {
            throw new CutoverException(ErrorCode.BACKUP_PASSPHRASE, "the passphrase does not open the repository at " + path
                    + " (wrong passphrase, or its config file was changed)");
        }
        files.createLayout(); // a copied repository may have lost its empty folders
        return new Repository(internals(files, config, master, new Nonces(NativeCrypto.secureRandom()), options));
    }

    private static Internals internals(RepoFiles files, RepoConfig config, byte[] master, Nonces nonces, RepositoryOptions options) {
        Keys keys = Keys.fromMaster(master, nonces);
        FileEnvelope envelope = new FileEnvelope(files, keys);
        return new Internals(files, keys, config, options, envelope, new java.util.concurrent.ConcurrentHashMap<>(),
                new java.util.concurrent.ConcurrentHashMap<>(), new java.util.concurrent.atomic.AtomicReference<>(),
                HeadsCache.in(options.headsCache(), envelope, config.id()), new java.util.concurrent.atomic.AtomicBoolean(), new SealingKit(keys),
                new ChunkLengths(), new ChunkLists(files, envelope));
    }

    static byte[] derive(String passphrase, RepoConfig.Kdf kdf) {
        byte[] salt = Base64.getDecoder().decode(kdf.salt());
        return Crypto.scrypt(passphrase, salt, kdf.n(), kdf.r(), kdf.p(), NativeCrypto.provider());
    }

    private static void requirePassphrase(String passphrase) {
        if (passphrase == null || passphrase.isEmpty()) {
            throw new CutoverException(ErrorCode.BACKUP_PASSPHRASE, "a repository needs a passphrase (CUTOVER_PASSWORD, --password-file, or the prompt)");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.BACKUP_IO, "cannot list " + dir + ": " + e, e);
        }
    }

    Internals internals() { return internals; }

    /** The repository's random id (64 hex digits). */
    public String id() { return internals.config().id(); }

    public Path path() { return internals.files().root(); }

    /** Every snapshot, oldest first. A damaged manifest stops the listing with an error naming its file. */
    public List<Snapshot> snapshots() {
        List<Snapshot> out = new ArrayList<>();
        for (BlobId id : internals.files().listIds(RepoFiles.SNAPSHOTS)) {
            try {
                out.add(readSnapshot(id));
            } catch (CutoverException e) {
                if (e.code() != ErrorCode.BACKUP_CORRUPT) throw e;
                throw new CutoverException(e.code(), e.getMessage() + ". `cutover backup repair snapshots` removes the snapshots that do not read"
                        + " (none can be restored), so that the rest can be listed, forgotten and pruned", e);
            }
        }
        out.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id));
        return out;
    }

    /** Every snapshot that reads, oldest first, and each that does not (its file, why): a listing that one damaged manifest does not hide. */
    public record Listing(List<Snapshot> snapshots, Map<String, String> damaged) {}

    /** As {@link #snapshots}, but a damaged manifest or chunk list is named beside the others instead of stopping the listing. */
    public Listing listing() {
        List<Snapshot> out = new ArrayList<>();
        Map<String, String> damaged = new java.util.TreeMap<>();
        for (BlobId id : internals.files().listIds(RepoFiles.SNAPSHOTS)) {
            try {
                out.add(readSnapshot(id));
            } catch (CutoverException e) {
                if (e.code() != ErrorCode.BACKUP_CORRUPT) throw e;
                damaged.put("snapshots/" + id.hex(), e.getMessage());
            }
        }
        out.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id));
        return new Listing(out, damaged);
    }

    Snapshot readSnapshot(BlobId id) {
        return readSnapshot(id, null);
    }

    /**
     * The snapshot, its chunk lists possibly as this process last read or wrote them; for a check,
     * {@code proven} (not null) holds the lists it read from disk already, and any other is read again.
     */
    Snapshot readSnapshot(BlobId id, java.util.Set<String> proven) {
        ManifestFile m = internals.envelope().readNamed(internals.files().snapshot(id), "snapshot", ManifestFile.class);
        requireReadable(id, m.version());
        return Snapshot.of(id, m.withEntities(internals.chunkLists().resolve(id, m.entities(), proven)));
    }

    private static void requireReadable(BlobId id, int version) {
        if (version > ManifestFile.VERSION) {
            throw new CutoverException(ErrorCode.BACKUP_VERSION, "snapshots/" + id.hex() + " has format version " + version
                    + "; this Cutover reads up to " + ManifestFile.VERSION + ". Use a newer Cutover.");
        }
    }

    /** A snapshot as {@link #heads()} lists it, with its manifest's format version. */
    record Head(BlobId id, Instant time, String source, int manifestVersion) {}

    /** The latest snapshot of each source the repository holds, by source, as `latest` would choose among that source's. */
    public List<Snapshot> latestOfEachSource() {
        return latestOfEachSource(heads()).values().stream().map(h -> readSnapshot(h.id())).toList();
    }

    /** The last head of each source as {@link #heads()} lists them (by time, then id): what `latest` and a backup's base choose. */
    private static Map<String, Head> latestOfEachSource(List<Head> oldestFirst) {
        Map<String, Head> out = new java.util.TreeMap<>();
        for (Head h : oldestFirst) out.put(h.source(), h);
        return out;
    }

    /**
     * Every snapshot's id, time and source, oldest first, each manifest checked as when it is read
     * (name, authentication, version) but only its start decoded: choosing one snapshot among many
     * then costs little more than reading that one (a manifest of a 10M-row table takes ~0.1 s to decode).
     */
    List<Head> heads() {
        return heads(null);
    }

    /**
     * {@link #heads()}, where a snapshot whose manifest does not read is put in {@code damaged} (its
     * file, why) and passed over, when given (null: it stops the listing).
     */
    List<Head> heads(Map<String, String> damaged) {
        internals.readHeadsCache();
        List<Head> out = new ArrayList<>();
        boolean read = false;
        for (BlobId id : internals.files().listIds(RepoFiles.SNAPSHOTS)) {
            Head known = internals.heads().get(id);
            if (known != null) {
                out.add(known);
                continue;
            }
            try {
                out.add(head(id));
                read = true;
            } catch (CutoverException e) {
                if (damaged == null || e.code() != ErrorCode.BACKUP_CORRUPT) throw e;
                damaged.put("snapshots/" + id.hex(), e.getMessage());
            }
        }
        if (read) internals.headsCache().store(out); // the snapshots listed now, no forgotten one
        out.sort(Comparator.comparing(Head::time).thenComparing(h -> h.id().hex()));
        return out;
    }

    /** The head of a snapshot not met before, read from its manifest and remembered. */
    private Head head(BlobId id) {
        Path file = internals.files().snapshot(id);
        byte[] json = internals.envelope().readNamedJson(file, "snapshot");
        ManifestFile.Header header;
        try {
            header = ManifestFile.headerOf(json);
        } catch (java.io.IOException e) {
            header = null;
        }
        if (header == null || header.time() == null || header.source() == null) {
            internals.envelope().decode(file, json, ManifestFile.class); // names what is wrong with it, as a full read would
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshots/" + id.hex() + " in the repository at " + path()
                    + " is damaged: it has no time or source");
        }
        requireReadable(id, header.version());
        Instant time;
        try {
            time = Instant.parse(header.time());
        } catch (java.time.format.DateTimeParseException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshots/" + id.hex() + " in the repository at " + path()
                    + " is damaged: its time '" + header.time() + "' is not a time");
        }
        Head head = new Head(id, time, header.source(), header.version());
        internals.heads().put(id, head);
        return head;
    }

    /**
     * The snapshot {@code latest}, or the one whose id starts with {@code ref} (at least 4 hex digits).
     * {@code latest} of a repository that holds snapshots of several sources is refused, naming the
     * latest of each: the newest snapshot of whichever source was backed up last is rarely what a
     * restore into one database means (a Firestore export's tables into the app's database).
     */
    public Snapshot snapshot(String ref) {
        List<Head> all = heads();
        if (ref.equals("latest")) {
            if (all.isEmpty()) throw new CutoverException(ErrorCode.BACKUP_NOT_FOUND, "the repository at " + path() + " has no snapshot yet");
            Map<String, Head> latestOfEach = latestOfEachSource(all);
            if (latestOfEach.size() > 1) {
                java.util.Optional<List<Snapshot>> set = latestSet();
                if (set.isPresent()) {
                    throw new CutoverException(ErrorCode.USAGE, "'latest' names " + set.get().size() + " snapshots of the repository at " + path()
                            + ", taken together of one database's schemas (`cutover restore` restores them together); give the id of the one you mean: "
                            + String.join(", ", set.get().stream().map(m -> m.shortId() + " (" + m.source() + ")").toList()));
                }
                List<String> each = new ArrayList<>();
                latestOfEach.forEach((source, h) -> each.add(h.id().hex().substring(0, 8) + " (" + source + ")"));
                // the newest set among them, for a restore of it by a member's id
                String setHint = latestOfEach.values().stream().sorted(Comparator.comparing(Head::time).reversed()).map(h -> readSnapshot(h.id()))
                        .filter(m -> m.set() != null).findFirst().map(m -> "; " + m.shortId() + " was taken together with snapshots of other"
                                + " schemas (`cutover restore " + m.shortId() + " --set` restores them all)").orElse("");
                throw new CutoverException(ErrorCode.USAGE, "'latest' is ambiguous: the repository at " + path() + " holds snapshots of "
                        + latestOfEach.size() + " sources; give the id of the one you mean, the latest of each being " + String.join(", ", each) + setHint);
            }
            return readSnapshot(all.get(all.size() - 1).id());
        }
        String prefix = ref.toLowerCase(java.util.Locale.ROOT);
        if (!prefix.matches("[0-9a-f]{4,64}")) {
            throw new CutoverException(ErrorCode.USAGE, "'" + ref + "' is not a snapshot id: write latest, or at least 4 hex digits of an id");
        }
        List<Head> found = all.stream().filter(h -> h.id().hex().startsWith(prefix)).toList();
        if (found.isEmpty()) throw new CutoverException(ErrorCode.BACKUP_NOT_FOUND, "the repository at " + path() + " has no snapshot " + ref);
        if (found.size() > 1) {
            throw new CutoverException(ErrorCode.USAGE, "'" + ref + "' matches " + found.size() + " snapshots ("
                    + String.join(", ", found.stream().map(h -> h.id().hex().substring(0, 8)).toList()) + "); give more digits");
        }
        return readSnapshot(found.get(0).id());
    }

    /**
     * The snapshots {@code latest} means where it names several: the latest of each source the
     * repository holds, where all were taken together ({@link SnapshotSet}: one database's schemas
     * backed up at one moment), in the order taken. Empty where the repository holds one source, or
     * sources' latest snapshots not taken together ({@link #snapshot} then says {@code latest} is ambiguous).
     */
    public java.util.Optional<List<Snapshot>> latestSet() {
        Map<String, Head> latestOfEach = latestOfEachSource(heads());
        if (latestOfEach.size() < 2) return java.util.Optional.empty();
        Map<String, Snapshot> latest = new java.util.HashMap<>();
        latestOfEach.forEach((source, h) -> latest.put(source, readSnapshot(h.id())));
        SnapshotSet set = latest.values().iterator().next().set();
        if (set == null || !new java.util.HashSet<>(set.sources()).equals(latest.keySet())) return java.util.Optional.empty();
        if (latest.values().stream().anyMatch(s -> s.set() == null || !s.set().id().equals(set.id()))) return java.util.Optional.empty();
        return java.util.Optional.of(set.sources().stream().map(latest::get).toList());
    }

    /**
     * The snapshots taken together with {@code member} ({@link SnapshotSet}), itself among them, in the
     * order taken: of each source the newest with the set's id (a compacted one is its source's
     * snapshot of that moment too). Fails naming the sources whose snapshot of the set is gone
     * (forgotten), and where {@code member} was taken on its own.
     */
    /** How many of a source's snapshots on each side of a set's member {@link #setOf} reads for that source's. */
    private static final int SET_SEARCH = 4;

    public List<Snapshot> setOf(Snapshot member) {
        SnapshotSet set = member.set();
        if (set == null) {
            throw new CutoverException(ErrorCode.USAGE, "snapshot " + member.shortId() + " was taken on its own, not with others at one moment");
        }
        // members are committed one after another, each its source's snapshot nearest the member's time
        Map<String, Snapshot> found = new java.util.HashMap<>();
        List<Head> all = heads();
        for (String source : set.sources()) {
            List<Head> ofSource = all.stream().filter(h -> h.source().equals(source)).toList();
            int after = 0;
            while (after < ofSource.size() && !ofSource.get(after).time().isAfter(member.time())) after++;
            Snapshot match = null;
            // outward from the member's time, a few on each side; then the set's later snapshots of the source (a compaction's)
            for (int step = 0, before = after - 1; step < SET_SEARCH && match == null; step++) {
                for (int at : new int[] {before - step, after + step}) {
                    if (at < 0 || at >= ofSource.size() || match != null) continue;
                    Snapshot s = ofSource.get(at).id().hex().equals(member.id()) ? member : readSnapshot(ofSource.get(at).id());
                    if (s.set() != null && s.set().id().equals(set.id())) {
                        match = s;
                        for (int later = at + 1; later < ofSource.size(); later++) {
                            Snapshot next = readSnapshot(ofSource.get(later).id());
                            if (next.set() == null || !next.set().id().equals(set.id())) break;
                            match = next;
                        }
                    }
                }
            }
            if (match != null) found.put(source, match);
        }
        List<String> missing = set.sources().stream().filter(source -> !found.containsKey(source)).toList();
        if (!missing.isEmpty()) {
            throw new CutoverException(ErrorCode.BACKUP_NOT_FOUND, "snapshot " + member.shortId() + " was taken with snapshots of "
                    + String.join(", ", set.sources()) + ", but the repository at " + path() + " holds none of " + String.join(", ", missing)
                    + " of that moment (forgotten since, or never stored: its backup stopped part way); restore the others one by one, by id");
        }
        return set.sources().stream().map(found::get).toList();
    }

    /**
     * Whether the entity's change layers are due for {@link #compact}: the next backup would read its
     * table whole after a change as large as the last one (the most layers a table keeps, or layers
     * past half its base).
     */
    public static boolean dueForCompaction(EntitySnapshot entity) {
        return TableChanges.dueForCompaction(entity);
    }

    /** The tag of a snapshot written by {@link #compact}. */
    public static final String COMPACTED = "compacted";

    /** The snapshot's layered tables that {@link #compact} leaves as they are, each with why. */
    public static java.util.Map<String, String> notCompactable(Snapshot snapshot) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (EntitySnapshot e : snapshot.entities()) {
            if (e.layered()) LayerCompaction.whyNot(snapshot, e).ifPresent(why -> out.put(e.name(), why));
        }
        return out;
    }

    /**
     * Writes the snapshot again with the change layers of the entities {@code which} chooses merged
     * into new bases ({@link LayerCompaction}; docs/backup-format.md, "Compaction"), as a new snapshot
     * of the same source, tags and rows, tagged {@link #COMPACTED}, its time a millisecond after the
     * snapshot's; its other entities and files are the snapshot's own. Where the snapshot was the
     * latest of its source, the next backup builds on the compacted one. Takes the lock a
     * backup takes, so prune waits for it, and checks that the snapshot is still listed once it holds
     * it. Empty when no entity chosen has layers to compact in a format that tells its keys' order.
     * The snapshot itself stays, as every snapshot does until it is forgotten.
     */
    public java.util.Optional<Snapshot> compact(Snapshot snapshot, java.util.function.Predicate<EntitySnapshot> which) {
        java.util.Set<String> chosen = new java.util.HashSet<>(snapshot.entities().stream()
                .filter(e -> which.test(e) && LayerCompaction.possible(snapshot, e)).map(EntitySnapshot::name).toList());
        if (chosen.isEmpty()) return java.util.Optional.empty();
        List<String> tags = new ArrayList<>(snapshot.tags());
        if (!tags.contains(COMPACTED)) tags.add(COMPACTED);
        try (SnapshotWriter writer = backup().source(snapshot.source()).tags(tags).takenWith(snapshot.set()).open()) {
            if (!internals.files().listIds(RepoFiles.SNAPSHOTS).contains(BlobId.parse(snapshot.id()))) {
                throw new CutoverException(ErrorCode.BACKUP_NOT_FOUND, "snapshot " + snapshot.shortId() + " was forgotten before it could be compacted");
            }
            Index index = writer.index();
            for (EntitySnapshot e : snapshot.entities()) {
                if (!chosen.contains(e.name())) {
                    writer.reuse(e);
                    continue;
                }
                LayerKeys.Parts parts = LayerKeys.parts(snapshot, e, () -> new BlobReader(internals.files(), index, internals.keys()));
                writer.layered(LayerCompaction.compact(snapshot, e, parts, writer::loosePart, Runtime.getRuntime().availableProcessors()));
            }
            writer.reuseFiles(snapshot.files());
            if (snapshot.schema() != null) writer.schemaObjects(snapshot.schema()); // the schema's objects too: the compacted snapshot replaces it
            // just after the snapshot's own time, as its rows are: a snapshot compacted after later ones
            // must not become the latest, nor the one a schedule's next backup builds on
            writer.time(snapshot.time().plusMillis(1));
            return java.util.Optional.of(writer.commit());
        }
    }

    /** Starts a backup: name its source and tags, then write records ({@link BackupBuilder#open()}) or read a whole source. */
    public BackupBuilder backup() { return new BackupBuilder(internals); }

    /** The snapshot as a source of records, for restoring into any sink. */
    public SnapshotSource source(Snapshot snapshot) { return new SnapshotSource(internals, snapshot); }

    /**
     * A read lock, for as long as snapshots are read (a restore, a snapshot read as a source):
     * forget and prune wait until it is released; backups and other readers do not. Take it before
     * choosing the snapshot, so that it cannot be forgotten and pruned between the choice and the read.
     */
    public Lock lockForReading(String operation) { return internals.lock(operation, RepoLock.Mode.READ); }

    /** Writes the snapshot's files under {@code folder}, each proven before it takes its name; returns the bytes written. */
    public long restoreFiles(Snapshot snapshot, Path folder) {
        try (Lock lock = lockForReading("restore files"); FileRestorer r = new FileRestorer(snapshot, new BlobReader(internals.files(), Index.loadReadable(internals.files(), internals.envelope()), internals.keys()))) {
            return r.restore(folder);
        }
    }

    /** Checks the structure and, with {@code readData}, decrypts and hashes every blob and every snapshot's streams. */
    public CheckResult check(boolean readData) {
        try (Lock lock = lockForReading("check")) {
            return new Checker(internals, this).run(readData);
        }
    }

    /** Removes the snapshots the policy does not keep; their data stays until {@link #prune()}. */
    public ForgetResult forget(RetentionPolicy policy) {
        try (RepoLock lock = internals.lock("forget", RepoLock.Mode.EXCLUSIVE)) {
            ForgetResult result = policy.apply(snapshots());
            for (Snapshot s : result.removed()) internals.files().delete(internals.files().snapshot(BlobId.parse(s.id())));
            return result;
        }
    }

    /** What {@link #forget} would keep and remove under {@code policy}, removing nothing. */
    public ForgetResult wouldForget(RetentionPolicy policy) {
        return policy.apply(snapshots());
    }

    /** Removes the data no snapshot needs any more (see {@link Pruner} for the crash-safe order). */
    public PruneResult prune() {
        try (RepoLock lock = internals.lock("prune", RepoLock.Mode.EXCLUSIVE)) {
            return new Pruner(internals, snapshots()).run();
        }
    }

    /**
     * The snapshots that do not read (a damaged manifest, or a damaged chunk list it names), by file,
     * with why; unless {@code dryRun}, their manifests are removed, under an exclusive lock. None of
     * them can be restored, and each keeps forget and prune from running; their data goes at the
     * next prune where no other snapshot needs it. A manifest of a newer format is not damaged: kept.
     */
    public Map<String, String> repairSnapshots(boolean dryRun) {
        if (dryRun) {
            try (Lock lock = lockForReading("repair snapshots --dry-run")) {
                return listing().damaged();
            }
        }
        try (RepoLock lock = internals.lock("repair snapshots", RepoLock.Mode.EXCLUSIVE)) {
            Map<String, String> damaged = listing().damaged();
            lock.requireHeld("remove the snapshots that do not read");
            for (String file : damaged.keySet()) internals.files().delete(internals.files().root().resolve(file));
            return damaged;
        }
    }

    /** Rebuilds the index from the packs' headers ({@link IndexRepair}), holding an exclusive lock. */
    public IndexRepairResult repairIndex(boolean readData) {
        try (RepoLock lock = internals.lock("repair index", RepoLock.Mode.EXCLUSIVE)) {
            return new IndexRepair(internals).run(lock, readData);
        }
    }

    /** The locks in {@code locks/}, stale or not. */
    public List<LockInfo> locks() {
        return RepoLock.list(internals.files(), internals.envelope(), internals.options().staleLockAge());
    }

    /** Removes the stale locks (or, with {@code all}, every lock: only when no other Cutover uses the repository); returns them. */
    public List<LockInfo> unlock(boolean all) {
        List<LockInfo> removed = new ArrayList<>();
        for (LockInfo lock : locks()) {
            if (!all && !lock.stale()) continue;
            internals.files().delete(internals.files().lock(lock.file()));
            removed.add(lock);
        }
        return removed;
    }

    /** A backup being set up: its source's location (kept without any password) and tags. */
    public static final class BackupBuilder {
        private final Internals internals;
        private String source = "";
        private final List<String> tags = new ArrayList<>();
        private SnapshotSet set;
        private Path folder;
        private int readers = Parallelism.DEFAULT;
        private cutover.verify.Digests digests;
        private List<cutover.model.EntityName> unchanged = List.of();
        private List<cutover.model.EntityName> layered = List.of();
        private List<cutover.model.EntityName> toldByLog = List.of();
        private java.util.Map<cutover.model.EntityName, String> readWhole = java.util.Map.of();
        private RunPhases phases = new RunPhases();
        private java.util.function.Consumer<cutover.connector.RecordReader.Unreadable> unreadable = u -> {};
        private java.util.function.Predicate<cutover.model.EntityName> only = e -> true;

        private BackupBuilder(Internals internals) {
            this.internals = internals;
        }

        /** Where the records come from, as the user wrote it; any password is left out of the manifest. */
        public BackupBuilder source(String location) {
            this.source = Location.withoutSecrets(location);
            return this;
        }

        public BackupBuilder tag(String tag) {
            if (tag.isBlank()) throw new CutoverException(ErrorCode.USAGE, "a tag cannot be blank");
            tags.add(tag);
            return this;
        }

        public BackupBuilder tags(Collection<String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        /** The snapshots this one is taken with, at one moment, each of its own source (its manifest names them). */
        public BackupBuilder takenWith(SnapshotSet set) {
            this.set = set;
            return this;
        }

        /**
         * The source database's digests: a table whose digest equals the one stored with it in the
         * latest snapshot of the same source is not read again, its entity is reused
         * ({@link SourceDigest}), and every table read gets its digest stored for the next backup.
         */
        public BackupBuilder unchangedFrom(cutover.verify.Digests digests) {
            this.digests = digests;
            return this;
        }

        /** The snapshots whose manifest did not read when the last {@link #from} looked for the one to build on (file, why), passed over. */
        public Map<String, String> damagedSnapshots() { return damagedSnapshots; }

        private final Map<String, String> damagedSnapshots = new java.util.TreeMap<>();

        /** The tables the last {@link #from} reused from the earlier snapshot without reading them. */
        public List<cutover.model.EntityName> unchanged() { return unchanged; }

        /** The tables of which the last {@link #from} stored only the rows changed since the earlier snapshot ({@link ChangeTrack}). */
        public List<cutover.model.EntityName> layered() { return layered; }

        /** The tables whose changes since the earlier snapshot the last {@link #from} learned from the source's log, without scanning them. */
        public List<cutover.model.EntityName> toldByLog() { return toldByLog; }

        /**
         * The tables whose changes the last {@link #from} could have stored as a layer but read whole,
         * each with why (too many changes, or layers, to add another), in the source's order.
         */
        public java.util.Map<cutover.model.EntityName, String> readWhole() { return readWhole; }

        /**
         * Where each record the source cannot decode goes, with its text and why (called from the
         * reading threads): a snapshot keeps only how many there were and a few keys, so the caller
         * lists them where the user finds them, as a migration's dead-letter file does.
         */
        public BackupBuilder unreadableTo(java.util.function.Consumer<cutover.connector.RecordReader.Unreadable> each) {
            this.unreadable = each;
            return this;
        }

        /**
         * Only the entities {@code which} accepts: the others are not read (a migration's rollback point
         * of its source holds the tables the plan takes; one the role may not read whole stops nothing).
         */
        public BackupBuilder only(java.util.function.Predicate<cutover.model.EntityName> which) {
            this.only = which;
            return this;
        }

        /** A folder to back up beside the records (e.g. a Firebase Storage download). */
        public BackupBuilder folder(Path folder) {
            this.folder = folder;
            return this;
        }

        /** Takes the lock and opens a writer for records. */
        public SnapshotWriter open() {
            RepoLock lock = internals.lock("backup", RepoLock.Mode.APPEND);
            try {
                SnapshotWriter writer = new SnapshotWriter(internals, lock, source, tags);
                if (set != null) writer.takenWith(set);
                return writer;
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }

        /** A snapshot of the folder alone, no records. */
        public Snapshot filesOnly() {
            if (folder == null) throw new IllegalStateException("no folder given");
            RunPhases run = new RunPhases();
            phases = run;
            Snapshot stored;
            try (SnapshotWriter writer = open()) {
                run.end("lock");
                writer.addFolder(folder);
                run.end("files");
                stored = writer.commit();
                run.end("storing");
            }
            run.end("releasing");
            return stored;
        }

        /** Reads every split of the source into a new snapshot (see {@link #from(Source, java.util.function.ObjLongConsumer)}). */
        public Snapshot from(Source source) {
            return from(source, (entity, records) -> {});
        }

        /**
         * Reads the source's splits, {@link #readers(int)} at a time (a database's tables cut into about
         * twice that many key ranges each), into a new snapshot: each split's records of an entity are a
         * part of its own, and the parts are in split order. Tells {@code progress} the records read so far
         * of each entity every 1,000 records, from the reading threads.
         */
        public Snapshot from(Source source, java.util.function.ObjLongConsumer<cutover.model.EntityName> progress) {
            RunPhases run = new RunPhases();
            phases = run;
            Snapshot stored;
            // the disk takes others' pending writes while the source is read, not when the pack is forced
            try (SnapshotWriter writer = open(); RepoFiles.Settling settling = internals.files().settleAhead()) {
                boolean comparable = digests != null || source instanceof cutover.connector.ChangeTracking;
                Snapshot latest = comparable ? latestOfSource() : null;
                Snapshot earlier = latest == null ? null : intactPart(latest, writer.index());
                writer.buildsOn(earlier);
                SourceReading reading = new SourceReading(source, readers, progress, digests, earlier, unreadable).only(only);
                run.end("lock");
                reading.into(writer, 2 * readers, run);
                unchanged = reading.unchanged();
                layered = reading.layered();
                toldByLog = reading.toldByLog();
                readWhole = new java.util.LinkedHashMap<>(reading.readWhole());
                if (earlier != latest) {
                    // read again: their chunks are stored again, and the earlier snapshots that need them read again
                    latest.entities().stream().filter(e -> earlier.entity(e.entityName()).isEmpty()).forEach(e -> readWhole.putIfAbsent(e.entityName(),
                            "its copy in the last snapshot misses chunks the repository no longer holds whole (a pack lost or damaged)"));
                }
                if (folder != null) {
                    writer.addFolder(folder);
                    run.end("files");
                }
                stored = writer.commit();
                run.end("storing");
                reading.committed();
            }
            run.end("releasing");
            return stored;
        }

        /** How long each step of the last {@link #from} took. */
        public RunPhases phases() { return phases; }

        /**
         * The snapshot without the entities some chunk of which no index file lists (a pack lost, or a
         * damaged chunk that `repair index --read-data` left out): those are not reused but read again,
         * which stores their chunks again under the same ids (a chunk's id is its content's hash), so
         * that every earlier snapshot needing them reads again too.
         */
        private static Snapshot intactPart(Snapshot snapshot, Index index) {
            List<String> intact = snapshot.entities().stream()
                    .filter(e -> e.chunks().stream().allMatch(chunk -> index.get(BlobId.parse(chunk)) != null))
                    .map(EntitySnapshot::name).toList();
            return intact.size() == snapshot.entities().size() ? snapshot : snapshot.only(intact);
        }

        /**
         * The latest snapshot taken of the same source (by location, without password) whose manifest
         * reads, or null. One that does not read is passed over ({@link #damagedSnapshots}): it may have
         * been this source's latest, and building on an earlier one reads more, never less (its
         * changes since then include those since the damaged one), so a damaged manifest does not
         * stop every later backup of the repository (acceptance run 13).
         */
        private Snapshot latestOfSource() {
            Repository repository = new Repository(internals);
            damagedSnapshots.clear();
            List<Head> ofSource = new ArrayList<>(repository.heads(damagedSnapshots).stream().filter(h -> h.source().equals(source)).toList());
            java.util.Collections.reverse(ofSource); // newest first
            Snapshot written = internals.lastWritten().get(); // built on as written, not read back (a check reads it from the file)
            for (Head h : ofSource) {
                if (written != null && written.id().equals(h.id().hex())) return written;
                try {
                    return repository.readSnapshot(h.id());
                } catch (CutoverException e) {
                    // its head was known (remembered before the damage) but its manifest or chunk list no longer reads
                    if (e.code() != ErrorCode.BACKUP_CORRUPT) throw e;
                    damagedSnapshots.put("snapshots/" + h.id().hex(), e.getMessage());
                }
            }
            return null;
        }

        /** How many splits are read at once (default: the processors, at least 2). */
        public BackupBuilder readers(int readers) {
            if (readers < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "readers must be at least 1, found " + readers);
            this.readers = readers;
            return this;
        }
    }
}
