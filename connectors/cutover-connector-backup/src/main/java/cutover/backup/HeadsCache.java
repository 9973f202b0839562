package cutover.backup;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Snapshot heads (id, time, source) kept on the local disk, outside the repository, so that a
 * command choosing a snapshot (a backup's base, {@code restore latest}) does not decrypt every
 * manifest of the repository first: at 77 snapshots of a 10M-row table that cost 0.7-1.1 s a
 * command (bench/RESULTS.md). A snapshot's file is named by the SHA-256 of its bytes and never
 * changes, so its head never goes stale: only heads of snapshots still listed are used, and the
 * snapshot chosen is still read from the repository and authenticated whole.
 *
 * <p>One file per repository, {@code <folder>/<repository id>/heads}, sealed like the repository's
 * own files under its key (so it cannot be forged, and it names the repository in its associated
 * data). It is a cache: a file missing, damaged, sealed under another key or written by a newer
 * Cutover is ignored, and one that cannot be written is left alone; neither is ever an error.
 *
 * <p>An instance remembers the heads it last read or wrote with the file's identity, time and size
 * then, and reads the file again only once they differ (another process wrote it): a process that
 * backs up again and again ({@code backup --every}) decrypted and parsed it after each backup,
 * 2-5 ms a run at a few dozen snapshots, growing with their number.
 */
final class HeadsCache {
    private static final String KIND_PREFIX = "heads cache ";
    private static final int VERSION = 1;

    record Entry(String id, String time, String source, int manifestVersion) {}

    record Content(int version, List<Entry> heads) {}

    private final Path file; // null: no cache
    private final FileEnvelope envelope;
    private final String kind;
    private Known known; // guarded by this

    /** The heads the file held when it had these attributes (a file replaced has another key; one written anew, another time). */
    private record Known(Object fileKey, java.nio.file.attribute.FileTime modified, long size, Map<BlobId, Repository.Head> heads) {
        boolean describes(BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }

        static Known of(BasicFileAttributes a, Map<BlobId, Repository.Head> heads) {
            return new Known(a.fileKey(), a.lastModifiedTime(), a.size(), Map.copyOf(heads));
        }
    }

    private HeadsCache(Path file, FileEnvelope envelope, String repositoryId) {
        this.file = file;
        this.envelope = envelope;
        this.kind = KIND_PREFIX + repositoryId;
    }

    static HeadsCache in(Path folder, FileEnvelope envelope, String repositoryId) {
        return new HeadsCache(folder == null ? null : folder.resolve(repositoryId).resolve("heads"), envelope, repositoryId);
    }

    /**
     * Where a command keeps its caches: {@code CUTOVER_CACHE_DIR} ({@code off}: nowhere), else
     * {@code $XDG_CACHE_HOME/cutover}, else {@code ~/.cache/cutover}.
     */
    static Path userFolder(Map<String, String> env, String home) {
        String dir = env.get("CUTOVER_CACHE_DIR");
        if (dir != null && !dir.isBlank()) return dir.equals("off") ? null : Path.of(dir);
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "cutover");
        return home == null ? null : Path.of(home, ".cache", "cutover");
    }

    boolean enabled() { return file != null; }

    /** The heads kept, those of manifests this Cutover reads; empty when there is no usable cache. */
    synchronized Map<BlobId, Repository.Head> load() {
        Map<BlobId, Repository.Head> out = new HashMap<>();
        if (file == null) return out;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) return out;
            if (known != null && known.describes(attributes)) {
                out.putAll(known.heads());
                return out;
            }
            Content content = envelope.open(file, Files.readAllBytes(file), kind, Content.class);
            if (content.version() != VERSION || content.heads() == null) return out;
            for (Entry e : content.heads()) {
                if (e.manifestVersion() > ManifestFile.VERSION) continue; // read from the manifest: it says what to do
                BlobId id = BlobId.parse(e.id());
                out.put(id, new Repository.Head(id, Instant.parse(e.time()), e.source(), e.manifestVersion()));
            }
            known = Known.of(attributes, out); // if the file changed after its attributes were read, they differ next time
        } catch (IOException | RuntimeException e) { // missing; CutoverException: damaged or sealed under another key
            out.clear(); // read the manifests instead
        }
        return out;
    }

    /** Keeps exactly {@code heads} (written to a temporary file, then renamed over the old one). */
    synchronized void store(Collection<Repository.Head> heads) {
        if (file == null) return;
        List<Entry> entries = heads.stream()
                .map(h -> new Entry(h.id().hex(), h.time().toString(), h.source(), h.manifestVersion()))
                .sorted(java.util.Comparator.comparing(Entry::id)).toList();
        Path temp = file.resolveSibling("heads." + ProcessHandle.current().pid() + "." + Thread.currentThread().getId() + ".tmp");
        known = null;
        try {
            Files.createDirectories(file.getParent());
            Files.write(temp, envelope.seal(kind, new Content(VERSION, entries)));
            BasicFileAttributes written = Files.readAttributes(temp, BasicFileAttributes.class); // a rename keeps them
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Map<BlobId, Repository.Head> kept = new HashMap<>();
            heads.forEach(h -> { if (h.manifestVersion() <= ManifestFile.VERSION) kept.put(h.id(), h); });
            known = Known.of(written, kept);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a cache that cannot be written costs only time
            }
        }
    }
}
