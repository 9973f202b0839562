package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Reads a pack's own list of its blobs from its end (see {@link PackWriter}), which check compares with the index. */
final class PackHeader {
    private PackHeader() {}

    static List<PackWriter.Entry> read(RepoFiles files, Keys keys, Path pack) {
        String name = files.relative(pack);
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 4) throw corrupt(name, "it is truncated (" + size + " bytes)");
            ByteBuffer trailer = ByteBuffer.allocate(4);
            readFully(ch, trailer, size - 4);
            long headerLength = Integer.toUnsignedLong(trailer.getInt(0));
            if (headerLength < Crypto.OVERHEAD || headerLength > size - 4) {
                throw corrupt(name, "it is truncated or its trailer is damaged (header length " + headerLength + ", file " + size + " bytes)");
            }
            ByteBuffer sealed = ByteBuffer.allocate((int) headerLength);
            readFully(ch, sealed, size - 4 - headerLength);
            byte[] header;
            try {
                header = keys.open(sealed.array(), 0, sealed.capacity(), PackWriter.HEADER_AAD);
            } catch (Crypto.NotAuthentic e) {
                throw corrupt(name, "its header fails authentication (the pack is truncated or was changed)");
            }
            if (header.length % PackWriter.HEADER_ENTRY_BYTES != 0) throw corrupt(name, "its header has a partial entry");
            List<PackWriter.Entry> entries = new ArrayList<>();
            ByteBuffer h = ByteBuffer.wrap(header);
            long offset = 0;
            while (h.hasRemaining()) {
                byte[] id = new byte[BlobId.BYTES];
                h.get(id);
                int length = h.getInt();
                int rawLength = h.getInt();
                entries.add(new PackWriter.Entry(new BlobId(id), offset, length, rawLength));
                offset += length;
            }
            if (offset + headerLength + 4 != size) throw corrupt(name, "its header lists " + offset + " bytes of blobs, the file has " + (size - headerLength - 4));
            return entries;
        } catch (IOException e) {
            throw files.io("cannot read " + name, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) throw new java.io.EOFException();
        }
    }

    private static CutoverException corrupt(String name, String why) {
        return new CutoverException(ErrorCode.BACKUP_CORRUPT, "pack " + name + ": " + why);
    }
}
