package cutover.postgres;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PgHash} gives what the server's own functions give, for many values of every length and sign. */
class PgHashIT {
    @Test
    void int8HashesAreTheServers() throws Exception {
        Random random = new Random(7);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE,
                1L << 32, -(1L << 32), 4_294_967_296L + 5));
        for (int i = 0; i < 3000; i++) values.add(i % 3 == 0 ? random.nextInt() : i % 3 == 1 ? random.nextLong() : random.nextLong() >> random.nextInt(64));
        long[] seeds = {0, 1, -7, 0x1234_5678_9abc_def0L};
        try (TestDatabase db = new TestDatabase(); Connection c = db.jdbc()) {
            for (long seed : seeds) {
                List<Long> server = query(c, "SELECT hashint8extended(v, ?) FROM unnest(?::int8[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
                        seed, c.createArrayOf("int8", values.toArray()));
                for (int i = 0; i < values.size(); i++) {
                    assertThat(PgHash.int8Extended(values.get(i), seed)).as("hashint8extended(%d, %d)", values.get(i), seed).isEqualTo(server.get(i));
                }
            }
        }
    }

    @Test
    void textHashesAreTheServers() throws Exception {
        Random random = new Random(11);
        List<String> values = new ArrayList<>(List.of("", "a", "ab", "abc", "abcd", "é", "key\t12", "🙂 émoji", "x".repeat(12), "y".repeat(13), "z".repeat(24)));
        String alphabet = "abcXYZ019 \t\\é€🙂日本";
        for (int i = 0; i < 3000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) s.appendCodePoint(alphabet.codePoints().toArray()[random.nextInt((int) alphabet.codePoints().count())]);
            values.add(s.toString());
        }
        try (TestDatabase db = new TestDatabase(); Connection c = db.jdbc()) {
            for (long seed : new long[] {0, 3, -1}) {
                List<Long> server = query(c, "SELECT hashtextextended(v COLLATE \"C\", ?) FROM unnest(?::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
                        seed, c.createArrayOf("text", values.toArray()));
                for (int i = 0; i < values.size(); i++) {
                    byte[] utf8 = values.get(i).getBytes(StandardCharsets.UTF_8);
                    assertThat(PgHash.bytesExtended(utf8, 0, utf8.length, seed)).as("hashtextextended('%s', %d)", values.get(i), seed)
                            .isEqualTo(server.get(i));
                }
            }
        }
    }

    private static List<Long> query(Connection c, String sql, long seed, Array values) throws Exception {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seed);
            ps.setArray(2, values);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
