package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Firestore backup restored into PostgreSQL in part: the plan maps a subcollection's documents to
 * a child table keyed by its parent's id and its own, the key a pattern is written for
 * ({@code p0000001*}: the post and its comments), so a dry run over the restored database compares
 * those rows alone and names the one changed since; the restore then brings back exactly that.
 */
class FirestorePartialRestoreIT {
    private static final String DST = "cutover_it_fs_partial", FRESH = "cutover_it_fs_partial_fresh";

    @TempDir static Path dir;

    @BeforeAll
    static void database() throws Exception {
        LocalPostgres.recreate(DST, FRESH);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        LocalPostgres.drop(DST, FRESH);
    }

    @Test
    void aPostAndItsCommentsAreForecastAndRestoredByTheirKeys() throws Exception {
        Path export = dir.resolve("export.json");
        assertThat(CliRun.of("demo", "--generate-only", export.toString(), "--users", "50").exitCode()).isZero();
        String[] repoArgs = TestRepository.init(dir, "partial").args();
        CliRun backup = CliRun.of(new String[] {"backup", "firestore-export:" + export}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun whole = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--state", dir.resolve("state-whole").toString()}, repoArgs);
        // the demo's export holds a user whose name has a NUL character, which PostgreSQL cannot store: set aside
        assertThat(whole.exitCode()).as(whole.toString()).isEqualTo(1);
        assertThat(whole.out()).contains("1 dead-lettered");
        List<String> restored = comments();
        assertThat(restored).filteredOn(c -> c.startsWith("p0000001|")).isNotEmpty();

        LocalPostgres.sql(DST, "update comments set text = 'edited since' where post_id = 'p0000001' and id = 'c00'",
                "update comments set text = 'edited too, outside the pattern' where post_id = 'p0000002' and id = 'c00'",
                "insert into posts select 'p0000001x', author_id, body, created_time, likes, rating, 'only in the target' from posts where id = 'p0000001'");
        CliRun dry = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--where-key", "p0000001", "--dry-run", "--json",
                "--state", dir.resolve("state-dry").toString()}, repoArgs);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode forecast = Json.MAPPER.readTree(dry.out());
        assertThat(forecast.get("onlyInTargetMatching").asBoolean()).as("the child table's key is the pattern's: %s", dry.out()).isTrue();
        assertThat(forecast.get("update").asLong()).isEqualTo(0); // the post itself is unchanged; its comments are under p0000001/…
        assertThat(forecast.get("tables").get("posts").get("unchanged").asLong()).isEqualTo(1);
        assertThat(forecast.get("tables").get("posts").get("onlyInTarget").asLong()).isZero(); // p0000001x does not match "p0000001"

        // comments without their posts and users: the plan is the whole snapshot's, so they go into the table the whole restore
        // made (a plan of the comments alone had the author reference as a path in a column "author", and was refused)
        CliRun onlyComments = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--only", "posts/*/comments", "--dry-run", "--json",
                "--state", dir.resolve("state-dry-comments").toString()}, repoArgs);
        assertThat(onlyComments.exitCode()).as(onlyComments.toString()).isZero();
        assertThat(Json.MAPPER.readTree(onlyComments.out()).get("tables").get("comments").get("update").asLong()).isEqualTo(2);
        // into a new database, the keys to the tables left out are not made, and the restore says so (it said nothing)
        CliRun fresh = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(FRESH), "--only", "posts/*/comments", "--json",
                "--state", dir.resolve("state-fresh-comments").toString()}, repoArgs);
        assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
        assertThat(Json.MAPPER.readTree(fresh.out()).get("warnings").toString())
                .contains("foreign keys to tables --only leaves out are not made: comments (to posts, users)");
        assertThat(LocalPostgres.query(FRESH, "select count(*) from pg_tables where tablename in ('posts', 'users')")).containsExactly("0");
        assertThat(LocalPostgres.query(FRESH, "select count(*) from comments where author_id like 'u%'")).isNotEqualTo(List.of("0"));

        CliRun withComments = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--where-key", "p0000001*", "--dry-run", "--json",
                "--state", dir.resolve("state-dry-2").toString()}, repoArgs);
        assertThat(withComments.exitCode()).as(withComments.toString()).isZero();
        JsonNode both = Json.MAPPER.readTree(withComments.out());
        assertThat(both.get("onlyInTargetMatching").asBoolean()).isTrue();
        assertThat(both.get("tables").get("comments").get("update").asLong()).isEqualTo(1);
        assertThat(both.get("tables").get("posts").get("onlyInTarget").asLong()).as("p0000001x matches p0000001*").isEqualTo(1);
        List<String> listed = Files.readAllLines(Path.of(both.get("changesFile").asText()));
        assertThat(listed).singleElement().satisfies(line -> assertThat(line).contains("\"changed\"").contains("p0000001").contains("c00"));

        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--where-key", "p0000001*",
                "--state", dir.resolve("state-part").toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        List<String> after = comments();
        assertThat(after.stream().filter(c -> c.startsWith("p0000001|")).toList())
                .containsExactlyElementsOf(restored.stream().filter(c -> c.startsWith("p0000001|")).toList());
        assertThat(after).contains("p0000002|c00|edited too, outside the pattern");
    }

    /** An export file is written whole: a part restored over one that holds documents would drop the rest, so it is refused; into a new file it is written. */
    @Test
    void aPartIsNotRestoredOverAnExportFileThatWouldLoseTheRest() throws Exception {
        Path export = dir.resolve("whole.json");
        assertThat(CliRun.of("demo", "--generate-only", export.toString(), "--users", "20").exitCode()).isZero();
        String[] repoArgs = TestRepository.init(dir, "file-part").args();
        assertThat(CliRun.of(new String[] {"backup", "firestore-export:" + export}, repoArgs).exitCode()).isZero();
        byte[] before = Files.readAllBytes(export);
        for (String[] part : List.of(new String[] {"--only", "users"}, new String[] {"--where-key", "u0000001"})) {
            CliRun over = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + export, part[0], part[1],
                    "--state", dir.resolve("state-file-part").toString()}, repoArgs);
            assertThat(over.exitCode()).as(over.toString()).isEqualTo(2);
            assertThat(over.err()).contains("is written whole", "would drop every other document", "into a new file");
            assertThat(Files.readAllBytes(export)).isEqualTo(before);
        }
        Path fresh = dir.resolve("users-only.json");
        CliRun into = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + fresh, "--only", "users",
                "--state", dir.resolve("state-file-new").toString()}, repoArgs);
        assertThat(into.exitCode()).as(into.toString()).isZero();
        assertThat(Files.readString(fresh)).contains("\"users\"").doesNotContain("\"posts\"");
    }

    private static List<String> comments() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(DST); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select post_id, id, text from comments order by post_id, id")) {
            while (rs.next()) out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
        }
        return out;
    }
}
