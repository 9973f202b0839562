package cutover.postgres;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PgOutput} reads pgoutput's messages as PostgreSQL's "Logical Replication Message Formats"
 * lays them out (protocol 1), and {@link LoggedKeys} what they say of a table's keys; the
 * messages the server itself sends are read in {@code LogChangeLayersIT}.
 */
class PgOutputTest {
    /** A message being written: the protocol's big-endian integers and zero-terminated strings. */
    private static final class Bytes {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Bytes b(int v) throws IOException { out.writeByte(v); return this; }
        Bytes s16(int v) throws IOException { out.writeShort(v); return this; }
        Bytes i32(int v) throws IOException { out.writeInt(v); return this; }
        Bytes i64(long v) throws IOException { out.writeLong(v); return this; }
        Bytes str(String v) throws IOException { out.write(v.getBytes(StandardCharsets.UTF_8)); out.writeByte(0); return this; }

        /** A tuple: each value a text column ('t'), null ('n'), or {@link PgOutput#UNCHANGED} ('u'). */
        Bytes tuple(String... values) throws IOException {
            s16(values.length);
            for (String v : values) {
                if (v == null) b('n');
                else if (v == PgOutput.UNCHANGED) b('u');
                else {
                    byte[] text = v.getBytes(StandardCharsets.UTF_8);
                    b('t').i32(text.length);
                    out.write(text);
                }
            }
            return this;
        }

        PgOutput.Message parse() { return PgOutput.parse(ByteBuffer.wrap(bytes.toByteArray())); }
    }

    private static Bytes relation(int oid, char identity, String... columnsKeyFirst) throws IOException {
        Bytes m = new Bytes().b('R').i32(oid).str("public").str("items").b(identity).s16(columnsKeyFirst.length);
        for (int i = 0; i < columnsKeyFirst.length; i++) m.b(i == 0 ? 1 : 0).str(columnsKeyFirst[i]).i32(20).i32(-1);
        return m;
    }

    @Test
    void readsEachMessageAsTheProtocolLaysItOut() throws IOException {
        assertThat(new Bytes().b('B').i64(0x16B374D848L).i64(1234).i32(777).parse()).isEqualTo(new PgOutput.Begin(0x16B374D848L, 777));
        assertThat(new Bytes().b('C').b(0).i64(10).i64(20).i64(1234).parse()).isEqualTo(new PgOutput.Commit(10, 20));
        assertThat(relation(16384, 'd', "id", "name", "note").parse())
                .isEqualTo(new PgOutput.Relation(16384, "public", "items", 'd', List.of("id", "name", "note"), List.of(true, false, false)));

        PgOutput.Insert insert = (PgOutput.Insert) new Bytes().b('I').i32(16384).b('N').tuple("1", "é\ttab", null).parse();
        assertThat(insert.relation()).isEqualTo(16384);
        assertThat(insert.row().values()).containsExactly("1", "é\ttab", null);

        PgOutput.Update keyChanged = (PgOutput.Update) new Bytes().b('U').i32(16384).b('K').tuple("1", null, null).b('N')
                .tuple("2", "x", PgOutput.UNCHANGED).parse();
        assertThat(keyChanged.old().values()).containsExactly("1", null, null);
        assertThat(keyChanged.row().value(2)).isSameAs(PgOutput.UNCHANGED);
        PgOutput.Update inPlace = (PgOutput.Update) new Bytes().b('U').i32(16384).b('N').tuple("2", "y", "z").parse();
        assertThat(inPlace.old()).isNull();

        PgOutput.Delete delete = (PgOutput.Delete) new Bytes().b('D').i32(16384).b('O').tuple("3", "full", "row").parse();
        assertThat(delete.old().values()).containsExactly("3", "full", "row");
        assertThat(new Bytes().b('T').i32(2).b(0).i32(16384).i32(16390).parse()).isEqualTo(new PgOutput.Truncate(List.of(16384, 16390)));
        assertThat(new Bytes().b('Y').i32(700).str("public").str("mood").parse()).isEqualTo(new PgOutput.Other('Y'));
    }

    @Test
    void aMalformedMessageIsRefusedNotMisread() {
        assertThatThrownBy(() -> new Bytes().b('I').i32(1).b('X').tuple("1").parse()).hasMessageContaining("'N'");
        assertThatThrownBy(() -> new Bytes().b('D').i32(1).b('N').tuple("1").parse()).hasMessageContaining("'K' or 'O'");
        assertThatThrownBy(() -> new Bytes().b('I').i32(1).b('N').s16(1).b('b').i32(0).parse()).hasMessageContaining("kind 'b'");
    }

    /** Each key's state as "key before after" lines, sorted. */
    private static List<String> states(LoggedKeys keys) {
        List<String> out = new ArrayList<>();
        keys.forEach((line, before, after) -> out.add(line + " " + before + " " + after));
        out.sort(null);
        return out;
    }

    @Test
    void aKeysFirstChangeSaysWhetherItWasThereItsLastWhetherItIs() throws IOException {
        LoggedKeys keys = new LoggedKeys();
        LoggedKeys.Reader r = keys.reader((PgOutput.Relation) relation(1, 'd', "id", "v").parse(), List.of("id"));
        r.inserted(new PgOutput.Tuple(List.of("1", "a")));                                   // new, then gone: no trace
        r.deleted(new PgOutput.Tuple(java.util.Arrays.asList("1", null)));
        r.updated(null, new PgOutput.Tuple(List.of("2", "b")));                              // was there, still is
        r.deleted(new PgOutput.Tuple(java.util.Arrays.asList("3", null)));                   // was there, gone, back
        r.inserted(new PgOutput.Tuple(List.of("3", "c")));
        r.updated(new PgOutput.Tuple(java.util.Arrays.asList("4", null)), new PgOutput.Tuple(List.of("5", "d"))); // the key changed
        r.inserted(new PgOutput.Tuple(List.of("6\tx", "tab in a key")));                     // written as COPY writes it
        assertThat(keys.known()).isTrue();
        assertThat(states(keys)).containsExactly("1 false false", "2 true true", "3 true true", "4 true false", "5 false true",
                "6\\tx false true");
        assertThat(keys.written()).isEqualTo(4);
    }

    @Test
    void aTableWhoseLogCannotNameEveryKeyIsNotKnown() throws IOException {
        LoggedKeys truncated = new LoggedKeys();
        truncated.reader((PgOutput.Relation) relation(1, 'd', "id").parse(), List.of("id")).truncated();
        assertThat(truncated.known()).isFalse();

        LoggedKeys nothing = new LoggedKeys();
        assertThat(nothing.reader((PgOutput.Relation) relation(1, 'n', "id").parse(), List.of("id"))).isSameAs(LoggedKeys.Reader.IGNORED);
        assertThat(nothing.known()).isFalse();

        LoggedKeys otherIndex = new LoggedKeys(); // an index identity whose column is not the primary key's
        otherIndex.reader((PgOutput.Relation) relation(1, 'i', "email", "id").parse(), List.of("id"));
        assertThat(otherIndex.known()).isFalse();

        LoggedKeys unchangedKey = new LoggedKeys(); // a key stored out of line and not sent
        unchangedKey.reader((PgOutput.Relation) relation(1, 'f', "id", "v").parse(), List.of("id"))
                .inserted(new PgOutput.Tuple(List.of(PgOutput.UNCHANGED, "v")));
        assertThat(unchangedKey.known()).isFalse();
    }
}
