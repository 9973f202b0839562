package cutover.backup;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The JSON files of a repository (index, snapshot, lock): JSON, zstd-compressed, sealed with
 * AES-256-GCM whose associated data is the file's kind, so a file moved into another folder fails
 * to open. Index and snapshot files are named by the SHA-256 of their bytes.
 */
final class FileEnvelope {
    /**
     * Level 1: these files are mostly hex ids, which every level compresses to about half (a 1M-row
     * table's manifest 342 KB to 173 KB at 1, 172 KB at 3) and level 1 in half the time of 3 (1-2
     * against 2-3 ms, on every scheduled run; bench/RESULTS.md, twelfth session).
     */
    static final int ZSTD_LEVEL = 1;

    private final RepoFiles files;
    private final Keys keys;
    private final Json json = new Json();
    /** Kept for every file this repository's process writes: a context's tables are allocated and cleared when it is made. */
    private final com.github.luben.zstd.ZstdCompressCtx zstd = new com.github.luben.zstd.ZstdCompressCtx().setLevel(ZSTD_LEVEL);

    FileEnvelope(RepoFiles files, Keys keys) {
        this.files = files;
        this.keys = keys;
    }

    static byte[] aad(String kind) {
        return ("cutover-backup " + kind).getBytes(StandardCharsets.UTF_8);
    }

    byte[] seal(String kind, Object content) {
        byte[] plain = json.write(content);
        byte[] compressed;
        synchronized (zstd) {
            compressed = zstd.compress(plain);
        }
        return keys.seal(compressed, aad(kind));
    }

    /** Writes a content-named file ({@code index/<id>}, {@code snapshots/<id>}) and returns its id. */
    BlobId writeNamed(String dir, String kind, Object content) {
        Named named = sealNamed(dir, kind, content);
        files.writeAtomically(named.path(), named.bytes());
        return named.id();
    }

    /** A content-named file's bytes, sealed, and where they go: for a caller that writes several in an order ({@link RepoFiles#writeInOrder}). */
    record Named(BlobId id, Path path, byte[] bytes) {}

    Named sealNamed(String dir, String kind, Object content) {
        byte[] bytes = seal(kind, content);
        BlobId id = BlobId.sha256(bytes);
        return new Named(id, files.root().resolve(dir).resolve(id.hex()), bytes);
    }

    /** Reads and opens a content-named file, checking its name against its hash first. */
    <T> T readNamed(Path path, String kind, Class<T> type) {
        return decode(path, readNamedJson(path, kind), type);
    }

    /** The JSON of a content-named file, its name and authentication checked, not yet decoded: a reader may want only its start. */
    byte[] readNamedJson(Path path, String kind) {
        byte[] bytes = files.read(path);
        String name = path.getFileName().toString();
        if (!BlobId.sha256(bytes).hex().equals(name)) {
            throw corrupt(path, "its SHA-256 does not match its name (the file was changed or truncated)");
        }
        return openJson(path, bytes, kind);
    }

    <T> T open(Path path, byte[] bytes, String kind, Class<T> type) {
        return decode(path, openJson(path, bytes, kind), type);
    }

    private byte[] openJson(Path path, byte[] bytes, String kind) {
        byte[] compressed;
        try {
            compressed = keys.open(bytes, 0, bytes.length, aad(kind));
        } catch (Crypto.NotAuthentic e) {
            throw corrupt(path, "it fails authentication (" + e.getMessage() + "): the file was damaged or is not a " + kind + " file");
        }
        try {
            long size = Zstd.getFrameContentSize(compressed);
            if (size < 0 || size > Integer.MAX_VALUE) throw corrupt(path, "its zstd frame has no valid content size");
            return Zstd.decompress(compressed, (int) size);
        } catch (ZstdException e) {
            throw corrupt(path, "it authenticates but does not decode (" + e.getMessage() + ")");
        }
    }

    /** The JSON of a file this envelope opened, as {@code type}; JSON it cannot read names the file as damaged. */
    <T> T decode(Path path, byte[] content, Class<T> type) {
        try {
            return json.read(content, type);
        } catch (IOException e) {
            throw corrupt(path, "it authenticates but does not decode (" + e.getMessage() + ")");
        }
    }

    private CutoverException corrupt(Path path, String why) {
        return new CutoverException(ErrorCode.BACKUP_CORRUPT, files.relative(path) + " in the repository at " + files.root() + " is damaged: " + why);
    }
}
