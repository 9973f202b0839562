package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshots restored into a node-firestore-import-export file ({@code firestore-export:x.json}) that cannot be written whole as they are. */
class FirestoreExportRestoreIT {
    private static final String SRC = "cutover_it_fixfs_infinity";

    @TempDir static Path dir;

    @BeforeAll
    static void database() throws Exception {
        LocalPostgres.recreate(SRC);
        LocalPostgres.sql(SRC, "create table events (id int primary key, at timestamptz, day date)",
                "insert into events values (1, '2026-01-02 03:04:05+00', '2026-01-02'), (2, 'infinity', '2026-01-02'),"
                        + " (3, '2026-01-02 03:04:05+00', '-infinity'), (4, '0001-01-01 00:00:00+00', '9999-12-31')");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        LocalPostgres.drop(SRC);
    }

    /**
     * PostgreSQL's infinity and -infinity are times no Firestore timestamp or date holds (years 1 to
     * 9999): their records go to the dead-letter file, naming the field and the value, as a restore
     * into SQLite sets them aside; the rest are written, and the restore exits 1.
     */
    @Test
    void aTimeOutsideFirestoresYearsSetsItsRecordAsideAndTheRestAreWritten() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "infinity").args();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC)}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        Path export = dir.resolve("events.json");

        // the dry run foresees them: it writes as the restore would, into a copy it drops
        CliRun dry = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + export, "--json", "--dry-run",
                "--state", dir.resolve("state-infinity-dry").toString()}, repoArgs);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode forecast = Json.MAPPER.readTree(dry.out());
        assertThat(List.of(forecast.get("documents").asLong(), forecast.get("deadLettered").asLong())).containsExactly(2L, 2L);
        assertThat(forecast.get("warnings").toString()).contains("2 documents would be set aside").contains("RECORD_VALUE_OUT_OF_RANGE");
        assertThat(export).doesNotExist();
        assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".events.json"));

        CliRun restore = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + export, "--json",
                "--state", dir.resolve("state-infinity").toString()}, repoArgs);

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        JsonNode result = Json.MAPPER.readTree(restore.out());
        assertThat(result.get("written").asLong()).isEqualTo(2);
        assertThat(result.get("deadLettered").asLong()).isEqualTo(2);
        List<JsonNode> dead = Files.readAllLines(Path.of(result.get("deadLetterFile").asText())).stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(dead).extracting(n -> n.get("key").asText() + " " + n.get("field").asText() + " " + n.get("code").asText())
                .containsExactlyInAnyOrder("2 at RECORD_VALUE_OUT_OF_RANGE", "3 day RECORD_VALUE_OUT_OF_RANGE");
        assertThat(dead).anySatisfy(n -> assertThat(n.get("reason").asText()).contains("timestamp +1000000000-", "outside the years"));
        assertThat(dead).anySatisfy(n -> assertThat(n.get("reason").asText()).contains("date -999999999-01-01", "0001-01-01 to 9999-12-31"));
        assertThat(dead).allSatisfy(n -> assertThat(n.has("record")).as("the record as read, for the dead-letter file").isTrue());

        String written = Files.readString(export);
        assertThat(written).doesNotContain("31556889832845599").doesNotContain("-999999999").contains("\"1\"", "\"4\"")
                .doesNotContain("\"2\":").doesNotContain("\"3\":");
    }

    /**
     * A table keyed by two columns has no place in an export (a document is keyed by one id in its
     * collection): the restore stops, the file as it was, and its dry run says the same (it said it
     * would write the documents).
     */
    @Test
    void aKeyOfTwoPartsStopsTheDryRunAsTheRestore() throws Exception {
        Path db = dir.resolve("tags.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tags (book TEXT, tag TEXT, PRIMARY KEY (book, tag)) WITHOUT ROWID");
            s.execute("INSERT INTO tags VALUES ('978-1', 'fiction'), ('978-2', 'poems')");
        }
        String[] repoArgs = TestRepository.init(dir, "two-parts").args();
        assertThat(CliRun.of(new String[] {"backup", "sqlite:" + db}, repoArgs).exitCode()).isZero();
        Path export = dir.resolve("tags.json");
        for (String mode : List.of("--dry-run", "--quiet")) {
            CliRun restore = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + export, mode,
                    "--state", dir.resolve("state-two-parts" + mode).toString()}, repoArgs);
            assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(5);
            assertThat(restore.err()).contains("SINK_SCHEMA_MISMATCH").contains("has 2 parts but tags needs 1");
            assertThat(export).doesNotExist();
        }
    }

    /**
     * A key pattern that matches no record says so, as a restore into PostgreSQL does, and writes no
     * file: none is made, and one that is there (holding no documents: a part is not restored over
     * one that holds some) is left as it was; its dry run says the same.
     */
    @Test
    void aKeyPatternMatchingNothingSaysSoAndWritesNoFile() throws Exception {
        String[] repoArgs = backedUpDemo("nomatch");

        Path none = dir.resolve("nm.json");
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + none, "--where-key", "nomatch",
                "--state", dir.resolve("state-nomatch").toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("restored nothing of snapshot", "warning: no key of snapshot", "matches --where-key 'nomatch'",
                "so nothing is restored", "nm.json is not written");
        assertThat(none).doesNotExist();

        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        CliRun json = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + empty, "--where-key", "nomatch", "--json",
                "--state", dir.resolve("state-nomatch-json").toString()}, repoArgs);
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(json.out());
        assertThat(result.get("written").asLong()).isZero();
        assertThat(result.get("targetWritten").asBoolean()).isFalse();
        assertThat(result.get("warnings").toString()).contains("matches --where-key 'nomatch'");
        assertThat(empty).isEmptyFile();

        CliRun dry = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + none, "--where-key", "nomatch", "--dry-run",
                "--state", dir.resolve("state-nomatch-dry").toString()}, repoArgs);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("would write nothing", "matches --where-key 'nomatch'", "would not be written");

        CliRun some = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + none, "--where-key", "u0000001",
                "--state", dir.resolve("state-match").toString()}, repoArgs);
        assertThat(some.exitCode()).as(some.toString()).isZero();
        assertThat(some.out()).doesNotContain("matches --where-key");
        assertThat(Files.readString(none)).contains("\"u0000001\"");
    }

    /**
     * {@code restore --files-to DIR --json} prints its result as every command's --json does: the
     * files restored and their bytes (with --dry-run, those it would write), on their own or, with a
     * TARGET too, beside the records' counts.
     */
    @Test
    void filesRestoredAreInTheJsonResult() throws Exception {
        Path source = dir.resolve("with-files.json");
        assertThat(CliRun.of("demo", "--generate-only", source.toString(), "--users", "3").exitCode()).isZero();
        Path folder = Files.createDirectories(dir.resolve("uploads"));
        Files.writeString(folder.resolve("a.txt"), "hello");
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("sub/b.txt"), "0123456789");
        String[] repoArgs = TestRepository.init(dir, "files").args();
        CliRun backup = CliRun.of(new String[] {"backup", "firestore-export:" + source, "--files", folder.toString()}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        Path to = dir.resolve("files-out");
        CliRun files = CliRun.of(new String[] {"restore", "latest", "--files-to", to.toString(), "--json",
                "--state", dir.resolve("state-files").toString()}, repoArgs);
        assertThat(files.exitCode()).as(files.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(files.out());
        assertThat(result.get("snapshot").asText()).isNotEmpty();
        assertThat(result.has("dryRun")).isFalse();
        assertThat(result.get("files").get("to").asText()).isEqualTo(to.toString());
        assertThat(result.get("files").get("count").asLong()).isEqualTo(2);
        assertThat(result.get("files").get("bytes").asLong()).isEqualTo(15);
        try (var restored = Files.walk(to)) {
            assertThat(restored.filter(Files::isRegularFile).count()).isEqualTo(2);
        }

        Path notWritten = dir.resolve("files-dry");
        CliRun dry = CliRun.of(new String[] {"restore", "latest", "--files-to", notWritten.toString(), "--dry-run", "--json",
                "--state", dir.resolve("state-files-dry").toString()}, repoArgs);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode forecast = Json.MAPPER.readTree(dry.out());
        assertThat(forecast.get("dryRun").asBoolean()).isTrue();
        assertThat(forecast.get("files").get("count").asLong()).isEqualTo(2);
        assertThat(forecast.get("files").get("bytes").asLong()).isEqualTo(15);
        assertThat(notWritten).doesNotExist();

        Path export = dir.resolve("with-files-restored.json");
        CliRun both = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + export, "--files-to", dir.resolve("files-both").toString(),
                "--json", "--state", dir.resolve("state-files-both").toString()}, repoArgs);
        assertThat(both.exitCode()).as(both.toString()).isZero();
        JsonNode all = Json.MAPPER.readTree(both.out());
        assertThat(all.get("written").asLong()).isPositive();
        assertThat(all.get("files").get("count").asLong()).isEqualTo(2);
        assertThat(all.get("files").get("bytes").asLong()).isEqualTo(15);

        CliRun bothDry = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + dir.resolve("never.json"), "--files-to",
                dir.resolve("files-both-dry").toString(), "--dry-run", "--json", "--state", dir.resolve("state-files-both-dry").toString()}, repoArgs);
        assertThat(bothDry.exitCode()).as(bothDry.toString()).isZero();
        JsonNode allDry = Json.MAPPER.readTree(bothDry.out());
        assertThat(allDry.get("documents").asLong()).isPositive();
        assertThat(allDry.get("files").get("count").asLong()).isEqualTo(2);
    }

    /**
     * The parents a subcollection needs that are not restored are written empty, and the warning says
     * why as far as the run can tell: the filter given that left them out, or a snapshot without them
     * (it said "the snapshot did not hold" them, untrue when --only or --where-key had left them out).
     */
    @Test
    void theEmptyParentsWarningNamesTheFilterThatLeftThemOut() throws Exception {
        String[] repoArgs = backedUpDemo("parents");

        CliRun only = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + dir.resolve("comments-only.json"), "--only", "posts/*/comments",
                "--state", dir.resolve("state-parents-only").toString()}, repoArgs);
        assertThat(only.exitCode()).as(only.toString()).isZero();
        assertThat(only.out()).contains("parent documents were not restored (left out by --only posts/*/comments, or not in the snapshot)",
                "written with no fields").doesNotContain("did not hold");

        CliRun byKey = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + dir.resolve("one-post-comments.json"), "--where-key", "p0000000/*",
                "--json", "--state", dir.resolve("state-parents-key").toString()}, repoArgs);
        assertThat(byKey.exitCode()).as(byKey.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(byKey.out());
        assertThat(result.get("emptyParentsWritten").asLong()).as(byKey.out()).isEqualTo(1);
        assertThat(result.get("warnings").toString()).contains("1 parent documents were not restored (left out by --where-key 'p0000000/*', or not in the snapshot)");

        CliRun whole = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + dir.resolve("parents-whole.json"),
                "--state", dir.resolve("state-parents-whole").toString()}, repoArgs);
        assertThat(whole.exitCode()).as(whole.toString()).isIn(0, 1);
        assertThat(whole.out()).doesNotContain("left out by");
    }

    /** A repository ({@code name}) holding one backup of a generated export of five users; its --repo and --password-file. */
    private String[] backedUpDemo(String name) throws java.io.IOException {
        Path source = dir.resolve(name + ".json");
        assertThat(CliRun.of("demo", "--generate-only", source.toString(), "--users", "5").exitCode()).isZero();
        String[] repoArgs = TestRepository.init(dir, name).args();
        CliRun backup = CliRun.of(new String[] {"backup", "firestore-export:" + source}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return repoArgs;
    }
}
