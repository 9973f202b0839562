package cutover.backup;

import cutover.model.Record;
import cutover.model.Value;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
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

    private final PartChunks chunks;
    private final Scratch scratch = new Scratch();
    private final Map<String, EnumMap<Value.Kind, Long>> kinds = new LinkedHashMap<>();
    private long records;

    PartStream(Chunker chunker, ChunkStore store) {
        this.chunks = new PartChunks(chunker, store);
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
        return chunks.finish(records, kinds);
    }

    private void emitScratch() {
        chunks.write(scratch.buffer(), 0, scratch.size()); // handed over without a copy: the chunker copies what it keeps
        scratch.reset();
    }

    /** A byte buffer whose array can be read in place. */
    private static final class Scratch extends ByteArrayOutputStream {
        Scratch() { super(256); }

        byte[] buffer() { return buf; }
    }
}
