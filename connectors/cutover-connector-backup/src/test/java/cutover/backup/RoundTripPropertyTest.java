package cutover.backup;

import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Values;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever records go in, the same records come out, entity by entity, in order. */
class RoundTripPropertyTest {

    @Property(tries = 25)
    void everyRecordComesBackExactly(@ForAll("records") List<Record> records) throws IOException {
        Path dir = Files.createTempDirectory("cutover-backup-roundtrip");
        try {
            Repository repo = TestRepos.init(dir);
            Snapshot s = TestRepos.backup(repo, records);
            Map<EntityName, List<Record>> expected = records.stream()
                    .collect(Collectors.groupingBy(Record::entity, java.util.LinkedHashMap::new, Collectors.toList()));
            Map<EntityName, List<Record>> back = TestRepos.readAll(TestRepos.open(dir), s);
            assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((entity, list) -> assertThat(back.get(entity)).containsExactlyElementsOf(list));
            assertThat(s.records()).isEqualTo(records.size());
        } finally {
            deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<List<Record>> records() {
        Arbitrary<EntityName> entities = Arbitraries.of(EntityName.of("users"), EntityName.of("users/*/posts"), EntityName.of("public.orders"));
        Arbitrary<Key> keys = Values.any(0).list().ofMinSize(1).ofMaxSize(2).map(Key::new);
        Arbitrary<Record> record = Combinators.combine(entities, keys, Values.fields()).as(Record::new);
        return record.list().ofMaxSize(120);
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
