package cutover.backup;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small, fast repositories for tests: cheap scrypt, 1 KiB average chunks, 64 KiB packs, chunk lists from 16 chunks (every test of more meets them). */
final class TestRepos {
    static final String PASSPHRASE = "correct horse battery staple";
    static final RepositoryOptions FAST = RepositoryOptions.DEFAULTS
            .withScrypt(1 << 10, 8, 1)
            .withChunker(new ChunkerParams(256, 1024, 4096))
            .withPackSize(64 * 1024)
            .withListedChunks(16);

    private TestRepos() {}

    static Repository init(Path dir) {
        return Repository.init(dir, PASSPHRASE, FAST);
    }

    static Repository open(Path dir) {
        return Repository.open(dir, PASSPHRASE, FAST);
    }

    /** {@code n} user rows with a few fields each, deterministic for a seed. */
    static List<Record> users(int n, long seed) {
        Random random = new Random(seed);
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Value> fields = new LinkedHashMap<>();
            fields.put("id", Value.of((long) i));
            fields.put("email", Value.of("user" + i + "@example.com"));
            fields.put("score", Value.of(random.nextDouble()));
            fields.put("bio", Value.of("lorem ipsum " + Long.toHexString(random.nextLong()) + " dolor " + random.nextInt(1000)));
            out.add(new Record(EntityName.of("public.users"), Key.of(Value.of((long) i)), fields));
        }
        return out;
    }

    static Snapshot backup(Repository repo, List<Record> records, String... tags) {
        try (SnapshotWriter w = repo.backup().source("memory:test").tags(List.of(tags)).open()) {
            records.forEach(w::write);
            return w.commit();
        }
    }

    /** Every record of every entity of the snapshot, read back through its source (part by part), in order. */
    static Map<EntityName, List<Record>> readAll(Repository repo, Snapshot snapshot) {
        Source source = repo.source(snapshot);
        Map<EntityName, List<Record>> out = new LinkedHashMap<>();
        for (Split split : source.splits(4)) {
            // an entity's parts come in order, so appending them gives its records in backup order
            List<Record> records = out.computeIfAbsent(split.entities().iterator().next(), e -> new ArrayList<>());
            try (RecordReader r = source.read(split, Position.START)) {
                for (RecordReader.Item i = r.next(); i != null; i = r.next()) records.add(((RecordReader.Ok) i).record());
            }
        }
        return out;
    }
}
