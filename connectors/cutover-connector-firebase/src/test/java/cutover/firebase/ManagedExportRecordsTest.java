package cutover.firebase;

import cutover.connector.Connectors;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/** Managed-export records built by hand (wire format and log framing), for cases the fixture lacks. */
class ManagedExportRecordsTest {
    @TempDir Path dir;

    @Test
    void undecodableValueSetsTheDocumentAsideAndReadingGoesOn() throws IOException {
        byte[] good1 = entity("users", "u1", property("n", value(1, varint(5))));
        byte[] bad = entity("users", "u2", property("s", value(3, bytes(new byte[] {(byte) 0xc3, 0x28})))); // invalid UTF-8
        byte[] good2 = entity("users", "u3", property("n", value(1, varint(-1))));
        Files.write(dir.resolve("output-0"), log(good1, bad, good2));

        Source source = Connectors.require(Connectors.discover().open("firestore-managed-export:" + dir), Source.class);
        List<RecordReader.Item> items = Exports.read(source, source.splits(1).get(0), Position.START);
        assertThat(items).hasSize(3);
        assertThat(Exports.records(items)).containsExactly(
                new Record(EntityName.of("users"), Key.of("u1"), Map.of("n", Value.of(5L))),
                new Record(EntityName.of("users"), Key.of("u3"), Map.of("n", Value.of(-1L))));
        RecordReader.Unreadable u = Exports.unreadable(items).get(0);
        assertThat(u.key()).isEqualTo("u2");
        assertThat(u.error().code()).isEqualTo(ErrorCode.RECORD_UNKNOWN_MARKER);
        assertThat(u.error().reason()).contains("users/u2").contains("UTF-8");
        assertThat(u.raw()).startsWith("base64:");
    }

    // --- a tiny writer of the formats, only for tests ---

    private static byte[] log(byte[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) { // each well under one block: FULL fragments
            CRC32C crc = new CRC32C();
            crc.update(1);
            crc.update(r);
            int masked = LevelDbLog.mask((int) crc.getValue());
            for (int i = 0; i < 4; i++) out.write(masked >>> (8 * i));
            out.write(r.length);
            out.write(r.length >>> 8);
            out.write(1);
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    private static byte[] entity(String collection, String id, byte[] property) {
        byte[] element = cat(field(2, bytes(collection.getBytes(StandardCharsets.UTF_8))), field(4, bytes(id.getBytes(StandardCharsets.UTF_8))));
        byte[] path = cat(tag(1, 3), element, tag(1, 4));
        byte[] key = cat(field(13, bytes("dev~p".getBytes(StandardCharsets.UTF_8))), field(14, bytes(path)));
        return cat(field(13, bytes(key)), field(15, bytes(property)));
    }

    private static byte[] property(String name, byte[] value) {
        return cat(field(3, bytes(name.getBytes(StandardCharsets.UTF_8))), field(5, bytes(value)));
    }

    private static byte[] value(int field, byte[] encoded) {
        return field(field, encoded);
    }

    /** A tag and an already-encoded payload; the wire type follows from the payload's kind. */
    private static byte[] field(int number, byte[] payload) {
        return cat(payload[0] == WIRE_VARINT ? tag(number, 0) : tag(number, 2), java.util.Arrays.copyOfRange(payload, 1, payload.length));
    }

    private static final byte WIRE_VARINT = 0, WIRE_BYTES = 2;

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WIRE_VARINT);
        writeVarint(out, v);
        return out.toByteArray();
    }

    private static byte[] bytes(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WIRE_BYTES);
        writeVarint(out, b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static byte[] tag(int number, int wireType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3 | wireType);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
