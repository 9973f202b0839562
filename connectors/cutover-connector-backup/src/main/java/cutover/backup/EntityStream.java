package cutover.backup;

import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Value;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One entity being backed up: its record stream is hashed, cut into chunks and stored as it is written. */
final class EntityStream {
    static final int UNREADABLE_SAMPLES = 20;

    private final EntityName name;
    private List<String> keyColumns;
    private final ChunkingStream chunks;
    private final List<String> chunkIds = new ArrayList<>();
    private final MessageDigest digest;
    private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(256);
    private final Map<String, EnumSet<Value.Kind>> fields = new LinkedHashMap<>();
    private final List<String> unreadableSamples = new ArrayList<>();
    private long records;
    private long bytes;
    private long unreadable;

    EntityStream(EntityName name, List<String> keyColumns, Chunker chunker, ChunkStore store) {
        this.name = name;
        this.keyColumns = List.copyOf(keyColumns);
        this.chunks = new ChunkingStream(chunker, chunk -> chunkIds.add(store.store(chunk).hex()));
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try {
            RecordStream.writeHeader(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        record.fields().forEach((field, value) -> fields.computeIfAbsent(field, f -> EnumSet.noneOf(Value.Kind.class)).add(value.kind()));
    }

    void keyColumns(List<String> columns) { this.keyColumns = List.copyOf(columns); }

    void unreadable(String key, String reason) {
        unreadable++;
        if (unreadableSamples.size() < UNREADABLE_SAMPLES) unreadableSamples.add((key == null ? "?" : key) + ": " + reason);
    }

    EntitySnapshot finish() {
        chunks.finish();
        Map<String, List<String>> schema = new LinkedHashMap<>();
        fields.forEach((field, kinds) -> schema.put(field, kinds.stream().map(Enum::name).toList()));
        return new EntitySnapshot(name.value(), keyColumns, records, bytes, HexFormat.of().formatHex(digest.digest()),
                schema, chunkIds, unreadable, unreadableSamples);
    }

    private void emitScratch() {
        byte[] b = scratch.toByteArray();
        scratch.reset();
        digest.update(b);
        chunks.write(b, 0, b.length);
        bytes += b.length;
    }
}
