package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteSourceTest {
    @TempDir Path dir;

    @Test
    void theProviderIsFoundByItsScheme() {
        assertThat(Connectors.discover().schemes()).contains("sqlite");
        try (Connector c = Connectors.discover().open("sqlite:" + dir.resolve("a.db"))) {
            assertThat(c.capability(Source.class)).isPresent();
            assertThat(c.capability(cutover.connector.Sink.class)).isPresent();
        }
        assertThatThrownBy(() -> Connectors.discover().open("sqlite:"))
                .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCATION_INVALID));
    }

    @Test
    void aMissingFileIsNotFoundAndIsNotCreated() {
        Path missing = dir.resolve("nowhere/app.db");
        try (Connector c = TestFiles.open(missing)) {
            assertThatThrownBy(() -> TestFiles.source(c).entities())
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND))
                    .hasMessageContaining(missing.toString());
        }
        assertThat(missing).doesNotExist();
    }

    @Test
    void aFileThatIsNotADatabaseIsSaidSo() throws Exception {
        Path notDb = dir.resolve("notes.db");
        Files.writeString(notDb, "these are not the bytes you are looking for, not at all, not even close to a header");
        try (Connector c = TestFiles.open(notDb)) {
            assertThatThrownBy(() -> TestFiles.source(c).entities())
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_FORMAT_UNKNOWN))
                    .hasMessageContaining("notes.db");
        }
    }

    @Test
    void foreignTablesDecodeByDeclaredTypeAndKeepWhatDoesNotParse() {
        Path file = dir.resolve("app.db");
        TestFiles.sql(file,
                "CREATE TABLE things (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(20), price DECIMAL(10,2), ratio DOUBLE,"
                        + " ok BOOLEAN, seen DATETIME, born DATE, doc JSON, pic BLOB, anything)",
                "INSERT INTO things (name, price, ratio, ok, seen, born, doc, pic, anything) VALUES"
                        + " ('a', '12.50', 0.5, 1, '2024-05-01 12:30:00', '1990-02-03', '{\"k\":[1,2.5]}', x'00ff', 7),"
                        + " ('b', 3, 2, 0, 'yesterday', 'someday', 'not json', NULL, 'text')",
                "CREATE TABLE log (line TEXT)", "INSERT INTO log VALUES ('first'), ('second')",
                "CREATE VIEW v AS SELECT * FROM things", "CREATE TABLE _cutover_checkpoints (x)");
        try (Connector c = TestFiles.open(file)) {
            Source source = TestFiles.source(c);
            assertThat(source.entities()).extracting(e -> e.name().value()).containsExactly("log", "things");
            List<Record> things = TestFiles.readAll(source, TestFiles.split(source, "things"), Position.START);
            Record a = things.get(0), b = things.get(1);
            assertThat(a.key()).isEqualTo(Key.of(Value.of(1L)));
            assertThat(a.get("name")).isEqualTo(Value.of("a"));
            // NUMERIC affinity made '12.50' the REAL 12.5; the declared type still makes it a decimal
            assertThat(a.get("price")).isEqualTo(Value.of(new BigDecimal("12.5")));
            assertThat(a.get("ratio")).isEqualTo(Value.of(0.5));
            assertThat(a.get("ok")).isEqualTo(Value.of(true));
            assertThat(a.get("seen")).isEqualTo(Value.of(Instant.parse("2024-05-01T12:30:00Z")));
            assertThat(a.get("born")).isEqualTo(Value.of(LocalDate.of(1990, 2, 3)));
            assertThat(a.get("doc")).isEqualTo(new Value.MapValue(java.util.Map.of("k", new Value.Array(List.of(Value.of(1L), Value.of(2.5))))));
            assertThat(a.get("pic")).isEqualTo(Value.of(new byte[] {0, (byte) 0xff}));
            assertThat(a.get("anything")).isEqualTo(Value.of(7L));
            // what does not parse as its declared type comes back as stored, never dropped
            assertThat(b.get("price")).isEqualTo(Value.of(new BigDecimal("3")));
            assertThat(b.get("ratio")).isEqualTo(Value.of(2.0));
            assertThat(b.get("ok")).isEqualTo(Value.of(false));
            assertThat(b.get("seen")).isEqualTo(Value.of("yesterday"));
            assertThat(b.get("born")).isEqualTo(Value.of("someday"));
            assertThat(b.get("doc")).isEqualTo(Value.of("not json"));
            assertThat(b.get("pic")).isEqualTo(Value.NULL);
            assertThat(b.get("anything")).isEqualTo(Value.of("text"));

            List<Record> log = TestFiles.readAll(source, TestFiles.split(source, "log"), Position.START);
            assertThat(log).extracting(Record::key).containsExactly(Key.of(Value.of(1L)), Key.of(Value.of(2L)));
            assertThat(source.entities().get(0).keyColumns()).containsExactly("rowid");
        }
    }

    @Test
    void readsInKeyOrderAndResumesAfterTheLastKeyEvenWithNullsInTheKey() {
        Path file = dir.resolve("keys.db");
        // a legacy rowid table: its primary key lets NULLs in, several of them
        TestFiles.sql(file, "CREATE TABLE k (a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b))",
                "INSERT INTO k VALUES ('x', 2, '1'), (NULL, NULL, '2'), ('x', NULL, '3'), (NULL, 1, '4'), ('w', 9, '5'),"
                        + " (NULL, NULL, '6'), ('x', 1, '7'), ('é', 0, '8'), ('z', 5, '9'), (NULL, 1, '10')");
        try (Connector c = TestFiles.open(file)) {
            Source source = TestFiles.source(c);
            Split split = TestFiles.split(source, "k");
            List<Record> all = TestFiles.readAll(source, split, Position.START);
            assertThat(all).hasSize(10);
            assertThat(all).extracting(r -> r.get("a")).containsExactly(Value.NULL, Value.NULL, Value.NULL, Value.NULL,
                    Value.of("w"), Value.of("x"), Value.of("x"), Value.of("x"), Value.of("z"), Value.of("é"));
            for (int k = 0; k <= all.size(); k++) {
                Position at;
                try (RecordReader r = source.read(split, Position.START)) {
                    for (int i = 0; i < k; i++) r.next();
                    at = r.position();
                }
                assertThat(at.ordinal()).isEqualTo(k);
                assertThat(TestFiles.readAll(source, split, at)).as("resuming after %d records", k).isEqualTo(all.subList(k, all.size()));
            }
        }
    }

    @Test
    void bigRowidTablesAreReadInRowidRangesThatCoverEveryRowOnce() {
        Path file = dir.resolve("big.db");
        TestFiles.sql(file, "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO big SELECT i * 7 - 300, 'v' || i FROM n",
                "CREATE TABLE nokey (v TEXT)", "INSERT INTO nokey SELECT v FROM big",
                "CREATE TABLE keyed (k TEXT PRIMARY KEY)", "INSERT INTO keyed SELECT v FROM big",
                "CREATE TABLE small (id INTEGER PRIMARY KEY)", "INSERT INTO small VALUES (1), (2)");
        try (Connector c = TestFiles.open(file, java.util.Map.of("split-rows", "100"))) {
            Source source = TestFiles.source(c);
            List<Split> splits = source.splits(4);
            assertThat(splits).extracting(Split::id).containsExactly(
                    "big#rowid:..1456", "big#rowid:1456..3205", "big#rowid:3205..4954", "big#rowid:4954..", // ids -293..6700 in 4 widths of 1749
                    "keyed", // a text key is not a rowid range
                    "nokey#rowid:..251", "nokey#rowid:251..501", "nokey#rowid:501..751", "nokey#rowid:751..",
                    "small");
            assertThat(source.splits(4)).as("stable ids").isEqualTo(splits);
            for (String table : List.of("big", "nokey")) {
                List<Record> pieced = new java.util.ArrayList<>();
                for (Split s : splits) {
                    if (!s.id().startsWith(table + "#")) continue;
                    List<Record> part = TestFiles.readAll(source, s, Position.START);
                    assertThat(part).as("split %s", s.id()).hasSizeBetween(200, 300);
                    // resuming inside a range stays inside it
                    Position at;
                    try (RecordReader r = source.read(s, Position.START)) {
                        for (int i = 0; i < 10; i++) r.next();
                        at = r.position();
                    }
                    assertThat(TestFiles.readAll(source, s, at)).isEqualTo(part.subList(10, part.size()));
                    pieced.addAll(part);
                }
                try (Connector whole = TestFiles.open(file)) {
                    Source one = TestFiles.source(whole);
                    assertThat(pieced).as(table).isEqualTo(TestFiles.readAll(one, TestFiles.split(one, table), Position.START));
                }
            }
        }
    }

    /**
     * A column named {@code rowid} hides the table's rowid under that name (an acceptance run: reading
     * such a table without a key stopped with a ClassCastException, its text taken for the rowid):
     * the rowid is reached as {@code oid}, which keys the records and bounds the ranges.
     */
    @Test
    void aColumnNamedRowidLeavesTheRowidReachedByAnotherName() {
        Path file = dir.resolve("shadow.db");
        TestFiles.sql(file, "CREATE TABLE weird (rowid TEXT, v INTEGER)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) INSERT INTO weird SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE 'r' || i END, i FROM n",
"SELECT 1");
        try (Connector c = TestFiles.open(file, java.util.Map.of("split-rows", "100"))) {
            Source source = TestFiles.source(c);
            assertThat(source.keyColumns(EntityName.of("weird"))).containsExactly("oid");
            List<Record> pieced = new java.util.ArrayList<>();
            for (Split s : source.splits(3)) if (s.id().startsWith("weird#")) pieced.addAll(TestFiles.readAll(source, s, Position.START));
            assertThat(pieced).hasSize(300);
            assertThat(pieced.get(41).key()).isEqualTo(Key.of(Value.of(42L)));
            assertThat(pieced.get(41).fields().get("rowid")).isEqualTo(Value.NULL);
            assertThat(pieced.get(40).fields().get("rowid")).isEqualTo(Value.of("r41"));
        }
        Path hidden = dir.resolve("hidden.db");
        TestFiles.sql(hidden, "CREATE TABLE hidden (rowid TEXT, oid TEXT, _rowid_ TEXT)", "INSERT INTO hidden VALUES ('a', 'b', 'c')");
        try (Connector c = TestFiles.open(hidden)) {
            assertThatThrownBy(() -> TestFiles.source(c).splits(1)).isInstanceOf(CutoverException.class)
                    .hasMessageContaining("table hidden has columns named rowid, _rowid_ and oid");
        }
    }

    @Test
    void aTokenThatDoesNotFitTheTableIsRefused() {
        Path file = dir.resolve("t.db");
        TestFiles.sql(file, "CREATE TABLE t (id INTEGER PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
        try (Connector c = TestFiles.open(file)) {
            Source source = TestFiles.source(c);
            Split split = TestFiles.split(source, "t");
            assertThatThrownBy(() -> source.read(split, new Position(1, "[1,2]")))
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_CHANGED));
            assertThat(TestFiles.readAll(source, split, new Position(1, "[1]"))).extracting(Record::key).containsExactly(Key.of(Value.of(2L)));
        }
    }
}
