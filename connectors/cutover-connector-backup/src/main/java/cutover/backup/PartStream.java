package cutover.backup;

import cutover.model.Record;
import cutover.model.Value;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One part of one entity being backed up (the records one source split gave of it): a record stream
 * of its own, hashed, cut into chunks and stored as it is written. Used by one thread.
 */
final class PartStream {
    /** What a finished part adds to its entity. */
    record Result(EntityPart part, List<String> chunkIds, Map<String, EnumMap<Value.Kind, Long>> kinds) {}

    private final ChunkingStream chunks;
    private final List<String> chunkIds = new ArrayList<>();
    private final MessageDigest digest;
    private final Scratch scratch = new Scratch();
    private final Map<String, EnumMap<Value.Kind, Long>> kinds = new LinkedHashMap<>();
    private long records;
    private long bytes;

    PartStream(Chunker chunker, ChunkStore store) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // the chunks are the stream, in order: hashed as they are cut, a few KiB at a time, not a record at a time
        this.chunks = new ChunkingStream(chunker, chunk -> {
            digest.update(chunk);
            chunkIds.add(store.store(chunk).hex());
        });
        try {
            RecordStream.writeHeader(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        emitScratch();
    }

    void write(Record record) {
        try {
            RecordStream.write(record, scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        emitScratch();
        records++;
        record.fields().forEach((field, value) -> kinds.computeIfAbsent(field, f -> new EnumMap<>(Value.Kind.class))
                .merge(value.kind(), 1L, Long::sum));
    }

    Result finish() {
        chunks.finish();
        EntityPart part = new EntityPart(records, bytes, HexFormat.of().formatHex(digest.digest()), chunkIds.size());
        return new Result(part, List.copyOf(chunkIds), kinds);
    }

    private void emitScratch() {
        // the scratch buffer is handed over without a copy: the chunker copies what it keeps
        byte[] b = scratch.buffer();
        int n = scratch.size();
        chunks.write(b, 0, n);
        bytes += n;
        scratch.reset();
    }

    /** A byte buffer whose array can be read in place. */
    private static final class Scratch extends ByteArrayOutputStream {
        Scratch() { super(256); }

        byte[] buffer() { return buf; }
    }
}
