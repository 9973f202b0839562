package cutover.firebase;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads the records of a LevelDB log file, the framing of a Firestore managed export's
 * {@code output-N} files. The file is a run of 32 KiB blocks; each fragment has a 7-byte header
 * (masked CRC32C of type and payload, uint32 LE; payload length, uint16 LE; type: 1 full, 2 first,
 * 3 middle, 4 last). Fewer than 7 bytes left in a block are padding. Every CRC is checked. Holds
 * one block and the record being assembled, whatever the file's size.
 */
final class LevelDbLog implements AutoCloseable {
    static final int BLOCK = 32 * 1024;
    static final int HEADER = 7;
    private static final int FULL = 1, FIRST = 2, MIDDLE = 3, LAST = 4;

    private final Path file;
    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private int blockLength;
    private int pos;
    private long blockStart = -BLOCK;
    private boolean eof;

    LevelDbLog(Path file) {
        this.file = file;
        try {
            this.in = Files.newInputStream(file);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next record, or null at the end of the file. */
    byte[] next() {
        ByteArrayOutputStream parts = null;
        long recordStart = -1;
        while (true) {
            if (BLOCK - pos < HEADER || pos >= blockLength) {
                if (!nextBlock()) {
                    if (parts != null) throw corrupt(recordStart, "the file ends inside a record split over fragments");
                    return null;
                }
                continue;
            }
            if (pos + HEADER > blockLength) throw corrupt(blockStart + pos, "a fragment header is cut off at the end of the file");
            int crc = le32(pos);
            int length = (block[pos + 4] & 0xff) | (block[pos + 5] & 0xff) << 8;
            int type = block[pos + 6] & 0xff;
            if (type == 0 && length == 0 && crc == 0) { // zero-filled rest of a preallocated block
                pos = blockLength;
                continue;
            }
            long at = blockStart + pos;
            int payload = pos + HEADER;
            if (payload + length > blockLength) throw corrupt(at, "a fragment of " + length + " bytes runs past its block");
            CRC32C check = new CRC32C();
            check.update(type);
            check.update(block, payload, length);
            if (mask((int) check.getValue()) != crc) throw corrupt(at, "checksum mismatch (a damaged or modified file)");
            pos = payload + length;
            switch (type) {
                case FULL -> {
                    if (parts != null) throw corrupt(at, "a full record inside a split one");
                    byte[] record = new byte[length];
                    System.arraycopy(block, payload, record, 0, length);
                    return record;
                }
                case FIRST -> {
                    if (parts != null) throw corrupt(at, "a record starts inside another");
                    parts = new ByteArrayOutputStream(length * 2);
                    recordStart = at;
                    parts.write(block, payload, length);
                }
                case MIDDLE, LAST -> {
                    if (parts == null) throw corrupt(at, "a record continues that never started");
                    parts.write(block, payload, length);
                    if (type == LAST) return parts.toByteArray();
                }
                default -> throw corrupt(at, "unknown fragment type " + type);
            }
        }
    }

    private boolean nextBlock() {
        if (eof) return false;
        try {
            blockStart += BLOCK;
            blockLength = in.readNBytes(block, 0, BLOCK);
            pos = 0;
            if (blockLength < BLOCK) eof = true;
            return blockLength > 0;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private int le32(int at) {
        return (block[at] & 0xff) | (block[at + 1] & 0xff) << 8 | (block[at + 2] & 0xff) << 16 | (block[at + 3] & 0xff) << 24;
    }

    static int mask(int crc) {
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    private CutoverException corrupt(long offset, String what) {
        return new CutoverException(ErrorCode.SOURCE_CORRUPT, file + " byte " + offset + ": " + what
                + "; export the database again or restore the file from the bucket");
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only input
        }
    }
}
