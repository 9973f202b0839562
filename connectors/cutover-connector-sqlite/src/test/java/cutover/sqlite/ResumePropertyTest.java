package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.Record;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Resuming from any position yields exactly the records after it, whatever the keys hold. */
class ResumePropertyTest {

    /** A key part of any SQLite storage class, NULL included. */
    @Provide
    Arbitrary<List<Object[]>> rows() {
        Arbitrary<Object> part = Arbitraries.oneOf(List.of(
                Arbitraries.just(null),
                Arbitraries.longs().between(-5, 5).map(l -> (Object) l),
                Arbitraries.of(-1.5, 0.25, 2.0, 1e300).map(d -> (Object) d),
                Arbitraries.strings().withChars("aAé😀 ").ofMaxLength(3).map(s -> (Object) s),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2).map(b -> (Object) b)));
        return net.jqwik.api.Combinators.combine(part, part).as((a, b) -> new Object[] {a, b}).list().ofMaxSize(25);
    }

    @Property(tries = 60)
    void resumingAfterAnyRecordYieldsExactlyTheTail(@ForAll("rows") List<Object[]> rows, @ForAll @IntRange(min = 0, max = 25) int stopAt)
            throws Exception {
        Path dir = TestFiles.tempDir();
        Path file = dir.resolve("r.db");
        try {
            TestFiles.sql(file, "CREATE TABLE t (a, b, PRIMARY KEY (a, b))");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                 PreparedStatement p = c.prepareStatement("INSERT OR IGNORE INTO t VALUES (?, ?)")) {
                for (Object[] r : rows) {
                    p.setObject(1, r[0]);
                    p.setObject(2, r[1]);
                    p.executeUpdate();
                }
            }
            try (Connector connector = TestFiles.open(file)) {
                Source source = TestFiles.source(connector);
                Split split = TestFiles.split(source, "t");
                List<Record> all = TestFiles.readAll(source, split, Position.START);
                assertThat((long) all.size()).isEqualTo(TestFiles.count(file, "SELECT count(*) FROM t"));
                int k = Math.min(stopAt, all.size());
                Position at;
                try (RecordReader r = source.read(split, Position.START)) {
                    for (int i = 0; i < k; i++) r.next();
                    at = r.position();
                }
                assertThat(TestFiles.readAll(source, split, at)).isEqualTo(all.subList(k, all.size()));
            }
        } finally {
            TestFiles.delete(dir);
        }
    }
}
