package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.connector.CopyTextSource;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Split;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A table's rows as COPY text, decoded by {@link PgCopyText}, are exactly the records the source
 * reads over JDBC, value for value, in the same order, split by split; and the kinds tallied from
 * the text without decoding are those of the records. The values are chosen where text forms are
 * tricky: escapes, infinities, BC dates, NaN, -0, far timestamps, every byte.
 */
class CopyTextIT {
    static TestDatabase db;
    static Connector connector;
    static CopyTextSource source;

    @BeforeAll
    static void start() {
        db = new TestDatabase();
        db.sql("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
                "CREATE TABLE everything (id bigint PRIMARY KEY, i2 smallint, i4 integer, o oid, f4 real, f8 double precision, "
                        + "n numeric, n2 numeric(12,2), b boolean, ts timestamp, tstz timestamptz, d date, by bytea, t text, "
                        + "vc varchar(40), ch char(5), u uuid, js json, jb jsonb, p point, m mood, iv interval, inet inet, pos positive)",
                "INSERT INTO everything VALUES "
                        + "(1, -32768, 2147483647, 4294967295, 0.1, -0.0, 'NaN', 1.50, true, '2000-01-01 00:00:00', '1999-12-31 23:59:59.999999+00', "
                        + "'2024-02-29', '\\x00010a0d095c7f80ff'::bytea, E'tab\\tnewline\\nback\\\\slash\\rcr', 'naïve ☃', 'ab', "
                        + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2.5, \"x\", null, true]}', '{\"big\": 123456789012345678901234567890, \"neg\": -3}', "
                        + "'(1.5,-2.25)', 'happy', '1 year 2 mons 3 days 04:05:06.789', '192.168.0.1/24', 7), "
                        + "(2, NULL, NULL, NULL, 'Infinity', '-Infinity', 'Infinity', NULL, false, 'infinity', '-infinity', 'infinity', '', '', '', "
                        + "NULL, NULL, '\"just a string\"', '[]', NULL, 'sad', '-1 day', '::1', NULL), "
                        + "(3, 0, -1, 0, 'NaN', 1e308, '-Infinity', -0.01, NULL, '0044-03-15 12:00:00 BC', '2262-04-11 23:47:16.854775+00', "
                        + "'0001-01-01 BC', NULL, NULL, NULL, NULL, NULL, '3.25', 'false', '(0,0)', NULL, NULL, NULL, 1), "
                        + "(4, 1, 1, 1, 1.17549435e-38, 4.9e-324, 0.000000000000000000001, 9999999999.99, true, '294276-12-31 23:59:59.999999', "
                        + "'1970-01-01 00:00:00+00', '5874897-12-31', '\\x5c4e'::bytea, E'\\\\N', E'\\\\', E'a\\u0001b', "
                        + "'00000000-0000-0000-0000-000000000000', 'null', '12', '(-0,1e-300)', 'ok', '00:00:00.000001', '10.0.0.0/8', 2147483647)",
                "INSERT INTO everything (id, t, n, tstz) SELECT g, 'row ' || g, g / 7.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1.000123 seconds' "
                        + "FROM generate_series(5, 500) g",
                "CREATE TABLE listed (id int PRIMARY KEY, t text[], i int4[], big int8[], n numeric[], b bool[], ts timestamptz[], "
                        + "d date[], by bytea[], jb jsonb[], m mood[], p point[], u uuid[], grid int4[])",
                "INSERT INTO listed VALUES "
                        + "(1, ARRAY['a b', '', NULL, 'NULL', 'null', 'quote\"', 'back\\slash', '{brace}', 'comma,', E'tab\there', ' lead', 'naïve ☃'], "
                        + "'{1,-2,NULL,2147483647}', '{-9223372036854775808}', '{NaN,1.50,-Infinity,NULL}', '{t,f,NULL}', "
                        + "'{\"2024-02-29 12:00:00+00\",infinity}', '{2024-02-29,\"0044-03-15 BC\"}', ARRAY['\\x00ff5c'::bytea, ''::bytea, NULL], "
                        + "ARRAY['{\"a\": [1, \"x,y\"]}'::jsonb, 'null', '\"s\"'], '{sad,happy}', ARRAY[point(1.5,-2), NULL], "
                        + "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{{1,2},{3,NULL}}'), "
                        + "(2, '{}', '[0:1]={7,8}', NULL, '{}', NULL, NULL, NULL, NULL, NULL, '{}', '{}', NULL, '{}'), "
                        + "(3, ARRAY[NULL]::text[], ARRAY[NULL]::int4[], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                "CREATE TABLE unkeyed (v text)", "INSERT INTO unkeyed VALUES ('b'), ('a'), ('a'), (NULL), ('c')", "DELETE FROM unkeyed WHERE v = 'b'",
                "UPDATE unkeyed SET v = 'moved' WHERE v = 'c'",
                "CREATE TABLE counted (id serial PRIMARY KEY, big bigint GENERATED ALWAYS AS IDENTITY, small smallserial)",
                "INSERT INTO counted DEFAULT VALUES",
                "ANALYZE");
        connector = db.open(Map.of("split-rows", "100"));
        source = (CopyTextSource) TestDatabase.source(connector);
    }

