package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.PointInTime;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.SchemaSet;
import cutover.connector.Settings;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.connector.Location;
import cutover.error.CutoverException;
import cutover.model.Record;
import cutover.verify.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A location naming several schemas is a set of them: each schema a connector of its own on one
 * pool, all read at the moment the set is held, whichever is read last; nothing else can use it.
 */
class SchemaSetIT {
    TestDatabase db;

    @BeforeEach
    void start() {
        db = new TestDatabase();
        db.sql("CREATE SCHEMA auth", "CREATE TABLE auth.users (id int PRIMARY KEY, email text)",
                "CREATE TABLE public.profiles (id int PRIMARY KEY REFERENCES auth.users, name text)",
                "INSERT INTO auth.users VALUES (1, 'a@x')", "INSERT INTO public.profiles VALUES (1, 'A')",
                "CREATE SCHEMA storage", "CREATE TABLE storage.objects (id int PRIMARY KEY)");
    }

    @AfterEach
    void stop() {
        db.close();
    }

    private Connector openSet(String schemas) {
        return Connectors.discover().open(Location.parse(db.location() + "?schema=" + schemas), new Settings(Map.of("pool-size", "2")));
    }

    @Test
    void everySchemaIsReadAtTheMomentTheSetWasHeld() throws Exception {
        try (Connector connector = openSet("auth,public")) {
            SchemaSet set = Connectors.require(connector, SchemaSet.class);
            assertThat(set.schemas()).containsExactly("auth", "public");
            try (PointInTime moment = set.holdAtThisMoment()) {
                Map<String, List<String>> first = readHeld(set.ofSchema("auth"), moment);
                // the application signs a user up between the two schemas' backups
                db.sql("INSERT INTO auth.users VALUES (2, 'b@x')", "INSERT INTO public.profiles VALUES (2, 'B')");
                // and no schema's table of the set can be truncated (read as empty by the moment) before it is read
                try (java.sql.Connection app = db.jdbc(); java.sql.Statement s = app.createStatement()) {
                    s.execute("SET lock_timeout = '300ms'");
                    assertThatThrownBy(() -> s.execute("TRUNCATE public.profiles")).hasMessageContaining("lock timeout");
                }
                Map<String, List<String>> second = readHeld(set.ofSchema("public"), moment);
                assertThat(first).containsEntry("users", List.of("1"));
                assertThat(second).containsEntry("profiles", List.of("1")); // as it was when the set was held, not now
            }
            // let go, the present is read again, and the set's hold is not left behind
            try (Connector publicNow = set.ofSchema("public")) {
                Source source = TestDatabase.source(publicNow);
                try (PointInTime again = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(keys(source)).containsEntry("profiles", List.of("1", "2"));
                }
            }
        }
    }

    @Test
    void eachSchemaIsNamedAloneAndWarnsOnlyOfTheSchemasNoneOfTheSetReads() {
        try (Connector connector = openSet("auth,public"); Connector auth = Connectors.require(connector, SchemaSet.class).ofSchema("auth")) {
            assertThat(auth.location().raw()).isEqualTo(db.location() + "?schema=auth");
            assertThat(TestDatabase.source(auth).entities()).extracting(e -> e.name().value()).containsExactly("users");
            assertThat(Connectors.require(auth, Digests.class)).isNotNull();
            assertThat(TestDatabase.source(auth).leftOut()).containsExactly("only schemas \"auth\", \"public\" are read: the tables of \"storage\" (1 table)"
                    + " are not in these snapshots (a backup of ?schema=auth,public,storage reads them too, at the same moment, each schema a snapshot)");
        }
    }

    @Test
    void nothingButABackupTakesSeveralSchemas() {
        try (Connector connector = openSet("auth,public")) {
            for (Class<? extends cutover.connector.Capability> one : List.of(Source.class, Sink.class, Digests.class)) {
                assertThatThrownBy(() -> Connectors.require(connector, one)).isInstanceOf(CutoverException.class)
                        .hasMessageContaining("it names 2 schemas (?schema=auth,public), which only a backup reads, each schema a snapshot of its own; name one");
            }
        }
        assertThatThrownBy(() -> Connectors.discover().open(Location.parse(db.location() + "?schema=auth,public"),
                new Settings(Map.of("follow-changes", "cutover_backup")))).isInstanceOf(CutoverException.class).hasMessageContaining("--follow-changes");
    }

    /** A schema dropped since the connector opened (a scheduled backup's later run) stops the moment: a backup of it would store nothing. */
    @Test
    void aSchemaDroppedSinceStopsTheNextMoment() {
        try (Connector connector = openSet("auth,storage"); Connector single = Connectors.discover().open(
                Location.parse(db.location() + "?schema=storage"), new Settings(Map.of()))) {
            db.sql("DROP SCHEMA storage CASCADE");
            assertThatThrownBy(() -> Connectors.require(connector, SchemaSet.class).holdAtThisMoment())
                    .isInstanceOfSatisfying(CutoverException.class, e -> assertThat(e.code()).isEqualTo(cutover.error.ErrorCode.SOURCE_NOT_FOUND))
                    .hasMessageContaining("has no schema \"storage\"");
            assertThatThrownBy(() -> TestDatabase.source(single).holdAtThisMoment()).hasMessageContaining("has no schema \"storage\"");
        }
    }

    /** Every split's keys by table, read while {@code moment} holds (the schema's own hold joins it). */
    private static Map<String, List<String>> readHeld(Connector ofSchema, PointInTime moment) {
        try (ofSchema) {
            Source source = TestDatabase.source(ofSchema);
            try (PointInTime joined = source.holdAtThisMoment().orElseThrow()) {
                assertThat(joined.id()).isEqualTo(moment.id());
                return keys(source);
            }
        }
    }

    private static Map<String, List<String>> keys(Source source) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Split split : source.splits(2)) {
            try (RecordReader reader = source.read(split, Position.START)) {
                for (RecordReader.Item i = reader.next(); i != null; i = reader.next()) {
                    Record r = ((RecordReader.Ok) i).record();
                    out.computeIfAbsent(r.entity().value(), e -> new ArrayList<>()).add(r.fields().get("id").toString());
                }
            }
        }
        return out;
    }
}
