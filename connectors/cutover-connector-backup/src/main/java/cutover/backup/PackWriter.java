package cutover.backup;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one pack file (docs/backup-format.md, "Packs"): the sealed blobs one after another, then
 * the sealed header listing them, then the header's length. The header goes last so the pack can
 * be streamed; it lets a pack be read (and an index rebuilt) without any index. The file is written
 * under {@code tmp/} and renamed to {@code data/xx/<sha256>} only once it is whole and on disk.
 */
final class PackWriter implements AutoCloseable {
    static final int HEADER_ENTRY_BYTES = BlobId.BYTES + 4 + 4;
    static final byte[] HEADER_AAD = FileEnvelope.aad("pack header");

    record Entry(BlobId id, long offset, int length, int rawLength) {}

    record Written(BlobId id, List<Entry> entries, long size) {}

    private final RepoFiles files;
    private final Keys keys;
    private final Path temp;
    private final FileOutputStream file;
    private final MessageDigest sha256;
    private final OutputStream out;
    private final List<Entry> entries = new ArrayList<>();
    private long size;
    private boolean done;

    PackWriter(RepoFiles files, Keys keys) {
        this.files = files;
        this.keys = keys;
        this.temp = files.newTemp("pack");
        this.sha256 = NativeCrypto.sha256();
        try {
            this.file = new FileOutputStream(temp.toFile());
        } catch (IOException e) {
            throw files.io("cannot create a pack under tmp/", e);
        }
        this.out = new BufferedOutputStream(new DigestOutputStream(file, sha256), 1 << 16);
    }

    /** Appends a blob already sealed (nonce, ciphertext, tag): {@code sealed[0, length)}. */
    void add(BlobId id, byte[] sealed, int length, int rawLength) {
        try {
            files.beforeWrite(temp, length);
            out.write(sealed, 0, length);
        } catch (IOException e) {
            throw files.io("cannot write a pack under tmp/", e);
        }
        entries.add(new Entry(id, size, length, rawLength));
        size += length;
    }

    long size() { return size; }

    boolean isEmpty() { return entries.isEmpty(); }

    /** Writes the header, forces the pack to disk and moves it to its final name. */
    Written finish() {
        try {
            ByteBuffer header = ByteBuffer.allocate(entries.size() * HEADER_ENTRY_BYTES);
            for (Entry e : entries) header.put(e.id().bytes()).putInt(e.length()).putInt(e.rawLength());
            byte[] sealedHeader = keys.seal(header.array(), HEADER_AAD);
            files.beforeWrite(temp, sealedHeader.length + 4L);
            out.write(sealedHeader);
            out.write(ByteBuffer.allocate(4).putInt(sealedHeader.length).array());
            out.flush();
            file.getFD().sync();
            out.close();
            BlobId id = new BlobId(sha256.digest());
            files.moveIntoPlace(temp, files.pack(id));
            done = true;
            return new Written(id, List.copyOf(entries), size + sealedHeader.length + 4);
        } catch (IOException e) {
            throw files.io("cannot finish a pack", e);
        }
    }

    /** Abandons an unfinished pack: its temporary file is removed. */
    @Override
    public void close() {
        if (done) return;
        try {
            out.close();
        } catch (IOException ignored) {
            // being abandoned anyway
        }
        RepoFiles.deleteQuietly(temp);
        done = true;
    }
}
