package cutover.backup;

import com.github.luben.zstd.ZstdException;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads chunks back and proves each one: the envelope authenticates (bound to the chunk's id), the
 * plaintext decompresses to the length the index gives, and its keyed hash is the id that was asked
 * for. Any failure is a {@link ErrorCode#BACKUP_CORRUPT} naming the chunk and the pack; bad data is
 * never returned. Keeps the last pack open, since a snapshot's chunks mostly sit together. Not thread-safe.
 */
final class BlobReader implements AutoCloseable {
    private final RepoFiles files;
    private final Index index;
    private final ChunkOpener opener;
    private BlobId openPack;
    private FileChannel channel;
    private long packSize; // of the open pack: packs are written once, never appended to

    BlobReader(RepoFiles files, Index index, Keys keys) {
        this.files = files;
        this.index = index;
        this.opener = new ChunkOpener(keys);
    }

    byte[] read(BlobId id) {
        BlobLocation at = index.get(id);
        if (at == null) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "chunk " + id.hex() + " is in no index file" + (index.unreadable().isEmpty() ? ""
                    : " that opens; it may be listed in the damaged " + String.join(", ", index.unreadable().keySet().stream().map(f -> "index/" + f.hex()).toList())
                    + " (" + index.unreadable().values().iterator().next() + ")"));
        }
        return decode(id, at, readSealed(id, at));
    }

    /** The stored bytes of a blob, as they are in its pack. */
    byte[] readSealed(BlobId id, BlobLocation at) {
        try {
            FileChannel ch = channel(id, at);
            if (at.offset() + at.length() > packSize) {
                throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where(id, at) + ": the pack is truncated (" + packSize
                        + " bytes, the chunk ends at " + (at.offset() + at.length()) + ")");
            }
            ByteBuffer buf = ByteBuffer.allocate(at.length());
            while (buf.hasRemaining()) {
                if (ch.read(buf, at.offset() + buf.position()) < 0) break;
            }
            return buf.array();
        } catch (IOException e) {
            throw files.io("cannot read " + where(id, at), e);
        }
    }

    byte[] decode(BlobId id, BlobLocation at, byte[] sealed) {
        byte[] compressed;
        try {
            compressed = opener.open(sealed, 0, sealed.length, id.bytes());
        } catch (Crypto.NotAuthentic e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where(id, at) + " fails authentication: its bytes were changed");
        }
        byte[] plain;
        try {
            plain = opener.decompress(compressed, at.rawLength());
        } catch (ZstdException e) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where(id, at) + " does not decompress: " + e.getMessage());
        }
        if (plain.length != at.rawLength() || !opener.idOf(plain, 0, plain.length).equals(id)) {
            throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where(id, at) + ": its content does not match its id");
        }
        return plain;
    }

    /** Where a blob is, for messages only: made when something is wrong, not for each of thousands of chunks read. */
    private String where(BlobId id, BlobLocation at) {
        return "chunk " + id.hex() + " in pack " + files.relative(files.pack(at.pack())) + " at offset " + at.offset();
    }

    /** The open pack's channel, the pack of {@code at} opened (and its size read) when it is another. */
    private FileChannel channel(BlobId id, BlobLocation at) throws IOException {
        if (at.pack().equals(openPack)) return channel;
        closePack();
        Path pack = files.pack(at.pack());
        if (!Files.exists(pack)) throw new CutoverException(ErrorCode.BACKUP_CORRUPT, where(id, at) + ": the pack file is missing");
        channel = FileChannel.open(pack, StandardOpenOption.READ);
        packSize = channel.size();
        openPack = at.pack();
        return channel;
    }

    @Override
    public void close() {
        closePack();
        opener.close();
    }

    private void closePack() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only; nothing to lose
            }
        }
        channel = null;
        openPack = null;
    }
}
