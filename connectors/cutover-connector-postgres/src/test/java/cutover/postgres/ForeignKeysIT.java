package cutover.postgres;

import cutover.connector.SinkWriter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cutover.postgres.Fixtures.post;
import static cutover.postgres.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForeignKeysIT extends ScratchSink {
    @Test
    void orphansKeepTheirRowsAndGetANotValidKeyWithAWarning() {
        assertThat(sink.prepare("fk", Fixtures.all("orph"), true)).isEmpty();
        try (SinkWriter w = sink.writer("fk", "s", Fixtures.all("orph"))) {
            // children before parents, as parallel splits may deliver them; two posts point nowhere
            w.write(List.of(post("orph", "p1", "u1", "ok"), post("orph", "p2", "ghost", "orphan"), post("orph", "p3", "ghost2", "orphan"),
                    post("orph", "p4", null, "no author")), Fixtures.checkpoint(4, false));
            w.write(List.of(user("orph", "u1", "Ann", 30)), Fixtures.checkpoint(5, true));
        }
        List<String> warnings = sink.finish("fk", Fixtures.all("orph"));
        assertThat(warnings).singleElement().asString().contains("orph.posts").contains("2 row(s)").contains("author").contains("NOT VALID");
        assertThat(db.one("SELECT count(*) FROM orph.posts")).isEqualTo("4");
        assertThat(db.query("SELECT convalidated::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'orph.posts'::regclass AND contype = 'f'"))
                .containsExactly(List.of("false", "FOREIGN KEY (author) REFERENCES orph.users(id) NOT VALID"));
        assertThat(db.one("SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                + "WHERE i.indrelid = 'orph.posts'::regclass AND NOT i.indisprimary AND a.attname = 'author'")).isEqualTo("1");
        // new rows are checked
        assertThatThrownBy(() -> db.sql("INSERT INTO orph.posts VALUES ('p9', 'nobody', 'x')")).hasMessageContaining("foreign key");
        // finishing again (a resumed run) adds nothing twice
        assertThat(sink.finish("fk", Fixtures.all("orph"))).isEmpty();
        assertThat(db.one("SELECT count(*) FROM pg_constraint WHERE conrelid = 'orph.posts'::regclass AND contype = 'f'")).isEqualTo("1");
    }

    @Test
    void withoutOrphansTheKeyIsValidated() {
        assertThat(sink.prepare("fk2", Fixtures.all("clean"), true)).isEmpty();
        try (SinkWriter w = sink.writer("fk2", "s", Fixtures.all("clean"))) {
            w.write(List.of(user("clean", "u1", "Ann", 30), post("clean", "p1", "u1", "ok")), Fixtures.checkpoint(2, true));
        }
        assertThat(sink.finish("fk2", Fixtures.all("clean"))).isEmpty();
        assertThat(db.one("SELECT convalidated::text FROM pg_constraint WHERE conrelid = 'clean.posts'::regclass AND contype = 'f'")).isEqualTo("true");
    }
}
