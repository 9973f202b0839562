package cutover.verify;

import cutover.migrate.RowMapper;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import cutover.connector.RecordReader;
import cutover.testing.MemorySource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class SourceFeedTest {
    static final EntityName USERS = EntityName.of("users");

    /** A plan mapper with a bug: it throws on one record. */
    static final RowMapper BUGGY = new RowMapper() {
        @Override
        public List<Table> tables() { return List.of(); }

        @Override
        public Mapped map(Record r) {
            if (r.key().equals(Key.of("u2"))) throw new IllegalStateException("index out of bounds in a transform");
            return new Rows(List.of(new Record(USERS, r.key(), Map.of("id", r.key().last()))));
        }
    };

    @Test
    void aRecordTheMapperThrowsOnCountsAsRefusedAndTheOthersAreRead() {
        List<RecordReader.Item> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) items.add(new RecordReader.Ok(new Record(USERS, Key.of("u" + i), Map.of("n", Value.of(i)))));
        Map<String, Record> rows = new ConcurrentHashMap<>();
        Map<String, String> refused = new ConcurrentHashMap<>();
        SourceFeed.mapped("memory", new MemorySource().split("a", items), BUGGY, null, 2).read(new RowFeed.Rows() {
            @Override
            public void row(String table, Record row) { rows.put(row.key().toString(), row); }

            @Override
            public void refused(String entity, String key, String reason) { refused.put(key, reason); }
        });
        assertThat(rows).containsOnlyKeys("u0", "u1", "u3", "u4");
        assertThat(refused).containsOnlyKeys("u2");
        assertThat(refused.get("u2")).contains("mapping failed unexpectedly").contains("index out of bounds in a transform");
    }
}