    @AfterAll
    static void stop() {
        connector.close();
        db.close();
    }

    @Test
    void copiedRowsDecodeToTheRecordsTheSourceReads() {
        EntityName everything = EntityName.of("everything");
        List<CopyColumn> columns = source.copyShape(everything).orElseThrow().columns();
        assertThat(columns).extracting(CopyColumn::type).startsWith("int8", "int2", "int4", "oid", "float4", "float8", "numeric", "numeric",
                "bool", "timestamp", "timestamptz", "date", "bytea", "text", "varchar", "bpchar", "uuid", "json", "jsonb", "point", "mood", "interval", "inet");
        CopyTextFormat format = CopyTextFormat.named(source.copyShape(everything).orElseThrow().format()).orElseThrow();
        List<Split> splits = source.splits(4).stream().filter(s -> s.entities().contains(everything)).toList();
        assertThat(splits).hasSizeGreaterThan(1);

        CopyTextFormat.KindTally tally = format.tally(columns);
        Map<String, EnumMap<Value.Kind, Long>> kinds = new LinkedHashMap<>();
        int rows = 0;
        for (Split split : splits) {
            List<Record> read = read(split);
            ByteArrayOutputStream copied = new ByteArrayOutputStream();
            assertThat(source.copyOut(split, copied)).isEqualTo(read.size());
            byte[] text = copied.toByteArray();
            CopyTextFormat.LineDecoder decoder = format.decoder(everything, columns, List.of("id"));
            List<Record> decoded = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < text.length; i++) {
                if (text[i] != '\n') continue;
                decoded.add(decoder.decode(text, start, i - start));
                tally.line(text, start, i - start);
                start = i + 1;
            }
            assertThat(start).as("the text ends with a whole line").isEqualTo(text.length);
            for (int i = 0; i < read.size(); i++) {
                assertThat(decoded.get(i)).as("row %s", read.get(i).key()).isEqualTo(read.get(i));
                read.get(i).fields().forEach((f, v) -> kinds.computeIfAbsent(f, x -> new EnumMap<>(Value.Kind.class)).merge(v.kind(), 1L, Long::sum));
            }
            assertThat(decoded).hasSize(read.size());
            rows += read.size();
        }
        assertThat(rows).isEqualTo(500);
        assertThat(tally.counts()).isEqualTo(kinds);
    }

    /**
     * A line's key decoded from its key fields alone equals its record's key, whatever the key's
     * columns (a partial restore skips the lines whose key does not match before decoding them).
     */
    @Test
    void aKeyDecodedAloneIsTheKeyOfTheLinesRecord() {
        EntityName everything = EntityName.of("everything");
        List<CopyColumn> columns = source.copyShape(everything).orElseThrow().columns();
        CopyTextFormat format = CopyTextFormat.named(source.copyShape(everything).orElseThrow().format()).orElseThrow();
        List<List<String>> keys = List.of(List.of("id"), List.of("t", "id"), List.of("tstz"), List.of("by", "u"), List.of("ch", "vc", "n"),
                List.of("ts", "d", "b", "f4"), List.of("jb", "iv", "inet", "p", "m"));
        int lines = 0;
        for (Split split : source.splits(4).stream().filter(s -> s.entities().contains(everything)).toList()) {
            ByteArrayOutputStream copied = new ByteArrayOutputStream();
            source.copyOut(split, copied);
            byte[] text = copied.toByteArray();
            for (List<String> keyColumns : keys) {
                CopyTextFormat.LineDecoder decoder = format.decoder(everything, columns, keyColumns);
                CopyTextFormat.KeyDecoder alone = format.keyDecoder(columns, keyColumns).orElseThrow();
                int start = 0;
                for (int i = 0; i < text.length; i++) {
                    if (text[i] != '\n') continue;
                    assertThat(alone.key(text, start, i - start)).as("key %s of line %s", keyColumns, new String(text, start, i - start, java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo(decoder.decode(text, start, i - start).key());
                    lines++;
                    start = i + 1;
                }
            }
        }
        assertThat(lines).isEqualTo(500 * keys.size());
        assertThat(format.keyDecoder(columns, List.of("nope"))).isEmpty();
    }

    @Test
    void arraysDecodeToTheRecordsTheSourceReads() {
        EntityName listed = EntityName.of("listed");
        List<CopyColumn> columns = source.copyShape(listed).orElseThrow().columns();
        assertThat(columns).extracting(CopyColumn::type).contains("_text", "_int4", "_jsonb", "_mood", "_point");
        CopyTextFormat format = CopyTextFormat.named(source.copyShape(listed).orElseThrow().format()).orElseThrow();
        Split split = source.splits(1).stream().filter(s -> s.entities().contains(listed)).findFirst().orElseThrow();
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        source.copyOut(split, copied);
        String[] lines = copied.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        CopyTextFormat.LineDecoder decoder = format.decoder(listed, columns, List.of("id"));
        CopyTextFormat.KindTally tally = format.tally(columns);
        List<Record> read = read(split);
        assertThat(lines).hasSize(3);
        for (int i = 0; i < lines.length; i++) {
            byte[] line = lines[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            tally.line(line, 0, line.length);
            Record decoded = decoder.decode(line, 0, line.length);
            assertThat(decoded).as("row %s", read.get(i).key()).isEqualTo(read.get(i));
        }
        Record first = decoder.decode(lines[0].getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, lines[0].getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(first.get("t")).isEqualTo(new Value.Array(List.of(Value.of("a b"), Value.of(""), Value.NULL, Value.of("NULL"), Value.of("null"),
                Value.of("quote\""), Value.of("back\\slash"), Value.of("{brace}"), Value.of("comma,"), Value.of("tab\there"), Value.of(" lead"), Value.of("naïve ☃"))));
        assertThat(first.get("grid")).isEqualTo(new Value.Array(List.of(new Value.Array(List.of(Value.of(1L), Value.of(2L))),
                new Value.Array(List.of(Value.of(3L), Value.NULL)))));
        assertThat(tally.counts().get("t")).containsEntry(Value.Kind.ARRAY, 3L);
        assertThat(tally.counts().get("big")).containsEntry(Value.Kind.ARRAY, 1L).containsEntry(Value.Kind.NULL, 2L);
    }

    /** The driver names an integer column drawing from a sequence "serial"; its values are integers all the same. */
    @Test
    void serialAndIdentityColumnsAreIntegers() {
        EntityName counted = EntityName.of("counted");
        assertThat(source.copyShape(counted).orElseThrow().columns()).extracting(CopyColumn::type).containsExactly("int4", "int8", "int2");
        Split split = source.splits(1).stream().filter(s -> s.entities().contains(counted)).findFirst().orElseThrow();
        assertThat(read(split)).singleElement().satisfies(r -> {
            assertThat(r.key().parts()).containsExactly(Value.of(1L));
            assertThat(r.fields()).containsEntry("big", Value.of(1L)).containsEntry("small", Value.of(1L));
        });
    }

    /**
     * A table without a key is given as text too, in ctid order, equal rows each a line; decoded, a
     * line is keyed by its number, its fields those the record path reads (which keys them by ctid).
     */
    @Test
    void tablesWithoutAKeyAreCopiedInCtidOrderAndTheirLinesNumbered() {
        EntityName unkeyed = EntityName.of("unkeyed");
        CopyShape shape = source.copyShape(unkeyed).orElseThrow();
        assertThat(shape.columns()).containsExactly(new CopyColumn("v", "text"));
        assertThat(source.copyShape(EntityName.of("absent"))).isEmpty();
        Split split = source.splits(1).stream().filter(s -> s.entities().contains(unkeyed)).findFirst().orElseThrow();
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        assertThat(source.copyOut(split, copied)).isEqualTo(4);
        String[] lines = copied.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertThat(lines).containsExactly("a", "a", "\\N", "moved");
        CopyTextFormat.LineDecoder decoder = CopyTextFormat.named(shape.format()).orElseThrow().decoder(unkeyed, shape.columns(), List.of());
        List<Record> read = read(split);
        for (int i = 0; i < lines.length; i++) {
            byte[] line = lines[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Record decoded = decoder.decode(line, 0, line.length);
            assertThat(decoded.key().parts()).containsExactly(Value.of(i + 1L));
            assertThat(decoded.fields()).isEqualTo(read.get(i).fields());
        }
    }

    @Test
    void aLineOfTheWrongShapeIsRefusedWithWhatIsWrong() {
        CopyTextFormat.LineDecoder decoder = new PgCopyText().decoder(EntityName.of("t"),
                List.of(new CopyColumn("id", "int8"), new CopyColumn("b", "bool")), List.of("id"));
        byte[] twoFields = "1\tt".getBytes();
        assertThat(decoder.decode(twoFields, 0, twoFields.length).fields()).containsEntry("b", Value.of(true));
        byte[] one = "1".getBytes(), three = "1\tt\tx".getBytes(), notBool = "1\tyes".getBytes(), lone = "1\tt\\".getBytes();
        assertThatThrownBy(() -> decoder.decode(one, 0, one.length)).hasMessageContaining("1 fields, expected 2");
        assertThatThrownBy(() -> decoder.decode(three, 0, three.length)).hasMessageContaining("more than 2 fields");
        assertThatThrownBy(() -> decoder.decode(notBool, 0, notBool.length)).hasMessageContaining("not a boolean: yes");
        assertThatThrownBy(() -> decoder.decode(lone, 0, lone.length)).hasMessageContaining("lone backslash");
    }

    private static List<Record> read(Split split) {
        List<Record> out = new ArrayList<>();
        try (RecordReader r = source.read(split, Position.START)) {
            for (RecordReader.Item i = r.next(); i != null; i = r.next()) out.add(((RecordReader.Ok) i).record());
        }
        return out;
    }
}
